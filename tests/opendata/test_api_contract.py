"""Schemathesis drives every operation of /api/openapi.json with generated parameters: no
server error, every status documented, every body valid against the description."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(directory, settings):
    # Hundreds of requests from one client: the rate limit's own test is tests/test_security.py.
    settings.RATELIMIT_ENABLE = False
    # As Django's test client does: a request must not close the connection that holds the
    # test's transaction (PostgreSQL would lose it and every later query fail).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_honours_its_openapi_description(case):
    # The WSGI transport does not decompress: ask for the body as is (gzip is tested elsewhere).
    case.call_and_validate(checks=CHECKS, headers={"Accept-Encoding": "identity"})

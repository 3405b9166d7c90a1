"""PostgreSQL connections carry client-side timeouts, so a database that is down or hung cannot
hold a page (docs/outage-and-backups.md); the real outage is tests/test_outage.py."""

import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.conftest import child_environment, settings_in_child

ROOT = Path(__file__).resolve().parent.parent


def database_settings(url, **variables):
    keys = ("ENGINE", "OPTIONS", "QUERY_WAIT", "HEALTH_CHECK_WAIT", "CONN_HEALTH_CHECKS")
    return settings_in_child(
        f"{{k: settings.DATABASES['default'].get(k) for k in {keys!r}}}",
        DATABASE_URL=url,
        **variables,
    )


def test_postgresql_gets_client_side_timeouts_and_a_statement_timeout():
    database = database_settings("postgres://u@127.0.0.1:5432/d")
    options = database["OPTIONS"]
    assert database["ENGINE"] == "directory211.postgresql" and database["CONN_HEALTH_CHECKS"]
    assert options["connect_timeout"] == 2 and options["keepalives"] == 1
    assert options["tcp_user_timeout"] == 2000
    assert "-c statement_timeout=10000" in options["options"]
    assert database["QUERY_WAIT"] == 12 and database["HEALTH_CHECK_WAIT"] == 0.5


def test_the_environment_and_the_database_url_set_them():
    database = database_settings(
        "postgres://u@127.0.0.1:5432/d?connect_timeout=7&options=-c%20statement_timeout%3D1s",
        DATABASE_CONNECT_TIMEOUT="4",
        DATABASE_STATEMENT_TIMEOUT="30",
        DATABASE_HEALTH_CHECK_TIMEOUT="1.5",
    )
    options = database["OPTIONS"]
    assert options["connect_timeout"] == 7
    # The URL's options come last: PostgreSQL keeps the last value given.
    assert options["options"].endswith("-c statement_timeout=30000 -c statement_timeout=1s")
    assert database["QUERY_WAIT"] == 32 and database["HEALTH_CHECK_WAIT"] == 1.5


def test_commands_run_without_a_statement_timeout():
    show = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    environment = {**child_environment(), "DATABASE_URL": "postgres://u@127.0.0.1:5432/d"}
    environment.pop("DATABASE_STATEMENT_TIMEOUT", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", show],
        env=environment,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert "-c statement_timeout=0'" in result.stdout, result.stderr
    database = database_settings("postgres://u@127.0.0.1:5432/d", DATABASE_STATEMENT_TIMEOUT="0")
    assert database["QUERY_WAIT"] is None


def test_sqlite_is_left_as_it_is():
    database = database_settings("sqlite:///x.sqlite3")
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert "connect_timeout" not in (database["OPTIONS"] or {})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's client only")
@pytest.mark.django_db
def test_a_server_that_does_not_answer_in_time_ends_the_wait_and_the_connection():
    raw = connection.get_new_connection(connection.get_connection_params())
    raw.wait_limit = 0.3
    assert raw.execute("SELECT 1").fetchone() == (1,)
    start = time.monotonic()
    with pytest.raises(psycopg.OperationalError, match="did not answer within 0.3 s"):
        raw.execute("SELECT pg_sleep(3)")
    assert time.monotonic() - start < 1 and raw.closed

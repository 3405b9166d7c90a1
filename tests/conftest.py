"""Shared test set-up: translations compiled once, French active by default."""

import pytest
from django.test import override_settings
from django.utils import translation

from resources.translations import compile_catalogues


def pytest_sessionstart(session):
    compile_catalogues()


@pytest.fixture(scope="session", autouse=True)
def _plain_http():
    """Tests run with production settings (DEBUG off), which redirect every request to HTTPS;
    the test client and the live server speak plain HTTP. Session-wide so that it is in force
    when the live server builds its middleware (SecurityMiddleware reads the setting once)."""
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(autouse=True)
def _french_by_default():
    with translation.override("fr"):
        yield

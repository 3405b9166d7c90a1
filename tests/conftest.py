"""Shared test set-up: translations compiled once, French active by default."""

import pytest
from django.utils import translation

from resources.translations import compile_catalogues


def pytest_sessionstart(session):
    compile_catalogues()


@pytest.fixture(autouse=True)
def _french_by_default():
    with translation.override("fr"):
        yield

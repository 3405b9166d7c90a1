"""Real headless Chromium (Debian's, driven by Playwright's sync API) against Django's live server.

Every test module here starts with

    pytestmark = [
        pytest.mark.browser,
        pytest.mark.django_db(transaction=True, serialized_rollback=True),
    ]

`live_server` needs a transactional database, which is flushed after each test; the reference
data (municipalities, sectors, languages) comes from a data migration, so `serialized_rollback`
restores it before each test (it is small: a few hundred rows) instead of each test reloading it,
and `_migrated_data_restored` puts it back once the last browser test has flushed it, for the tests
that run after (pytest-django runs transactional tests after the others, but a conftest may move
some, such as those using the committed demo data, to the very end).

Without /usr/bin/chromium the browser tests are skipped, except under CI (`CI` set), where a
skipped browser suite would hide a broken set-up, so they fail.
"""

import os
import time
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connections
from playwright.sync_api import sync_playwright

from tests.conftest import restore_migrated_data
from tests.factories import locate, make_organization, make_phone, make_schedule, make_service

CHROMIUM = Path("/usr/bin/chromium")
# Headless as root, offline: see docs/engineering-notes.md. Playwright gives each launch a fresh
# temporary profile, so no --user-data-dir.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--log-level=3",
]
DEVICES = {
    # A French-Canadian phone and a desktop, on Montréal time.
    "mobile": {
        "viewport": {"width": 360, "height": 740},
        "is_mobile": True,
        "has_touch": True,
        "locale": "fr-CA",
        "timezone_id": "America/Toronto",
    },
    "desktop": {
        "viewport": {"width": 1280, "height": 800},
        "locale": "fr-CA",
        "timezone_id": "America/Toronto",
    },
}
# axe's defaults plus WCAG 2.2 AA's target size (2.5.8), which axe leaves off by default.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}


def wait_until(page, expression, timeout=10_000):
    """Wait until the JavaScript `expression` (a value or a promise) is truthy in `page`.

    Instead of `page.wait_for_function`, whose predicate Playwright compiles with `eval`, which
    the site's Content-Security-Policy (no 'unsafe-eval') refuses; `page.evaluate` is not
    subject to the page's policy."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"{expression} still false after {timeout} ms")
        page.wait_for_timeout(50)


@pytest.fixture(scope="package", autouse=True)
def _migrated_data_restored(django_db_blocker):
    yield
    restore_migrated_data(django_db_blocker)


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright runs an event loop in the test thread; the ORM refuses to run beside one
    # unless told that this synchronous use is deliberate.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    migrated = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        # With an event loop running in the thread, Django keeps its connections per context
        # (asgiref's Local), so the tests now get new ones: give them the migrated data that
        # serialized_rollback restores, or it silently restores nothing.
        for alias, contents in migrated.items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # Close this context's connections, or dropping the test database finds them open.
        connections.close_all()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(browser, live_server):
    """`new_page(**context_options)`: a page in a fresh browser context (closed after the test);
    `page.goto("/fr/")` paths are relative to the live server."""
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=live_server.url, **options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def mobile_page(new_page):
    return new_page(**DEVICES["mobile"])


@pytest.fixture
def desktop_page(new_page):
    return new_page(**DEVICES["desktop"])


@pytest.fixture(params=DEVICES)
def device_page(request, new_page):
    """The test runs twice: on the phone and on the desktop."""
    return new_page(**DEVICES[request.param])


@pytest.fixture
def axe():
    """`axe(page)` fails the test with axe-core's report when the page has any violation."""
    checker = Axe()

    def check(page):
        results = checker.run(page, options=AXE_OPTIONS)
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return check


@pytest.fixture
def directory():
    """A 24/7 2-1-1 line and one food bank service with a phone, a location and an area."""
    helpline = make_service(slug="ligne-211", name_fr="Ligne 2-1-1", name_en="2-1-1 line")
    make_schedule([(day, "00:00", "00:00") for day in range(7)], helpline, closed_on_holidays=False)
    organization = make_organization(
        slug="partage-exemple", name_fr="Partage Exemple", name_en="Example Sharing"
    )
    make_phone("450 555-0123", organization=organization)
    service = make_service(
        organization,
        sectors=["food-banks"],
        municipalities=["repentigny"],
        slug="depannage-alimentaire",
        name_fr="Dépannage alimentaire",
        description_fr="Épicerie d'urgence une fois par mois.",
    )
    make_phone("450 555-0124", service=service)
    locate(service)
    return {"organization": organization, "service": service}

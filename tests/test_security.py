"""Security headers, the Content-Security-Policy, rate limits, request size limits, the admin's
path and `check --deploy` (docs/security.md)."""

import re
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django_ratelimit import core as ratelimit_core

from directory211.security import client_address
from tests.conftest import child_environment
from tests.factories import make_organization, make_service

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent

POLICY = {
    "default-src": "'self'",
    # The map's tiles (MAP_TILE_URL's server, OpenStreetMap's by default) are images.
    "img-src": "'self' data: https://tile.openstreetmap.org",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


@pytest.fixture
def records(db):
    organization = make_organization(slug="maison-entraide", name_fr="Maison d'entraide")
    service = make_service(
        organization=organization,
        slug="depannage",
        name_fr="Dépannage alimentaire",
        sectors=["food"],
        municipalities=["repentigny"],
    )
    return {"organization": organization, "service": service}


def page_urls(records):
    """One URL of every page type, in both languages where there are two."""
    service = records["service"]
    return {
        "home": ["/fr/", "/en/"],
        "results": ["/fr/recherche/?q=aide&place=Repentigny", "/en/search/?q=food"],
        "sector": ["/fr/secteurs/food/", "/en/sectors/food/"],
        "municipality": ["/fr/municipalites/repentigny/", "/en/municipalities/repentigny/"],
        "organization": ["/fr/organismes/maison-entraide/", "/en/organizations/maison-entraide/"],
        "service": ["/fr/services/depannage/", "/en/services/depannage/"],
        "my list": [f"/fr/ma-liste/?ids={service.uuid}", f"/en/my-list/?ids={service.uuid}"],
        "about pages": ["/fr/a-propos/", "/en/privacy/", "/fr/accessibilite/"],
        "404": ["/fr/nexiste-pas/", "/en/nothing-here/"],
        "api": ["/api/", "/api/services?search=aide", f"/api/services/{service.uuid}"],
        "admin login": [reverse("admin:login")],
    }


def policy_of(response):
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


def assert_secure_headers(response):
    assert policy_of(response) == POLICY
    assert "unsafe" not in response["Content-Security-Policy"]
    permissions = dict(p.split("=") for p in response["Permissions-Policy"].split(", "))
    assert permissions["geolocation"] == "(self)"
    assert permissions["camera"] == permissions["microphone"] == permissions["payment"] == "()"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


PAGE_TYPES = [
    "home",
    "results",
    "sector",
    "municipality",
    "organization",
    "service",
    "my list",
    "about pages",
    "404",
    "api",
    "admin login",
]


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_every_page_type_has_the_security_headers_and_the_policy(client, records, page_type):
    for url in page_urls(records)[page_type]:
        for method in (client.get, client.head):
            response = method(url)
            assert response.status_code == (404 if page_type == "404" else 200), url
            assert_secure_headers(response)


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", re.I)


@pytest.mark.parametrize("page_type", [t for t in PAGE_TYPES if t != "api"])
def test_no_page_holds_what_the_policy_would_block(client, records, page_type):
    """No inline script (JSON-LD data blocks apart), no style element or attribute, no event
    handler attribute, no resource from another origin: what 'self' alone would refuse."""
    for url in page_urls(records)[page_type]:
        page = client.get(url).content.decode()
        assert not INLINE_SCRIPT.search(page), url
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", page, re.I), url
        assert not re.search(r'<(script|img)\b[^>]*\ssrc="(https?:)?//', page), url
        assert not re.search(r'<link\b[^>]*rel="(stylesheet|icon)"[^>]*href="(https?:)?//', page)


def test_the_map_tile_server_follows_the_setting_for_images_only(client, records):
    with override_settings(MAP_TILE_URL="https://tuiles.example.org:8443/{z}/{x}/{y}.png"):
        policy = policy_of(client.get("/fr/"))
    assert policy["img-src"] == "'self' data: https://tuiles.example.org:8443"
    assert policy["default-src"] == "'self'"
    with override_settings(MAP_TILE_URL=""):
        assert policy_of(client.get("/fr/"))["img-src"] == "'self' data:"


def test_hsts_without_preload_unless_asked(client):
    with override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True):
        response = client.get("/healthz", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/healthz")  # plain HTTP: none


def test_the_admin_pages_ask_not_to_be_indexed(client):
    response = client.get(reverse("admin:login"))
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "X-Robots-Tag" not in client.get("/fr/")


# Rate limits ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _one_moment(monkeypatch):
    """django-ratelimit counts in fixed windows of the clock: a test frozen at one moment never
    sees its window end between two requests."""
    moment = time.time()
    monkeypatch.setattr(ratelimit_core, "time", SimpleNamespace(time=lambda: moment))


@override_settings(RATELIMIT_SEARCH="3/m")
def test_searches_past_the_limit_get_a_bilingual_429_with_retry_after(
    client, django_assert_num_queries
):
    for _ in range(3):
        assert client.get("/fr/recherche/?q=aide").status_code == 200
    with django_assert_num_queries(0):  # refused before the search, without the database
        response = client.get("/fr/recherche/?q=aide")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    page = response.content.decode()
    assert "Trop de demandes" in page and "Réessayez dans" in page
    assert "Try again in" in page and 'href="tel:211"' in page
    assert_secure_headers(response)
    assert client.get("/en/search/?q=food").status_code == 429  # one budget, both languages
    assert client.head("/fr/recherche/").status_code == 429
    assert client.get("/fr/").status_code == 200  # other pages are not counted
    assert client.get("/fr/secteurs/food/").status_code == 200


@override_settings(RATELIMIT_SEARCH="1/m")
def test_the_english_429_page_is_english_first(client):
    client.get("/en/search/")
    page = client.get("/en/search/").content.decode()
    assert page.index("Too many requests") < page.index("Réessayez dans")


@override_settings(RATELIMIT_API="2/m")
def test_the_api_past_its_limit_answers_json_429(client, records):
    assert client.get("/api/services").status_code == 200
    assert client.get("/api/organizations").status_code == 200
    response = client.get("/api/services")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == 429
    assert response["Access-Control-Allow-Origin"] == "*"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert client.get("/fr/recherche/").status_code == 200  # the search has its own budget


@override_settings(RATELIMIT_POST="2/m")
def test_posts_past_their_limit_get_429(client):
    for _ in range(2):
        response = client.post(reverse("admin:login"), {"username": "x", "password": "y"})
        assert response.status_code == 200  # the form again, with its error
    response = client.post(reverse("admin:login"), {"username": "x", "password": "y"})
    assert response.status_code == 429 and "Retry-After" in response
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 429
    assert client.get(reverse("admin:login")).status_code == 200


@override_settings(RATELIMIT_SEARCH="2/m", RATELIMIT_ENABLE=False)
def test_rate_limits_can_be_turned_off(client):
    for _ in range(5):
        assert client.get("/fr/recherche/").status_code == 200


class UnreachableCache(LocMemCache):
    def add(self, *args, **kwargs):
        raise ConnectionError("the cache is down")


@override_settings(
    RATELIMIT_SEARCH="1/m",
    RATELIMIT_USE_CACHE="counters",
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "counters": {"BACKEND": "tests.test_security.UnreachableCache"},
    },
)
def test_a_cache_outage_lets_requests_through(client):
    """The counters' cache down (django-ratelimit's RATELIMIT_USE_CACHE, the default cache in
    production): searches still go through."""
    for _ in range(3):
        assert client.get("/fr/recherche/").status_code == 200


# Telling clients apart ------------------------------------------------------------------------


def request_from(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored():
    assert client_address(request_from("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_saw_counts_not_what_the_client_wrote():
    assert client_address(request_from("10.0.0.2", "198.51.100.1")) == "198.51.100.1"
    spoofed = request_from("10.0.0.2", "1.2.3.4, 198.51.100.1")
    assert client_address(spoofed) == "198.51.100.1"
    assert client_address(request_from("10.0.0.2")) == "10.0.0.2"  # header missing: the proxy
    assert client_address(request_from("10.0.0.2", "not-an-address")) == "10.0.0.2"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies():
    chain = "1.2.3.4, 198.51.100.1, 10.0.0.1"
    assert client_address(request_from("10.0.0.2", chain)) == "198.51.100.1"


def test_ipv6_clients_count_by_their_64_block():
    first = client_address(request_from("2001:db8:1:2:aaaa::1"))
    assert first == client_address(request_from("2001:db8:1:2:bbbb::9")) == "2001:db8:1:2::"


@override_settings(RATELIMIT_SEARCH="2/m")
def test_clients_behind_the_same_address_share_a_budget_unless_a_proxy_is_trusted(client):
    def search(forwarded):
        return client.get("/fr/recherche/", HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [search(f"198.51.100.{n}") for n in range(3)] == [200, 200, 429]
    client.logout()
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert [search(f"203.0.113.{n}") for n in range(5)] == [200] * 5
        assert [search("203.0.113.0") for _ in range(2)] == [200, 429]


# Size limits -----------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_a_clear_400(client):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        response = client.post(reverse("admin:login"), {"username": "x" * 2000, "password": "y"})
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "Demande refusée" in page
        and "This request is too long" in page
        and 'href="tel:211"' in page
    )


def test_the_largest_form_staff_post_fits_in_the_body_limit():
    """A service's change form with every text at its limit (the one size rule,
    resources/text_limits.py) in both languages, accented, URL-encoded, plus three service areas
    drawn at their longest: well within DATA_UPLOAD_MAX_MEMORY_SIZE."""
    from django.conf import settings as django_settings

    from resources.text_limits import text_limits

    limits = text_limits()
    fields = {}
    for (model, field), limit in limits.items():
        if model in ("Service", "Phone", "CostOption", "Schedule"):
            for language in ("fr", "en"):
                fields[f"{model}-{field}_{language}"] = "é" * limit  # 6 bytes each, encoded
    for n in range(3):
        fields[f"areas-{n}-extent"] = "[" * limits[("ServiceArea", "extent")]  # 3 bytes each
    body = urlencode(fields)
    assert len(body) > 1_000_000  # the worst case is counted, not a small form
    assert len(body) < django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_too_many_fields_is_a_400_on_pages_and_json_on_the_api(client):
    query = "&".join(f"f{n}=1" for n in range(1001))
    assert client.get(f"/fr/recherche/?{query}").status_code == 400
    response = client.get(f"/api/services?{query}")
    assert response.status_code == 400 and response.json()["status"] == 400


def test_a_query_string_over_the_limit_is_a_400(client):
    long = "a" * 5000
    response = client.get(f"/fr/recherche/?q={long}")
    assert response.status_code == 400 and "Demande refusée" in response.content.decode()
    assert_secure_headers(response)
    assert client.get(f"/api/services?search={long}").json()["status"] == 400


def test_a_long_search_within_the_limit_is_cut_with_a_notice(client):
    response = client.get("/fr/recherche/?q=" + "aide " * 300)
    assert response.status_code == 200
    assert "seuls ses 200 premiers caractères" in response.content.decode()


def test_a_full_my_list_fits_in_the_query_string(client, records):
    ids = ",".join([str(records["service"].uuid)] * 30)
    assert client.get(f"/fr/recherche/?q=aide&liste={ids}").status_code == 200


# Configuration from the environment -----------------------------------------------------------

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-" + "x7Qp9vLz2R" * 6,
    "ALLOWED_HOSTS": "repertoire.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def run_django(code, **variables):
    env = {k: v for k, v in child_environment().items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(PRODUCTION, DJANGO_SETTINGS_MODULE="directory211.settings", **variables)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_variables():
    env = {k: v for k, v in child_environment().items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(PRODUCTION)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Only the preload warning is silenced, on purpose (SECURE_HSTS_PRELOAD is opt-in).
    assert "System check identified no issues (1 silenced)." in result.stdout
    with_preload = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**env, "SECURE_HSTS_PRELOAD": "true"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "System check identified no issues (0 silenced)." in with_preload.stdout


def test_hsts_preload_is_opt_in():
    show = "from django.conf import settings; print(settings.SECURE_HSTS_PRELOAD)"
    assert run_django(show).stdout.strip() == "False"
    assert run_django(show, SECURE_HSTS_PRELOAD="true").stdout.strip() == "True"


def test_the_admin_lives_at_the_configured_path():
    code = (
        "from django.urls import reverse, resolve, Resolver404\n"
        "print(reverse('admin:index'))\n"
        "try:\n    resolve('/admin/'); print('found')\n"
        "except Resolver404:\n    print('not found')"
    )
    result = run_django(code.replace("\n", "\n"), ADMIN_URL="gestion-7f3a")
    assert result.stdout.splitlines() == ["/gestion-7f3a/", "not found"], result.stderr

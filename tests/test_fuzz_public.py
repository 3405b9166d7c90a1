"""Hypothesis over every public URL and every query parameter, pages and API: whatever the path
words, parameter names, values or bytes, the site never answers a 5xx.

A fair sample runs by default (the same examples each time, a few seconds); `pytest -m fuzz`
runs a long, random one. The API is also driven by its OpenAPI description in
tests/opendata/test_api_contract.py (schemathesis); here the parameters are any text at all.
"""

from urllib.parse import quote, quote_from_bytes

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opendata.api.openapi import document
from search.forms import SearchForm
from tests.factories import locate, make_organization, make_service

pytestmark = pytest.mark.django_db

# Public page paths, both languages; {slug} is filled with a real slug or anything at all.
PAGES = [
    "/",
    "/fr/",
    "/en/",
    "/fr/recherche/",
    "/en/search/",
    "/fr/secteurs/{slug}/",
    "/en/sectors/{slug}/",
    "/fr/municipalites/{slug}/",
    "/en/municipalities/{slug}/",
    "/fr/organismes/{slug}/",
    "/en/organizations/{slug}/",
    "/fr/services/{slug}/",
    "/en/services/{slug}/",
    "/fr/organismes/{slug}/signaler/",
    "/fr/services/{slug}/signaler/",
    "/fr/services/{slug}/signaler/merci/",
    "/fr/ma-liste/",
    "/en/my-list/",
    "/fr/a-propos/",
    "/en/about/",
    "/fr/confidentialite/",
    "/en/privacy/",
    "/fr/accessibilite/",
    "/en/accessibility/",
    "/robots.txt",
    "/sitemap.xml",
    "/healthz",
    "/readyz",
    "/i18n/setlang/",
]


def api_operations():
    """Every API path ({id} to fill) and every query parameter its description names."""
    spec = document()
    components = spec["components"]["parameters"]
    paths, names = [], set()
    for path, item in spec["paths"].items():
        paths.append("/api" + path.replace("{id}", "{slug}"))
        for parameter in item["get"].get("parameters", []):
            ref = parameter.get("$ref")
            names.add(components[ref.split("/")[-1]]["name"] if ref else parameter["name"])
    return paths + ["/api/openapi.json", "/api/profile"], sorted(names)


API_PATHS, API_PARAMETERS = api_operations()
PAGE_PARAMETERS = sorted({*SearchForm.base_fields, "place", "liste", "ids", "page", "next"})

ODD_VALUES = [
    "",
    "0",
    "-1",
    "1e309",
    "nan",
    "-inf",
    "99999999999999999999999",
    "true",
    "on",
    "\x00",
    "%00",
    "../../etc/passwd",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "Saint",
    "J6A 1A1",
    "H0H",
    "repentigny",
    "food",
    "45.74",
    "-73.45",
    "2026-02-30",
    "2026-03-08T02:30:00",
    "fr",
    "en",
    "nearest",
    "a,b,c",
    "😀" * 50,
    "ǅ\u0301\u200b\ufeff",
    "x" * 3000,
]


@pytest.fixture
def site(db):
    organization = make_organization(slug="maison-entraide", name_fr="Maison d'entraide")
    service = make_service(
        organization=organization,
        slug="depannage",
        sectors=["food"],
        municipalities=["repentigny"],
    )
    locate(service)
    return {
        "slugs": ["food", "repentigny", "maison-entraide", "depannage", str(service.uuid)],
        "uuid": str(service.uuid),
    }


def values(site):
    return st.one_of(
        st.sampled_from(ODD_VALUES + site["slugs"]),
        st.text(max_size=60),
        st.integers().map(str),
        st.floats(allow_nan=True).map(str),
        st.lists(st.sampled_from(site["slugs"] + ["x"]), max_size=40).map(",".join),
    )


@st.composite
def requests(draw, site):
    """(method, path, raw query string): a known path with a real or odd slug, known and
    unknown parameter names, any values, sometimes raw bytes that are not UTF-8."""
    path = draw(st.sampled_from(PAGES + API_PATHS))
    if "{slug}" in path:
        slug = draw(st.one_of(st.sampled_from(site["slugs"]), st.text(min_size=1, max_size=40)))
        path = path.replace("{slug}", quote(slug, safe=""))
    known = API_PARAMETERS if path.startswith("/api") else PAGE_PARAMETERS
    name = st.one_of(st.sampled_from(known), st.text(max_size=10))
    pairs = draw(st.lists(st.tuples(name, values(site)), max_size=6))
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)
    if draw(st.booleans()) and draw(st.booleans()):
        raw = draw(st.binary(max_size=40))
        query += ("&" if query else "") + "q=" + quote_from_bytes(raw, safe="=&%")
    method = draw(st.sampled_from(["GET", "GET", "HEAD"]))
    return method, path, query


def check(client, request):
    method, path, query = request
    response = client.generic(method, path, QUERY_STRING=query)
    assert response.status_code < 500, f"{method} {path}?{query} -> {response.status_code}"


FAIR_SAMPLE = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LONG_RUN = settings(
    max_examples=5000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@override_settings(RATELIMIT_ENABLE=False)
def test_no_public_url_or_parameter_gives_a_server_error(client, site):
    @FAIR_SAMPLE
    @given(requests(site))
    def run(request):
        check(client, request)

    run()


@pytest.mark.fuzz
@override_settings(RATELIMIT_ENABLE=False)
def test_no_public_url_or_parameter_gives_a_server_error_long_run(client, site):
    """`pytest -m fuzz`: 5,000 random requests."""

    @LONG_RUN
    @given(requests(site))
    def run(request):
        check(client, request)

    run()


def test_every_api_parameter_and_path_is_covered():
    """The fuzzing follows the API's description: a new parameter or path is fuzzed too."""
    assert {"search", "page", "per_page", "lang", "taxonomy_term_id"} <= set(API_PARAMETERS)
    assert "/api/services/{slug}" in API_PATHS and "/api/organizations" in API_PATHS
    assert {"q", "place", "lat", "lon", "sector", "liste"} <= set(PAGE_PARAMETERS)

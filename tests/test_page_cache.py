"""Whole public pages kept in the cache for anonymous visitors (directory211/page_cache.py,
docs/caching.md): an edit shows at once, staff are never served a kept page, the 2-1-1 banner is
never more than a minute old, and the headers say so (Cache-Control, ETag and 304, Vary)."""

import datetime
import gzip
import re
import time

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directory211 import page_cache
from resources import generation
from resources.models import Sector, Service
from tests.factories import at, locate, make_schedule, make_service, sector

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pages_kept(settings):
    settings.PAGE_CACHE_SECONDS = 60


def fetch(client, url, **headers):
    """(response, number of queries it took)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def max_age(response):
    return int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))


@pytest.fixture
def food_bank():
    service = make_service(sectors=["food-banks"], municipalities=["charlemagne"], name_fr="Frigo")
    locate(service, place="charlemagne")
    return service


PAGES = [
    "/fr/",
    "/en/",
    "/fr/secteurs/food/",
    "/fr/municipalites/charlemagne/",
    "/fr/recherche/?q=frigo",
    "/en/search/?q=frigo",
    "/fr/a-propos/",
    "/sitemap.xml",
]


@pytest.mark.parametrize("url", PAGES)
def test_a_kept_page_costs_no_query_and_says_so(client, food_bank, url):
    first, cold = fetch(client, url)
    second, warm = fetch(client, url)
    assert first.status_code == second.status_code == 200
    assert cold > 0 and warm == 0
    assert second.content == first.content
    assert second["ETag"] == first["ETag"] and second["ETag"].startswith('W/"')
    assert "public" in second["Cache-Control"] and 0 < max_age(second) <= 60
    assert "Cookie" in second["Vary"]


def test_a_service_page_is_kept_too(client, food_bank):
    url = food_bank.get_absolute_url()
    assert fetch(client, url)[1] > 0
    assert fetch(client, url)[1] == 0
    organization = food_bank.organization.get_absolute_url()
    assert fetch(client, organization)[1] > 0
    assert fetch(client, organization)[1] == 0


def test_each_address_and_query_is_kept_apart(client, food_bank):
    french = client.get("/fr/recherche/?q=frigo").content.decode()
    other = client.get("/fr/recherche/?q=natation").content.decode()
    english = client.get("/en/search/?q=frigo").content.decode()
    assert 'lang="fr"' in french and 'lang="en"' in english
    assert "Frigo" in french and "Frigo" not in other


def test_only_the_root_redirect_varies_by_accept_language(client, food_bank):
    root = client.get("/", headers={"accept-language": "en"})
    assert root.status_code == 302 and "Accept-Language" in root["Vary"]
    for url in ("/fr/", "/en/", "/fr/secteurs/food/"):
        assert "Accept-Language" not in client.get(url)["Vary"]


def test_a_client_that_has_the_page_gets_304(client, food_bank):
    first = client.get("/fr/secteurs/food/")
    again, queries = fetch(client, "/fr/secteurs/food/", if_none_match=first["ETag"])
    assert again.status_code == 304 and again.content == b"" and queries == 0
    assert again["ETag"] == first["ETag"] and "public" in again["Cache-Control"]
    # Compressed, with the tag it gave, and on a page rendered again (not kept yet).
    cache.clear()
    zipped = client.get("/fr/secteurs/food/", headers={"accept-encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip" and zipped["ETag"] != first["ETag"]
    cache.clear()
    fresh, queries = fetch(
        client, "/fr/secteurs/food/", if_none_match=zipped["ETag"], accept_encoding="gzip"
    )
    assert fresh.status_code == 304 and queries > 0
    # Another tag: the page.
    other = client.get("/fr/secteurs/food/", headers={"if-none-match": 'W/"autre"'})
    assert other.status_code == 200 and other.content == first.content


def test_a_model_save_shows_at_once_on_every_kept_page(client, food_bank):
    urls = ["/fr/", "/fr/secteurs/food/", food_bank.get_absolute_url(), "/fr/recherche/?q=frigo"]
    before = {url: client.get(url) for url in urls}
    for url in urls:
        assert fetch(client, url)[1] == 0
    food_bank.name_fr = "Frigo partagé"
    food_bank.save()
    for url in urls[1:]:
        page = client.get(url)
        assert "Frigo partagé" in page.content.decode(), url
        assert page["ETag"] != before[url]["ETag"]
    # The home page's counts too: one more service in the sector.
    assert "1 service" in client.get("/fr/").content.decode()
    make_service(sectors=["food-banks"], municipalities=["charlemagne"])
    home = client.get("/fr/").content.decode()
    assert re.search(r"Alimentation</span></a> <span class=\"count\">2 services", home)


def test_an_admin_edit_shows_at_once(client, admin_client, food_bank):
    food = sector("food")
    assert food.name_fr in client.get("/fr/").content.decode()
    assert fetch(client, "/fr/")[1] == 0
    url = reverse("admin:resources_sector_change", args=[food.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["name_fr"] = "Alimentation et dépannage"
    assert admin_client.post(url, data).status_code == 302
    assert Sector.objects.get(pk=food.pk).name_fr == "Alimentation et dépannage"
    assert "Alimentation et dépannage" in client.get("/fr/").content.decode()
    assert "Alimentation et dépannage" in client.get("/fr/secteurs/food/").content.decode()


def test_a_bulk_write_shows_after_the_commands_that_follow_it(client, food_bank):
    """A queryset update sends no signal (nor do the bulk loads): the index rebuild, which every
    bulk load ends with, drops the kept pages."""
    assert "Frigo" in client.get(food_bank.get_absolute_url()).content.decode()
    Service.objects.filter(pk=food_bank.pk).update(name_fr="Garde-manger")
    assert "Frigo" in client.get(food_bank.get_absolute_url()).content.decode()
    call_command("rebuild_search_index", stdout=None)
    assert "Garde-manger" in client.get(food_bank.get_absolute_url()).content.decode()
    assert "Garde-manger" in client.get("/fr/recherche/?q=garde").content.decode()


def test_staff_are_never_served_nor_given_a_kept_page(client, admin_client, food_bank):
    url = "/fr/secteurs/food/"
    anonymous = client.get(url)
    staff, queries = fetch(admin_client, url)
    assert staff.status_code == 200 and queries > 0
    assert "no-store" in staff["Cache-Control"] and "private" in staff["Cache-Control"]
    assert "ETag" not in staff and "Cookie" in staff["Vary"]
    assert fetch(admin_client, url)[1] > 0
    # What staff see is not kept for the others either.
    cache.clear()
    admin_client.get(url)
    assert fetch(client, url)[1] > 0
    assert client.get(url)["ETag"] == anonymous["ETag"]


def test_what_is_not_a_kept_page_is_rendered_each_time(client, food_bank):
    # A 404 (answered from the reference data in memory, without a query) is never kept.
    missing = client.get("/fr/secteurs/inconnu/")
    assert missing.status_code == 404 and "ETag" not in missing
    assert "public" not in missing.get("Cache-Control", "")
    for url in (
        "/fr/recherche/?q=frigo&lat=45.74&lon=-73.45",  # a position is never stored
        "/readyz",
        f"/fr/ma-liste/?ids={food_bank.uuid}",
    ):
        client.get(url)
        assert fetch(client, url)[1] > 0, url
    assert "ETag" not in client.get("/fr/recherche/?q=frigo&lat=45.74&lon=-73.45")
    assert "ETag" not in client.get("/healthz")
    assert client.post("/fr/").status_code == 405


def test_a_page_that_sets_a_cookie_or_says_private_is_not_kept(client, settings):
    settings.ROOT_URLCONF = "tests.page_cache_urls"
    for url in ("/fr/biscuit/", "/fr/prive/"):
        assert client.get(url).status_code == 200
        assert "ETag" not in client.get(url)
    assert "choice" in client.get("/fr/biscuit/").cookies


def test_head_is_answered_from_the_kept_page(client, food_bank):
    client.get("/fr/secteurs/food/")
    head, queries = None, 0
    with CaptureQueriesContext(connection) as captured:
        head = client.head("/fr/secteurs/food/")
    queries = len(captured)
    assert head.status_code == 200 and head.content == b"" and queries == 0


def test_no_page_is_kept_when_the_setting_is_zero(client, settings, food_bank):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/fr/secteurs/food/")
    again, queries = fetch(client, "/fr/secteurs/food/")
    assert queries > 0 and "ETag" not in again


def test_the_counts_are_kept_for_the_generation_even_without_the_page(client, settings, food_bank):
    settings.PAGE_CACHE_SECONDS = 0
    cold = fetch(client, "/fr/")[1]
    warm = fetch(client, "/fr/")[1]
    assert warm < cold
    make_service(sectors=["food-banks"], municipalities=["charlemagne"])
    assert re.search(
        r"Alimentation</span></a> <span class=\"count\">2 services",
        client.get("/fr/").content.decode(),
    )
    assert "2 résultats" in client.get("/fr/secteurs/food/").content.decode()


# The 2-1-1 banner -----------------------------------------------------------------------------


@pytest.fixture
def line_open_until_21h():
    """The 2-1-1 line, open on Tuesdays 8:00 to 21:00."""
    line = make_service(slug="ligne-211", name_fr="Ligne 2-1-1")
    make_schedule([(1, "08:00", "21:00")], line)
    return line


def test_the_banner_is_never_more_than_a_minute_old(client, line_open_until_21h):
    rendered = at("2026-09-08 20:59:30")  # a Tuesday, 30 s before the line closes
    with time_machine.travel(rendered, tick=False) as clock:
        first = client.get("/fr/")
        assert "Ouvert maintenant" in first.content.decode()
        assert max_age(first) == 60
        # After closing time, the kept page (and its browser copy) says "open" for what is left
        # of its minute, never longer.
        for seconds in (31, 45):
            clock.move_to(rendered + datetime.timedelta(seconds=seconds))
            page, queries = fetch(client, "/fr/")
            assert queries == 0 and "Ouvert maintenant" in page.content.decode()
            assert seconds + max_age(page) == 60
        # In its last seconds the page is rendered again (by one request): closed now.
        clock.move_to(rendered + datetime.timedelta(seconds=52))
        page = client.get("/fr/")
        assert "Fermé en ce moment" in page.content.decode()
        assert max_age(page) == 60
        # Not asked for in its last seconds, it is gone at the end of its minute.
        clock.move_to(rendered + datetime.timedelta(seconds=52 + 60))
        page, queries = fetch(client, "/fr/")
        assert queries > 0 and max_age(page) == 60


def test_a_page_near_its_end_is_rendered_by_one_request_while_others_serve_it(client, food_bank):
    with time_machine.travel(time.time(), tick=False) as clock:
        client.get("/fr/secteurs/food/")
        clock.shift(55)  # in the last seconds of its minute
        key = page_cache_key("/fr/secteurs/food/")
        assert cache.add(f"{key}:lock", 1)  # another worker renders it
        page, queries = fetch(client, "/fr/secteurs/food/")
        assert queries == 0 and max_age(page) == 5
        cache.delete(f"{key}:lock")
        page, queries = fetch(client, "/fr/secteurs/food/")  # this one renders it
        assert queries > 0 and max_age(page) == 60


def test_a_missing_page_another_worker_renders_is_waited_for_then_rendered(
    client, food_bank, monkeypatch
):
    monkeypatch.setattr(page_cache, "WAIT_SECONDS", 0.2)
    key = page_cache_key("/fr/secteurs/food/")
    assert cache.add(f"{key}:lock", 1)  # another worker renders it, and never finishes
    started = time.monotonic()
    page, queries = fetch(client, "/fr/secteurs/food/")
    assert page.status_code == 200 and queries > 0
    assert time.monotonic() - started >= 0.2


def page_cache_key(url):
    """The key a page is kept under, for the request the test client makes."""
    return page_cache._key(RequestFactory().get(url))


# The content generation ----------------------------------------------------------------------


def test_the_generation_changes_once_per_transaction_when_it_commits(
    django_capture_on_commit_callbacks,
):
    before = generation.current()
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        make_service(sectors=["food-banks"], municipalities=["charlemagne"])
        make_service()
        # Other processes keep the old token until the commit (they still read the old data);
        # this thread, which reads its own writes, gets a new one.
        assert cache.get(generation.KEY) == before
        during = generation.current()
        assert during != before
    assert [hook for hook in hooks if hook is generation.bump] == [generation.bump]
    assert generation.current() not in (before, during)


def test_a_lost_generation_is_replaced_by_one_no_page_was_kept_under(client, food_bank):
    client.get("/fr/secteurs/food/")
    before = generation.current()
    cache.delete(generation.KEY)
    assert generation.current() != before
    assert fetch(client, "/fr/secteurs/food/")[1] > 0


def test_the_suggested_sectors_follow_an_edit_at_once(client, settings):
    """A search with no result suggests the sectors with the most services first: counted once
    per generation (search/suggestions.py), again after an edit."""
    settings.PAGE_CACHE_SECONDS = 0

    def first_suggestion():
        html = client.get("/fr/recherche/?q=zzzqx").content.decode()
        return re.search(r'data-sector="([a-z-]+)"', html).group(1)

    for _ in range(2):
        make_service(sectors=["housing"], scope="mrc")
    assert first_suggestion() == "housing"
    for _ in range(3):
        make_service(sectors=["food-banks"], scope="mrc")
    assert first_suggestion() == "food"


GZIP = {"accept-encoding": "gzip, deflate, br"}


@pytest.mark.parametrize("url", ["/fr/secteurs/food/", "/en/search/?q=frigo", "/sitemap.xml"])
def test_a_kept_page_is_compressed_once_and_served_so_to_who_accepts_gzip(client, food_bank, url):
    plain = client.get(url)
    rendered = client.get(url, headers=GZIP)  # the first compressed answer: the kept copy's
    cache.clear()
    missed, cold = fetch(client, url, **GZIP)  # rendered, kept, and served compressed
    kept, warm = fetch(client, url, **GZIP)
    assert cold > 0 and warm == 0
    for response in (rendered, missed, kept):
        assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
        assert response["Content-Length"] == str(len(response.content))
        # Compressed once: the body decompresses to the page itself, not to gzip again.
        assert gzip.decompress(response.content) == plain.content
        assert not plain.content.startswith(b"\x1f\x8b")
        vary = {v.strip() for v in response["Vary"].split(",")}
        assert {"Accept-Encoding", "Cookie"} <= vary
    assert kept.content == missed.content and kept["ETag"] == missed["ETag"]
    # The plain page to a client that does not say gzip; the same Vary, another tag.
    again = client.get(url, headers={"accept-encoding": "identity"})
    assert "Content-Encoding" not in again and again.content == plain.content
    assert {"Accept-Encoding", "Cookie"} <= {v.strip() for v in again["Vary"].split(",")}
    assert again["ETag"] == plain["ETag"] != kept["ETag"]
    assert again["Content-Length"] == str(len(plain.content))


def test_each_encoding_gets_304_for_its_own_tag_only(client, food_bank):
    url = "/fr/secteurs/food/"
    plain = client.get(url)
    zipped = client.get(url, headers=GZIP)
    same, queries = fetch(client, url, if_none_match=zipped["ETag"], **GZIP)
    assert same.status_code == 304 and same.content == b"" and queries == 0
    assert same["ETag"] == zipped["ETag"] and "Accept-Encoding" in same["Vary"]
    assert client.get(url, headers={"if-none-match": plain["ETag"]}).status_code == 304
    # A tag of the other encoding is not this answer's: the whole page.
    crossed = client.get(url, headers={"if-none-match": zipped["ETag"]})
    assert crossed.status_code == 200 and crossed.content == plain.content
    crossed = client.get(url, headers={"if-none-match": plain["ETag"], **GZIP})
    assert crossed.status_code == 200 and gzip.decompress(crossed.content) == plain.content


def test_head_of_a_compressed_kept_page_says_its_size_without_a_body(client, food_bank):
    url = "/fr/secteurs/food/"
    zipped = client.get(url, headers=GZIP)
    head, queries = fetch_head(client, url, **GZIP)
    assert head.status_code == 200 and head.content == b"" and queries == 0
    assert head["Content-Encoding"] == "gzip" and head["ETag"] == zipped["ETag"]
    assert head["Content-Length"] == str(len(zipped.content))


def fetch_head(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.head(url, headers=headers)
    return response, len(queries)

"""Unmet needs (search/unmet_needs.py): every search counted, a cached page too, with no
database write on the request path and nothing about the person; the admin report of the
searches that found nothing or little, its CSV and its link into the need lexicon."""

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from resources.models import Municipality, Sector
from search.models import NeedExpression, SearchNeedStat
from search.unmet_needs import MIN_SEEN, scrub

pytestmark = pytest.mark.django_db

REPORT = "/admin/search/searchneedstat/"


def search(query_string, **headers):
    response = Client().get(f"/fr/recherche/?{query_string}", **headers)
    assert response.status_code == 200
    return response


def flushed():
    call_command("flush_search_stats", stdout=io.StringIO())
    return list(SearchNeedStat.objects.order_by("query", "results").values())


def test_searches_are_counted_in_the_cache_and_written_by_the_flush(food_bank):
    with CaptureQueriesContext(connection) as queries:
        search("q=faim&municipality=repentigny", REMOTE_ADDR="203.0.113.5")
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert not writes  # no database write on the request path
    assert not SearchNeedStat.objects.exists()
    search("q=faim&municipality=repentigny")
    search("q=faim&municipality=repentigny&page=2")  # a further page is not a new search
    search("q=chaussures+de+course")
    search("")  # nothing asked: the bare results page, not a search
    rows = flushed()
    assert [(r["query"], r["searches"]) for r in rows] == [("chaussures de course", 1), ("faim", 2)]
    shoes, hunger = rows
    assert shoes["results"] == 0 and shoes["municipality_id"] is None
    assert hunger["results"] == 1 and hunger["sectors"] == "food-banks meals"
    assert hunger["municipality_id"] == Municipality.objects.get(slug="repentigny").pk
    assert hunger["day"] == timezone.localdate() and hunger["language"] == "fr"
    # A second flush adds only what came since.
    search("q=faim&municipality=repentigny")
    assert [r["searches"] for r in flushed()] == [1, 3]


def test_a_page_served_from_the_page_cache_is_counted_too(settings):
    settings.PAGE_CACHE_SECONDS = 60
    first = search("q=trampoline")
    assert "public" in first["Cache-Control"]
    with CaptureQueriesContext(connection) as queries:
        again = search("q=trampoline")
    assert len(queries) == 0  # served from the page cache: no view ran
    etag = again["ETag"]
    assert Client().get("/fr/recherche/?q=trampoline", HTTP_IF_NONE_MATCH=etag).status_code == 304
    [row] = flushed()
    assert row["query"] == "trampoline" and row["searches"] == 3


def test_no_personal_data_is_kept():
    search(
        "q=aide+450-555-0123+jean@example.org+123+rue+Notre-Dame&lat=45.74&lon=-73.45",
        REMOTE_ADDR="198.51.100.23",
        HTTP_USER_AGENT="Navigateur-Secret/9",
        HTTP_COOKIE="sessionid=abc123",
    )
    [row] = flushed()
    assert row["query"] == "aide"
    stored = " ".join(str(value) for value in row.values())
    for personal in ("198.51.100", "Navigateur", "abc123", "45.74", "73.45", "555", "@", "Notre"):
        assert personal not in stored
    columns = {f.name for f in SearchNeedStat._meta.get_fields()}
    assert columns == {
        "id",
        "day",
        "query",
        "sectors",
        "municipality",
        "language",
        "results",
        "searches",
    }


@pytest.mark.parametrize(
    ("typed", "counted"),
    [
        ("Appelez-moi au 450-555-0123 ou jean.tremblay@example.org", "appelez-moi au ou"),
        ("(450) 555 0199 banque alimentaire", "banque alimentaire"),
        ("+1 450 555 0101", ""),
        (
            "dépannage alimentaire 123 rue Notre-Dame, Repentigny",
            "dépannage alimentaire repentigny",
        ),
        ("45b, avenue Laval paniers de Noël", ""),
        ("aide boul. Iberville logement", "aide"),
        ("chemin du Roy", ""),
        ("loyer J6A 1B2 3 enfants", "loyer enfants"),
        ("voir https://exemple.org/page aide", "voir aide"),
        ("je vis dans la rue", "je vis dans la rue"),  # a need, not an address
        ("Éducation des adultes", "éducation des adultes"),
    ],
)
def test_queries_are_scrubbed_of_digits_emails_phones_and_addresses(typed, counted):
    assert scrub(typed) == counted
    assert not re.search(r"\d|@", scrub(typed))


# The report ---------------------------------------------------------------------------------


def test_the_report_shows_needs_seen_three_times_never_fewer(admin_client):
    for _ in range(MIN_SEEN):
        search("q=trampoline&municipality=charlemagne")
    for _ in range(MIN_SEEN - 1):
        search("q=parapente&municipality=charlemagne")
    html = admin_client.get(REPORT).content.decode()  # opening it flushes
    assert "trampoline" in html and "Charlemagne" in html
    assert "parapente" not in html
    assert SearchNeedStat.objects.get(query="parapente").searches == MIN_SEEN - 1
    week = timezone.localdate() - timezone.timedelta(days=timezone.localdate().weekday())
    assert f"Semaine du {week.day} " in html
    export = admin_client.get(REPORT, {"kind": "zero", "export": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    assert "attachment" in export["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["semaine", "municipalite", "recherche"]
    assert rows[1:] == [[week.isoformat(), "Charlemagne", "trampoline", "", "fr", "3", "0"]]
    other = admin_client.get(REPORT, {"municipality": "repentigny"}).content.decode()
    assert "trampoline" not in other


def test_low_result_searches_have_their_own_list(admin_client, food_bank):
    for _ in range(MIN_SEEN):
        search("q=faim")
        search("q=trampoline")
    low = admin_client.get(REPORT, {"kind": "low"}).content.decode()
    zero = admin_client.get(REPORT).content.decode()
    assert "faim" in low and "trampoline" not in low
    assert "trampoline" in zero and ">faim<" not in zero
    assert "déjà dans le lexique" in low  # « faim » is a need expression already


def test_add_as_a_need_expression_opens_the_lexicon_form_filled(admin_client):
    for _ in range(MIN_SEEN):
        search("q=couches+lavables")
    html = admin_client.get(REPORT).content.decode()
    found = re.search(r'href="([^"]*needexpression/add/\?[^"]*)"', html)
    link = found.group(1).replace("&amp;", "&")
    form = admin_client.get(link).content.decode()
    assert 'value="couches lavables"' in form
    food = Sector.objects.get(slug="food")
    response = admin_client.post(
        link,
        {"expression": "couches lavables", "language": "fr", "kind": "need", "sectors": [food.pk]},
    )
    assert response.status_code == 302
    assert list(NeedExpression.objects.get(expression="couches lavables").sectors.all()) == [food]
    assert "déjà dans le lexique" in admin_client.get(REPORT).content.decode()


def test_the_report_is_for_staff_only(client, django_user_model):
    assert client.get(REPORT).status_code == 302  # to the sign-in
    user = django_user_model.objects.create_user("benevole", is_staff=True)
    client.force_login(user)
    assert client.get(REPORT).status_code == 403
    assert client.get(REPORT, {"export": "csv"}).status_code == 403
    assert reverse("admin:search_searchneedstat_changelist") == REPORT

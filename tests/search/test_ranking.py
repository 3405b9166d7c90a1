"""The ranking rule of search/ranking.py, on factory data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from geopy.distance import great_circle

from resources.models import Service
from search import lookups, places, sql
from search.models import NeedExpression
from search.ranking import engine
from tests.factories import at, locate, make_schedule, make_service, municipality, sector
from tests.searching import outcome

pytestmark = pytest.mark.django_db

REPENTIGNY = (45.7422, -73.4501)


def names(result):
    return [hit.service.name_fr for hit in result.hits]


def food(name, lat=None, lon=None, **fields):
    fields.setdefault("scope", "mrc")
    service = make_service(name_fr=name, description_fr="Aide alimentaire.", **fields)
    if lat is not None:
        locate(service, latitude=lat, longitude=lon)
    return service


@pytest.mark.parametrize("cap", [1000, 2], ids=["few-matches-sorted", "index-walk"])
def test_nearest_service_comes_first(monkeypatch, cap):
    monkeypatch.setattr("search.ranking.COUNT_CAP", cap)
    food("Loin", 45.85, -73.48)
    food("Proche", 45.745, -73.452)
    food("Moyen", 45.78, -73.44)
    result = outcome(q="alimentaire", lat=45.742, lon=-73.450)
    assert result.sort == "nearest"
    assert names(result) == ["Proche", "Moyen", "Loin"]


def test_a_walk_goes_further_when_the_nearest_rows_are_one_services_many_points(monkeypatch):
    """The nearest-first walk asks for half as many rows again as the services it needs
    (ranking._walk); when the nearest rows are the many points of a few services, it walks
    again further instead of showing fewer."""
    monkeypatch.setattr("search.sql.GATHER_CAP", 1)  # past the gather: the walk
    many = food("Comptoir aux vingt adresses")
    for n in range(40):  # its 40 points, all nearer than any other service
        locate(many, latitude=45.7421 + n * 0.00001, longitude=-73.4501)
    others = [food(f"Banque {n:02d}", 45.75 + n * 0.002, -73.45) for n in range(25)]
    result = outcome(q="alimentaire", lat=45.742, lon=-73.450)
    assert names(result) == [many.name_fr] + [s.name_fr for s in others[:19]]


@pytest.mark.parametrize("cap", [1000, 1], ids=["few-matches-sorted", "index-walk"])
def test_services_without_a_point_come_after_located_ones_and_are_labelled(
    client, monkeypatch, cap
):
    monkeypatch.setattr("search.ranking.COUNT_CAP", cap)
    food("Ligne téléphonique")
    food("Comptoir", 45.85, -73.48)
    result = outcome(q="alimentaire", lat=45.742, lon=-73.450)
    assert names(result) == ["Comptoir", "Ligne téléphonique"]
    assert [hit.is_located for hit in result.hits] == [True, False]
    page = client.get("/fr/recherche/", {"q": "alimentaire", "lat": 45.742, "lon": -73.45})
    assert "Sans adresse physique" in page.content.decode()


def test_confidential_location_gives_no_point_and_never_shows(client):
    shelter = make_service(name_fr="Maison d'hébergement", scope="mrc", sectors=["violence"])
    locate(
        shelter,
        latitude=45.7777,
        longitude=-73.4444,
        is_confidential=True,
        address_1="12, rue Secrète",
    )
    result = outcome(q="hébergement", lat=45.742, lon=-73.450)
    assert names(result) == ["Maison d'hébergement"]
    assert result.hits[0].distance_km is None
    html = client.get("/fr/recherche/", {"q": "hébergement", "lat": 45.742, "lon": -73.45})
    text = html.content.decode()
    assert "Secrète" not in text and "45.7777" not in text and "45,7777" not in text


def test_service_with_several_points_is_listed_once_at_its_nearest_point():
    multi = food("Deux points", 45.90, -73.40)
    locate(multi, latitude=45.743, longitude=-73.451)
    food("Entre les deux", 45.76, -73.45)
    result = outcome(q="alimentaire", lat=45.742, lon=-73.450)
    assert names(result) == ["Deux points", "Entre les deux"]
    assert result.hits[0].distance_km < 0.2


def test_services_not_serving_the_place_are_shown_apart(client):
    food("Dessert tout", 45.75, -73.45)
    food("Seulement Saint-Sulpice", 45.74, -73.45, scope="local", municipalities=["saint-sulpice"])
    result = outcome(q="alimentaire", municipality="repentigny")
    assert names(result) == ["Dessert tout"]
    assert [hit.service.name_fr for hit in result.apart] == ["Seulement Saint-Sulpice"]
    html = client.get("/fr/recherche/", {"q": "alimentaire", "municipality": "repentigny"})
    apart = html.content.decode().split("data-results-apart", 1)[1]
    assert "Seulement Saint-Sulpice" in apart


def many_clauses_near_a_place():
    """A query of three clauses near Repentigny: services holding every word, serving the
    place or not, and one holding two of them (a partial match)."""
    words = "Ateliers de cuisine, de couture et de menuiserie."
    make_service(name_fr="Tout ici", description_fr=words, scope="mrc")
    make_service(
        name_fr="Tout ailleurs",
        description_fr=words,
        scope="local",
        municipalities=["saint-sulpice"],
    )
    make_service(
        name_fr="Deux ici", description_fr="Ateliers de cuisine et de couture.", scope="mrc"
    )
    params = {"q": "cuisine couture menuiserie", "municipality": "repentigny"}
    params.update(lat=str(REPENTIGNY[0]), lon=str(REPENTIGNY[1]))
    return params


def shown(result):
    return (
        names(result),
        [hit.service.name_fr for hit in result.apart],
        [hit.service.name_fr for hit in result.partial],
    )


@pytest.mark.parametrize("cap", [2000, 1], ids=["fits", "need-past-the-cap"])
def test_a_narrow_need_gathers_its_page_and_the_services_apart_at_once(monkeypatch, cap):
    monkeypatch.setattr("search.sql.GATHER_CAP", cap)
    params = many_clauses_near_a_place()
    outcome(**params)  # the reference data read once
    with CaptureQueriesContext(connection) as together:
        result = outcome(**params)
    monkeypatch.setattr("search.ranking.NARROW_CLAUSES", 99)  # one statement each, as before
    with CaptureQueriesContext(connection) as apart:
        expected = outcome(**params)

    assert shown(result) == shown(expected)
    assert shown(expected) == (["Tout ici"], ["Tout ailleurs"], ["Deux ici"])
    # Fitting, one query less; past the cap, the page is gathered again with the place.
    assert len(together) == len(apart) + (-1 if cap > 1 else 1), [q["sql"][:60] for q in together]


def needs_met_by_sectors_or_words():
    """Two needs the lexicon knows ("zéphyr": clothing, "quartz": food) near Repentigny, met by
    their sectors or their words in every way, a service meeting one only (a partial match),
    and one meeting both that does not serve the place (apart)."""
    for expression, name in (("zéphyr", "clothing"), ("quartz", "food")):
        need = NeedExpression.objects.create(expression=expression, language="fr")
        need.sectors.set([sector(name)])
    both = ["clothing", "food"]
    make_service(name_fr="Deux secteurs", sectors=both, scope="mrc")
    make_service(
        name_fr="Vêtements quartz", description_fr="Quartz.", sectors=["clothing"], scope="mrc"
    )
    make_service(name_fr="Zéphyr bouffe", description_fr="Zéphyr.", sectors=["food"], scope="mrc")
    make_service(name_fr="Zéphyr et quartz", description_fr="Zéphyr, quartz.", scope="mrc")
    make_service(name_fr="Vêtements seuls", sectors=["clothing"], scope="mrc")
    make_service(name_fr="Ailleurs", sectors=both, scope="local", municipalities=["saint-sulpice"])
    return {"q": "zéphyr quartz", "lat": str(REPENTIGNY[0]), "lon": str(REPENTIGNY[1])}


def test_a_narrow_need_read_term_by_term_finds_the_same(monkeypatch):
    """Where the engine writes the needs term by term (sql.clauses_in_terms: PostgreSQL), the
    gather of a narrow need whatever the place finds, orders and sets apart the same services
    as the needs' conjunction."""
    monkeypatch.setattr("search.ranking.NARROW_CLAUSES", 2)  # two needs: narrow
    params = needs_met_by_sectors_or_words()
    outcome(**params)  # the reference data read once
    with CaptureQueriesContext(connection) as queries:
        result = outcome(**params)
    monkeypatch.setattr("search.sql.TERM_CLAUSES", 0)  # never term by term
    expected = outcome(**params)

    assert shown(result) == shown(expected)
    assert sorted(names(result)) == [
        "Deux secteurs",
        "Vêtements quartz",
        "Zéphyr bouffe",
        "Zéphyr et quartz",
    ]
    assert [hit.service.name_fr for hit in result.apart] == ["Ailleurs"]
    assert "Vêtements seuls" in shown(result)[2]
    main = next(q["sql"] for q in queries if "search:main" in q["sql"])
    terms = 4 if connection.vendor == "postgresql" else 0  # (S1 or W1) and (S2 or W2): four
    assert main.count(") OR (") == max(terms - 1, 0), main


def test_terms_are_written_for_two_to_three_needs_met_by_sectors():
    class Clause:
        def __init__(self, *words):
            self.alternatives = [list(words)]

    class Need:
        def __init__(self, word, pk):
            self.words, self.sector_ids = {word}, [pk]

    class Engine:
        def sector_condition(self, ids):
            return sql.Fragment("S", list(ids))

    def terms(words, negative=()):
        positive = [(Clause(w), f"({w})") for w in words]
        needs = [Need(w, pk) for pk, w in enumerate(["a", "b", "c", "d"], 1)]
        condition = lambda expression: sql.Fragment("W", [expression])  # noqa: E731
        return sql.clauses_in_terms(positive, list(negative), needs, Engine(), condition, "&")

    assert terms(["a", "x"]) is None  # one need: its conjunction is one OR already
    assert terms(["a", "b", "c", "d"]) is None  # four: sixteen terms
    two = terms(["a", "b", "x"], negative=["(y)"])
    assert two.sql.count(") OR (") == 3 and two.sql.endswith("AND NOT W")
    # The word-only clause in every term, with the words of each need not met by sectors.
    assert two.params == [1, 2, "(x)", 1, "(x) & (b)", 2, "(x) & (a)", "(x) & (a) & (b)", "(y)"]
    assert terms(["a", "b", "c"]).sql.count(") OR (") == 7


def test_the_words_of_one_need_are_one_condition_met_by_its_sectors_or_all_its_words():
    """A need said in several words ("atelier zéphyr", classed under clothing): a service is
    a full match in the need's sectors or holding every word, as when each word was its own
    clause; the words are one text condition, which the index answers whole."""
    need = NeedExpression.objects.create(expression="atelier zéphyr", language="fr")
    need.sectors.set([sector("clothing")])
    make_service(name_fr="Vestiaire du quartier", sectors=["clothing"], scope="mrc")
    food("Atelier Zéphyr", sectors=["food"])
    food("Atelier de cuisine", sectors=["food"])
    food("Zéphyr transport", sectors=["food"])
    outcome(q="atelier zéphyr")  # the reference data read once

    with CaptureQueriesContext(connection) as queries:
        result = outcome(q="atelier zéphyr")

    assert sorted(names(result)) == ["Atelier Zéphyr", "Vestiaire du quartier"]
    assert sorted(hit.service.name_fr for hit in result.partial) == [
        "Atelier de cuisine",
        "Zéphyr transport",
    ]
    main = next(q["sql"] for q in queries if "search:main" in q["sql"])
    words = main.count("to_tsquery") if connection.vendor == "postgresql" else main.count("MATCH")
    assert words == 2, main  # the whole query's (its score), the need's words' (the condition)


@pytest.mark.parametrize("slug", ["repentigny", "charlemagne", "saint-sulpice", "joliette"])
def test_serving_rule_is_the_directory_one(slug):
    place = municipality(slug)
    make_service(name_fr="Local", scope="local", municipalities=[slug])
    make_service(name_fr="MRC", scope="mrc")
    make_service(name_fr="Région", scope="region")
    make_service(name_fr="Métro", scope="metro")
    make_service(name_fr="Québec", scope="province")
    make_service(name_fr="Ailleurs", scope="local", municipalities=["montreal"])
    expected = set(Service.objects.active().serving(place).values_list("name_fr", flat=True))
    assert set(names(outcome(municipality=slug, page=1))) == expected
    assert "province" in place.covering_scopes()


def test_database_distance_agrees_with_geopy_within_half_a_percent():
    service = food("Joliette", 46.0164, -73.4236)
    sql, params = engine().distance(*REPENTIGNY).sql, engine().distance(*REPENTIGNY).params
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {sql} FROM search_searchentry e WHERE e.service_id = %s",
            params + [service.pk],
        )
        metres = cursor.fetchone()[0]
    expected = great_circle(REPENTIGNY, (46.0164, -73.4236)).m
    assert abs(metres - expected) / expected < 0.005


def test_relevance_puts_a_name_match_before_a_description_match():
    make_service(name_fr="Ateliers", description_fr="Friperie et vêtements.", scope="mrc")
    make_service(name_fr="Friperie du quartier", description_fr="Vêtements.", scope="mrc")
    assert names(outcome(q="friperie"))[0] == "Friperie du quartier"


def test_filters_free_age_language_and_wheelchair():
    free = make_service(name_fr="Gratuit", is_free=True, minimum_age=65, scope="mrc")
    paying = make_service(name_fr="Payant", is_free=False, maximum_age=17, scope="mrc")
    free.languages.set(free.languages.model.objects.filter(code__in=["fra", "eng"]))
    locate(paying, wheelchair_accessible=True)
    assert names(outcome(free="on")) == ["Gratuit"]
    assert names(outcome(age=70)) == ["Gratuit"]
    assert names(outcome(age=12)) == ["Payant"]
    assert names(outcome(language="eng")) == ["Gratuit"]
    assert names(outcome(wheelchair="on")) == ["Payant"]


def test_open_now_uses_weekly_hours_holidays_closures_and_overnight_periods():
    monday = datetime.date(2026, 11, 23)
    day = make_service(name_fr="Jour", scope="mrc")
    make_schedule([(0, "09:00", "17:00")], service=day)
    night = make_service(name_fr="Nuit", scope="mrc")
    make_schedule([(0, "22:00", "06:00")], service=night)
    assert names(outcome(open_now="on", now=at(monday, 10))) == ["Jour"]
    assert names(outcome(open_now="on", now=at(monday, 23))) == ["Nuit"]
    assert names(outcome(open_now="on", now=at(monday + datetime.timedelta(1), 5))) == ["Nuit"]
    christmas = datetime.date(2028, 12, 25)  # a Monday, a statutory holiday
    assert names(outcome(open_now="on", now=at(christmas, 10))) == []
    day.schedules.first().closures.create(start_date=monday, end_date=monday)
    assert names(outcome(open_now="on", now=at(monday, 10))) == []


def test_pages_continue_and_a_page_past_the_end_shows_the_last():
    for n in range(25):
        make_service(name_fr=f"Service {n:02}", scope="mrc")
    first, second = outcome(page=1), outcome(page=2)
    assert len(first.hits) == 20 and len(second.hits) == 5
    assert not set(names(first)) & set(names(second))
    assert outcome(page=9).page == 2


def test_counts_stop_at_a_thousand(monkeypatch):
    monkeypatch.setattr("search.ranking.COUNT_CAP", 3)
    for n in range(5):
        make_service(name_fr=f"Service {n}", scope="mrc")
    result = outcome()
    assert result.capped and result.total == 3


def test_inactive_services_are_not_found():
    make_service(name_fr="Fermé pour de bon", status="defunct", scope="mrc")
    assert names(outcome(q="fermé")) == []


def test_municipality_alias_resolves():
    assert lookups.municipality("Le Gardeur").slug == "repentigny"


def test_the_distance_used_to_choose_agrees_with_geopy():
    pairs = [((45.742, -73.45), (45.509, -73.562)), ((45.8, -73.3), (46.02, -73.44))]
    for a, b in pairs + [((45.742, -73.45), (45.742, -73.45))]:
        assert places.arc_km(a, b) == pytest.approx(great_circle(a, b).km, abs=1e-6)

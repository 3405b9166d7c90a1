"""The relevance suite: expected top results on the demo directory, on SQLite and PostgreSQL.

Each case is a query string and what must hold of its results (service slugs). Orders are
asserted only where the ranking rule fixes them (distance, then name); text-score orders may
differ between engines, so those cases assert membership in the first results.
"""

import datetime
import zoneinfo

import pytest

from resources.models import Location, Service
from tests.searching import outcome

pytestmark = pytest.mark.django_db

REPENTIGNY = {"lat": "45.7422", "lon": "-73.4501"}
EPIPHANIE = {"lat": "45.85", "lon": "-73.49"}


@pytest.fixture(autouse=True)
def _demo(demo_data):
    return demo_data


def slugs(result):
    return [hit.service.slug for hit in result.hits]


def found_set(**params):
    """Every service found (one page of 500)."""
    return set(slugs(outcome(size=500, **params)))


TOP = [
    # (query string parameters, slugs that must all be in the first `k` results, k)
    (
        {"q": "banque alimentaire"},
        ["comptoir-alimentaire-assomption", "depannage-alimentaire-deux-rives"],
        5,
    ),
    (
        {"q": "food bank"},
        ["comptoir-alimentaire-assomption", "depannage-alimentaire-deux-rives"],
        5,
    ),
    ({"q": "alimantaire"}, ["comptoir-alimentaire-assomption", "depannage-saint-sulpice"], 5),
    ({"q": "aliment"}, ["comptoir-alimentaire-assomption", "depannage-alimentaire-deux-rives"], 5),
    ({"q": "logemnt"}, ["recherche-logement-riverain", "registre-logement-communautaire"], 5),
    ({"q": "logements"}, ["recherche-logement-riverain", "logements-cooperative-les-berges"], 5),
    ({"q": "HLM"}, ["hlm-office-habitation"], 5),
    ({"q": "bouffe"}, ["depannage-alimentaire-deux-rives", "depannage-saint-sulpice"], 5),
    ({"q": "CAB"}, ["jumelage-benevoles-deux-rives", "recrutement-benevoles-les-ponts"], 5),
    ({"q": "CLSC"}, ["vaccination-clsc-meandres", "prelevements-clsc-meandres"], 5),
    ({"q": "popote"}, ["popote-roulante-vieux-moulin"], 1),
    ({"q": "meals on wheels"}, ["popote-roulante-vieux-moulin"], 1),
    ({"q": "tax clinic"}, ["clinique-impot-charlemagne", "clinique-impot-carrefour"], 2),
    ({"q": "impôts"}, ["clinique-impot-charlemagne", "clinique-impot-carrefour"], 2),
    (
        {"q": "job search"},
        ["orientation-recherche-emploi-horizon", "club-recherche-emploi-50-plus"],
        3,
    ),
    (
        {"q": "santé mentale"},
        ["defense-droits-sante-mentale", "maintien-emploi-sante-mentale-lanaudiere"],
        3,
    ),
    (
        {"q": "mental health"},
        ["defense-droits-sante-mentale", "maintien-emploi-sante-mentale-lanaudiere"],
        3,
    ),
    (
        {"q": "francisation"},
        ["francisation-temps-plein-deux-rives", "conversation-francaise-charlemagne"],
        2,
    ),
    ({"q": "paratransit"}, ["admission-transport-adapte", "reservation-transport-adapte"], 3),
    ({"q": "transport adapté"}, ["admission-transport-adapte", "reservation-transport-adapte"], 3),
    (
        {"q": "dépendances"},
        ["consultation-dependances-point-de-bascule", "groupe-proches-point-de-bascule"],
        4,
    ),
    (
        {"q": "addiction"},
        ["consultation-dependances-point-de-bascule", "groupe-proches-point-de-bascule"],
        4,
    ),
    ({"q": "itinérance"}, ["halte-accueil-autochtone-repentigny"], 3),
    ({"q": "homeless"}, ["halte-accueil-autochtone-repentigny"], 3),
    ({"q": "seniors"}, ["logements-aines-clos-des-pins", "prevention-fraude-aines-assomption"], 5),
    ({"q": "home care"}, ["soins-personnels-entre-voisins", "aide-domestique-entre-voisins"], 5),
    ({"q": "naloxone"}, ["materiel-sterile-antidote", "formation-naloxone-antidote"], 2),
    ({"q": '"aide juridique"'}, ["aide-juridique-representation"], 3),
    ({"q": "friperie or meubles"}, ["friperie-fil-d-ariane", "collecte-meubles-domicile"], 8),
    ({"q": "Hébergement d'URGENCE"}, ["hebergement-urgence-le-phare"], 6),
]


@pytest.mark.parametrize(("params", "expected", "k"), TOP, ids=[str(p) for p, _, _ in TOP])
def test_expected_services_rank_in_the_first_results(params, expected, k):
    first = slugs(outcome(**params))[:k]
    assert set(expected) <= set(first), first


SAME = [
    # Pairs of queries that must find exactly the same services.
    ({"q": "epicerie"}, {"q": "ÉPICERIE"}),
    ({"q": "Épiphanie"}, {"q": "epiphanie"}),
    ({"q": "aînés"}, {"q": "aines"}),
    ({"q": "logement"}, {"q": "logements"}),
    ({"q": "famille"}, {"q": "familles"}),
    ({"q": "banque alimentaire"}, {"q": "banques alimentaires"}),
    ({"q": "shelter"}, {"q": "shelters"}),
]


@pytest.mark.parametrize(("one", "other"), SAME, ids=[f"{a}={b}" for a, b in SAME])
def test_accents_case_and_plurals_do_not_change_the_results(one, other):
    found = found_set(**one)
    assert found and found == found_set(**other)


INCLUDES = [
    ({"q": "personnes âgées"}, ["logements-aines-clos-des-pins"]),
    ({"q": "elderly"}, ["logements-aines-clos-des-pins"]),
    ({"q": "welfare"}, ["information-aide-sociale-epiphanie"]),
    ({"q": "violence conjugale"}, ["ligne-intervention-violence-refuge-rive"]),
    ({"q": "suicide"}, ["intervention-crise-suicide", "postvention-suicide"]),
    ({"q": "daycare"}, ["halte-garderie-les-pousses", "halte-garderie-grand-coteau"]),
    ({"q": "halte-garderie"}, ["halte-garderie-les-pousses", "halte-garderie-grand-coteau"]),
    ({"q": "dépannage"}, ["depannage-alimentaire-deux-rives", "depannage-saint-sulpice"]),
    ({"q": "emploi -jeunes"}, ["orientation-recherche-emploi-horizon"]),
]


@pytest.mark.parametrize(("params", "expected"), INCLUDES, ids=[str(p) for p, _ in INCLUDES])
def test_synonyms_and_query_syntax_find_the_services(params, expected):
    assert set(expected) <= found_set(**params)


def test_excluded_word_removes_its_services():
    assert "stage-ete-jeunes-passerelle" not in found_set(q="emploi -jeunes")
    assert "stage-ete-jeunes-passerelle" in found_set(q="emploi")


def test_nonsense_finds_nothing_and_the_page_offers_211(client):
    assert outcome(q="xyzzy").total == 0
    html = client.get("/fr/recherche/", {"q": "xyzzy"}).content.decode()
    assert "tel:211" in html


def test_sector_and_position_nearest_first():
    assert slugs(outcome(sector="food", **EPIPHANIE))[0] == "frigo-partage-epiphanie"


def test_sector_and_municipality_ties_broken_by_name():
    first = slugs(outcome(sector="homelessness", municipality="repentigny"))[:2]
    assert first == ["centre-de-jour-halte-chaleur", "refuge-froid-extreme-halte"]


def test_place_only_lists_everything_serving_it_nearest_first():
    result = outcome(**REPENTIGNY)
    assert slugs(result)[:3] == [
        "accompagnement-transport-les-ponts",
        "recrutement-benevoles-les-ponts",
        "visites-amitie-les-ponts",
    ]
    distances = [h.distance_km for h in result.hits if h.distance_km is not None]
    assert distances == sorted(distances)


def test_municipality_only():
    assert slugs(outcome(municipality="saint-sulpice"))[0] == "activites-aines-fleuve"


def test_alias_le_gardeur_is_repentigny_and_others_shown_apart():
    result = outcome(q="dépannage", municipality="Le Gardeur")
    assert slugs(result)[0] == "depannage-alimentaire-deux-rives"
    assert "depannage-saint-sulpice" in [h.service.slug for h in result.apart]


def test_old_parish_name_resolves_to_l_epiphanie():
    result = outcome(q="halte-garderie", municipality="L'Épiphanie-Paroisse")
    assert result.hits and "halte-garderie-les-pousses" in [h.service.slug for h in result.apart]


def test_postal_code_prefix_places_the_visitor():
    assert slugs(outcome(sector="food-banks", postal_code="J5W 2B3"))[0] == (
        "comptoir-alimentaire-assomption"
    )


def test_phone_lines_follow_located_services_when_nearest():
    result = outcome(q="ligne d'écoute", **REPENTIGNY)
    located = [h.is_located for h in result.hits]
    assert located == sorted(located, reverse=True) and not located[-1]


def test_relevance_sort_with_a_position_is_by_text():
    result = outcome(q="popote", sort="relevance", lat="45.8232", lon="-73.4294")
    assert result.sort == "relevance" and slugs(result)[0] == "popote-roulante-vieux-moulin"


def test_confidential_locations_never_leak(client):
    location = Location.objects.filter(is_confidential=True).first()
    location.address_1, location.latitude, location.longitude = "77, rue Cachée", 45.7311, -73.4711
    location.save()
    result = outcome(q="hébergement violence", **REPENTIGNY)
    confidential = {
        h.service.slug for h in result.hits if h.service.organization_id == location.organization_id
    }
    assert confidential
    assert all(h.distance_km is None for h in result.hits if h.service.slug in confidential)
    html = client.get("/fr/recherche/", {"q": "hébergement violence", **REPENTIGNY})
    text = html.content.decode()
    assert "Cachée" not in text and "45.7311" not in text and "45,7311" not in text


@pytest.mark.parametrize(
    ("params", "holds"),
    [
        ({"q": "aide", "free": "on"}, lambda s: s.is_free),
        ({"sector": "seniors", "age": "70"}, lambda s: (s.maximum_age or 200) >= 70),
        ({"sector": "newcomers", "language": "eng"}, lambda s: "eng" in _codes(s)),
        ({"sector": "disabilities", "wheelchair": "on"}, lambda s: _accessible(s)),
    ],
)
def test_filters_hold_for_every_result(params, holds):
    result = outcome(**params)
    services = Service.objects.in_bulk([h.service.pk for h in result.hits])
    assert result.hits and all(holds(service) for service in services.values())


def _codes(service):
    return {language.code for language in service.languages.all()}


def _accessible(service):
    return any(sal.location.wheelchair_accessible for sal in service.service_at_locations.all())


ZONE = zoneinfo.ZoneInfo("America/Toronto")


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2026, 11, 23, 10, 0, tzinfo=ZONE),  # Monday morning
        datetime.datetime(2026, 11, 28, 14, 0, tzinfo=ZONE),  # Saturday afternoon
        datetime.datetime(2026, 11, 29, 3, 0, tzinfo=ZONE),  # Sunday night
        datetime.datetime(2026, 12, 25, 10, 0, tzinfo=ZONE),  # Christmas
    ],
    ids=["monday", "saturday", "sunday-night", "christmas"],
)
def test_open_now_agrees_with_the_schedules(moment):
    services = Service.objects.active().prefetch_related(
        "schedules__periods", "schedules__closures"
    )
    expected = {s.slug for s in services if any(x.is_open_at(moment) for x in s.schedules.all())}
    found = set()
    for page in range(1, 20):
        result = outcome(now=moment, open_now="on", page=page)
        found |= set(slugs(result))
        if page >= result.num_pages:
            break
    assert found == expected
    if moment.hour == 3:
        assert "ligne-ecoute-le-relais" in found


def test_english_page_searches_both_languages(client):
    html = client.get("/en/search/", {"q": "banque alimentaire"}).content.decode()
    assert 'data-service-id="' in html and "Food counter" in html

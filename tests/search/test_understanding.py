"""Search understands people: conversational words, partial matches, the need lexicon, the
crisis block and suggestions that fit the question (on the demo directory, both databases).

The lexicon entries these tests rely on are created here, so they hold whatever the seed holds.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resources.models import Sector, Service
from search import lookups
from search.finder import find
from search.models import NeedExpression
from search.text import words
from tests.searching import outcome

pytestmark = pytest.mark.django_db

REPENTIGNY = {"lat": "45.7422", "lon": "-73.4501"}


@pytest.fixture(autouse=True)
def _demo(demo_data):
    return demo_data


def need(expression, *slugs, language="fr", kind="need"):
    entry, _ = NeedExpression.objects.get_or_create(
        normalized=" ".join(words(expression)),
        language=language,
        defaults={"expression": expression, "kind": kind},
    )
    entry.expression, entry.kind = expression, kind
    entry.save()
    entry.sectors.set(Sector.objects.filter(slug__in=slugs))
    return entry


def slugs(hits):
    return [hit.service.slug for hit in hits]


def sectors_of(hit):
    """The slugs of a result's sectors and of their parents."""
    service = Service.objects.get(pk=hit.service.pk)
    found = set()
    for sector in service.sectors.select_related("parent"):
        found.add(sector.slug)
        if sector.parent:
            found.add(sector.parent.slug)
    return found


def test_conversational_words_are_never_required():
    plain = outcome(q="emploi", size=500)
    said = find({"q": "je cherche un emploi"}, size=500)
    assert said.outcome.total == plain.total > 0
    assert slugs(said.outcome.hits) == slugs(plain.hits)
    assert {"je", "cherche", "un"} <= set(said.criteria.query.ignored)


def test_english_conversational_words_too():
    assert outcome(q="I need help finding a job", size=500).total == outcome(q="job").total


def test_partial_matches_fill_a_short_first_page_below_the_full_ones():
    result = outcome(q="vêtements pour enfants et meubles")
    full, partial = slugs(result.hits), slugs(result.partial)
    assert full and partial and not set(full) & set(partial)
    assert len(full) + len(partial) == 20  # the page is filled
    assert all(hit.matched for hit in result.partial)  # each says which words it holds


def test_partial_matches_are_ranked_by_the_words_they_hold():
    result = outcome(q="friperie meubles xyzzyq", size=40)
    held = [len(hit.matched) for hit in result.partial]
    assert result.total == 0 and held == sorted(held, reverse=True) and held[0] == 2


def test_with_a_position_each_tier_is_nearest_first():
    NeedExpression.objects.all().delete()  # no need read: every partial match holds one word
    result = outcome(q="emploi xyzzyq", **REPENTIGNY)
    assert result.total == 0 and len(result.partial) == 20
    distances = [hit.distance_km for hit in result.partial if hit.distance_km is not None]
    assert distances and distances == sorted(distances)


def test_no_partial_matches_when_the_full_ones_fill_the_page():
    result = outcome(q="aide")
    assert result.total > 20 and not result.partial


def test_who_the_help_is_for_is_not_the_need():
    said = find({"q": "besoin de nourriture pour ma famille"}, size=500)
    assert said.outcome.total == outcome(q="nourriture", size=500).total > 0
    assert "famille" in said.criteria.query.ignored
    alone = find({"q": "aide pour ma famille"})  # then the family is the need
    assert "famille" not in alone.criteria.query.ignored


def test_a_full_page_costs_no_more_queries_than_before(client):
    with CaptureQueriesContext(connection) as few:
        client.get("/fr/recherche/", {"q": "emploi"})
    with CaptureQueriesContext(connection) as partial:
        client.get("/fr/recherche/", {"q": "vêtements pour enfants et meubles"})
    assert len(partial) <= len(few) + 1  # the partial statement, nothing per result


def test_the_page_marks_partial_matches_and_the_words_not_used(client):
    html = client.get("/fr/recherche/", {"q": "je cherche de la nourriture xyzzyq"})
    html = html.content.decode()
    assert "data-results-partial" in html and "Mots non utilisés" in html
    assert "cherche" in html.split("Mots non utilisés")[1][:200]
    english = client.get("/en/search/", {"q": "I need food xyzzyq"}).content.decode()
    assert "data-results-partial" in english and "Words not used" in english


def test_a_need_expression_boosts_its_sectors_without_filtering():
    plain = outcome(q="perdu emploi", size=500)
    need("perdu ma job", "job-search", "income-support")
    result = find({"q": "j'ai perdu ma job"}, size=500)
    understood = result.form.understanding
    assert [n.expression for n in understood.needs] == ["perdu ma job"]
    hits = result.outcome.hits + result.outcome.partial
    assert {"job-search", "income-support"} & sectors_of(hits[0])
    assert len(hits) >= min(20, plain.total)  # others still listed


def test_a_kind_of_help_named_prefers_that_kind_over_a_mention_in_passing():
    # The seeded lexicon: "hébergement" names the shelters, "violence" the violence sector. A
    # service that says "sans hébergement", or helps men, is nearer but comes after.
    result = outcome(q="hébergement violence", **REPENTIGNY)
    first = sectors_of(result.hits[0])
    assert "emergency-shelter" in first and "domestic-violence" in first
    near = [h for h in result.hits if h.distance_km is not None]
    assert near and near[0].distance_km < 3  # nearer services exist, and rank lower
    assert result.hits.index(near[0]) > 0


def test_the_page_names_the_sectors_understood_with_links(client):
    need("bouffe", "food")
    need("job", "employment")
    html = client.get("/fr/recherche/", {"q": "une job pis de la bouffe"}).content.decode()
    assert "Résultats pour" in html and "data-need-sectors" in html
    assert 'sector=employment"' in html and 'sector=food"' in html


def test_plurals_phrases_and_word_for_word_expressions():
    NeedExpression.objects.all().delete()  # these entries alone
    need("payer loyer", "emergency-funds")
    need("en finir", "suicide-prevention", kind="crisis")
    need("maison des jeunes", "youth-centres")
    need("maison", "housing")

    def read(text):
        return [n.expression for n in lookups.understand(text).needs]

    assert read("je peux pas payer mon loyer") == ["payer loyer"]
    assert read("payer les loyers") == ["payer loyer"]
    assert read("je veux en finir") == ["en finir"]
    assert read("finir mes devoirs") == []
    assert read("la maison des jeunes") == ["maison des jeunes"]


def test_an_edit_of_the_lexicon_shows_in_the_next_search():
    assert not find({"q": "qwertz"}).form.understanding.needs
    need("qwertz", "food")
    assert find({"q": "qwertz"}).form.understanding.sector_ids()


def test_crisis_block_with_911_988_and_the_directory_line(client):
    need("je veux en finir", "suicide-prevention", kind="crisis")
    html = client.get("/fr/recherche/", {"q": "je veux en finir", **REPENTIGNY}).content.decode()
    crisis = html.split("data-crisis")[1].split("</section>")[0]
    assert 'href="tel:911"' in crisis and 'href="tel:988"' in crisis
    assert crisis.count('class="call"') >= 3  # a line of the directory too
    assert html.index("data-crisis") < html.index("data-result-count")
    english = client.get("/en/search/", {"q": "je veux en finir"}).content.decode()
    assert "data-crisis" in english and "Help is here" in english


def test_no_crisis_block_for_an_ordinary_need(client):
    need("je veux en finir", "suicide-prevention", kind="crisis")
    assert (
        "data-crisis"
        not in client.get("/fr/recherche/", {"q": "finir mes devoirs"}).content.decode()
    )


def test_only_conversational_words_give_a_clear_answer_not_every_service(client):
    result = outcome(q="help me please")
    assert result.total == 0 and not result.hits and not result.partial
    html = client.get("/fr/recherche/", {"q": "help me please"}).content.decode()
    assert "Nous n'avons pas reconnu de besoin" in html
    assert "data-suggested-sectors" in html and 'href="tel:211"' in html


def suggested(client, **params):
    html = client.get("/fr/recherche/", params).content.decode()
    block = html.split("data-suggested-sectors")[1].split("</section>")[0]
    return [part.split('"')[0] for part in block.split('data-sector="')[1:]]


def test_suggestions_fit_the_question(client):
    filters = {"age": "5", "language": "ukr", "wheelchair": "on"}
    meals = suggested(client, q="popote roulante", **filters)
    clothes = suggested(client, q="friperie", **filters)
    assert "meals" in meals[:2] and "clothing" in clothes[:2] and meals != clothes


def test_suggestions_from_a_typo_correction(client):
    assert "clothing" in suggested(client, q="fripperie", age="5", language="ukr")[:3]


def test_suggestions_without_words_come_from_the_place(client):
    first = suggested(client, q="help me please", municipality="saint-sulpice")
    assert first and len(first) == len(set(first))

"""The access paths that keep the search's cost from following the directory's size
(docs/scale.md): partial matches reached through the clauses whose words are not everywhere,
and sector searches planned on the index. PostgreSQL only: both read its planner's state."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search import engine_postgres
from search.finder import find
from tests.factories import make_service

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics"),
]


@pytest.fixture
def directory():
    common = "Ateliers de jardinage collectif."
    made = {
        "everywhere": [
            make_service(name_fr=f"Jardin {n}", description_fr=common) for n in range(8)
        ],
        "both": make_service(name_fr="Cyclo", description_fr="Ateliers de réparation de vélos."),
        "rare only": make_service(name_fr="Roue libre", description_fr="Réparation de vélos."),
        "other": make_service(name_fr="Friperie", description_fr="Vêtements."),
    }
    call_command("rebuild_search_index", stdout=io.StringIO())  # ends with ANALYZE
    engine_postgres._statistics["read"] = None
    yield made
    engine_postgres._statistics["read"] = None


def partial(query):
    outcome = find({"q": query}).outcome
    return [hit.service.slug for hit in outcome.partial]


def test_a_clause_of_words_found_everywhere_does_not_reach_partial_matches(directory, monkeypatch):
    query = "ateliers vélos"
    every_clause = set(partial(query))
    assert {s.slug for s in directory["everywhere"]} <= every_clause  # reached by "ateliers"
    assert directory["rare only"].slug in every_clause

    monkeypatch.setattr(engine_postgres, "COMMON_ROWS", 5)  # "ateliers": 9 of 11 rows, "vélos" 2
    engine_postgres._statistics["read"] = None
    reached = partial(query)

    assert directory["rare only"].slug in reached  # reached by "vélos"
    assert not {s.slug for s in directory["everywhere"]} & set(reached)
    assert directory["other"].slug not in reached


def test_only_common_clauses_keep_reaching_through_all(directory, monkeypatch):
    monkeypatch.setattr(engine_postgres, "COMMON_ROWS", 0)  # every word is common
    engine_postgres._statistics["read"] = None
    assert {s.slug for s in directory["everywhere"]} <= set(partial("ateliers vélos"))


def test_a_sector_search_is_planned_on_the_index(directory):
    with CaptureQueriesContext(connection) as queries:
        find({"sector": "food", "lat": "45.742", "lon": "-73.450", "open_now": "on"})
    sql = [q["sql"] for q in queries.captured_queries]
    setting = next(i for i, q in enumerate(sql) if "enable_seqscan" in q)
    main = next(i for i, q in enumerate(sql) if "search:main" in q)
    assert setting < main
    with CaptureQueriesContext(connection) as queries:
        find({"sector": "food"})  # the sector alone: its listing, no setting needed
    assert not any("enable_seqscan" in q["sql"] for q in queries.captured_queries)

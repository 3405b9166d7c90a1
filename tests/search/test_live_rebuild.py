"""A whole live rebuild of a large directory reindexes the entries afterwards (their indexes,
updated row by row through the rebuild, would stay twice their size: docs/scale.md).
PostgreSQL only: REINDEX CONCURRENTLY runs outside any transaction, hence a transactional test."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search import indexing
from tests.factories import make_service
from tests.searching import found

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="REINDEX CONCURRENTLY"),
]


def rebuild():
    with CaptureQueriesContext(connection) as queries:
        call_command("rebuild_search_index", stdout=io.StringIO())
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("REINDEX")]


def invalid_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
            "WHERE c.relname = 'search_searchentry' AND NOT i.indisvalid"
        )
        return cursor.fetchone()[0]


def test_a_whole_rebuild_of_a_large_directory_reindexes_the_entries(monkeypatch):
    service = make_service(name_fr="Cuisine collective", description_fr="Repas partagés.")
    assert rebuild() == []  # a small directory: its indexes stay as they are

    monkeypatch.setattr(indexing, "REINDEX_FROM", 1)
    assert rebuild() == ['REINDEX TABLE CONCURRENTLY "search_searchentry"']
    assert invalid_indexes() == 0
    assert found(q="cuisine") == [service]  # searched through the new indexes

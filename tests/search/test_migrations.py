"""Upgrading the index in place: migration 0006 carries whole-territory service areas from
`scope_keys` into `served_keys`, and back when unapplied, so an index serves the same places
before any rebuild; migration 0022 keeps the entries' documents until a rebuild."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.conftest import restore_migrated_data
from tests.factories import make_service

BEFORE = [("search", "0005_result_cards")]
AFTER = [("search", "0006_narrow_entry_rows")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(scope="module", autouse=True)
def _migrated_data_restored(django_db_blocker):
    yield
    restore_migrated_data(django_db_blocker)  # the flush after a transactional test removed it


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_territories_survive_the_upgrade_and_the_way_back():
    service = make_service(name_fr="Comptoir", scope="mrc")
    try:
        apps = _migrate(BEFORE)
        entry = apps.get_model("search", "SearchEntry")
        row = entry.objects.get(service_id=service.pk)
        assert (row.served_keys, row.scope_keys) == ("", "|mrc|")
        entry.objects.filter(pk=row.pk).update(served_keys="|7|", scope_keys="|metro|region|")
        apps = _migrate(AFTER)
        assert apps.get_model("search", "SearchEntry").objects.get(pk=row.pk).served_keys == (
            "|-4|-3|7|"
        )
        apps = _migrate(BEFORE)
        back = apps.get_model("search", "SearchEntry").objects.get(pk=row.pk)
        assert (back.served_keys, back.scope_keys) == ("|7|", "|metro|region|")
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the document is PostgreSQL's")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_entry_keeps_its_document_through_the_body_split_and_back():
    """Migration 0022: an entry written before it (its body's two languages joined, each
    stemmed both ways) keeps the same document until the index is rebuilt, and one written
    after it gets its languages joined again on the way back."""
    service = make_service(
        name_fr="Comptoir",
        scope="mrc",
        description_fr="Nous offrons des logements.",
        description_en="We provide housing.",
    )

    def document():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT document::text FROM search_searchentry WHERE service_id = %s",
                [service.pk],
            )
            return cursor.fetchone()[0]

    split = document()
    try:
        apps = _migrate([("search", "0021_whole_hours")])
        row = apps.get_model("search", "SearchEntry").objects.get(service_id=service.pk)
        assert row.body_text == "Nous offrons des logements. We provide housing."
        joined = document()
        assert "'logement'" in joined and "'logement'" not in split  # English stem of French
        apps = _migrate([("search", "0022_body_in_its_language")])
        row = apps.get_model("search", "SearchEntry").objects.get(service_id=service.pk)
        assert row.body_en_text == row.body_text
        assert document() == joined
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

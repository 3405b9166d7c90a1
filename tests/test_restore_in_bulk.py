"""The bulk restore of the migrated reference data (tests/conftest.py, `_restore_in_bulk`, which
`serialized_rollback` and `restore_migrated_data` run) gives back exactly the rows Django
serialized after the migrations: every table, every column, every many-to-many link."""

import json

import pytest
from django.core.management import call_command
from django.db import connection

from resources.models import Municipality, Sector
from tests.conftest import restore_migrated_data


@pytest.fixture(scope="module", autouse=True)
def _migrated_data_restored(django_db_blocker):
    yield
    restore_migrated_data(django_db_blocker)


def _rows(text):
    """The serialized rows as comparable values (a link list's order is the database's)."""
    rows = []
    for row in json.loads(text):
        fields = {
            name: sorted(value) if isinstance(value, list) else value
            for name, value in row["fields"].items()
        }
        rows.append((row["model"], row["pk"], fields))
    return sorted(rows, key=repr)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restore_after_a_flush_gives_back_every_serialized_row_and_link():
    serialized = connection._test_serialized_contents
    expected = _rows(serialized)
    assert len(expected) > 1000
    assert any(isinstance(v, list) and v for _, _, fields in expected for v in fields.values())
    assert _rows(connection.creation.serialize_db_to_string()) == expected
    # Sequences kept, as a test's own flush keeps them: restarted, they would give the next row
    # created in this process an id the restored rows hold.
    call_command(
        "flush", interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False
    )
    assert not Sector.objects.exists() and not Municipality.objects.exists()
    connection.creation.deserialize_db_from_string(serialized)
    assert _rows(connection.creation.serialize_db_to_string()) == expected

"""Sector scopes: every sector of the reference data gets a short description in French and
English from the migrations (fixtures/reference/sectors.csv), the sector page shows it under its
title, and a description staff wrote is never replaced by the migration."""

import csv
import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.html import escape

from resources.models import Sector
from resources.text_limits import limit_of

pytestmark = pytest.mark.django_db

scopes_migration = importlib.import_module("resources.migrations.0011_sector_scopes")
reference_migration = importlib.import_module("resources.migrations.0002_reference_data")


def _csv_rows():
    path = settings.BASE_DIR / "fixtures" / "reference" / "sectors.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _columns(slug):
    """A sector's description columns as stored (no modeltranslation rewriting)."""
    return (
        Sector.objects.rewrite(False)
        .filter(slug=slug)
        .values("description", "description_fr", "description_en")
        .get()
    )


def _empty(slug):
    Sector.objects.rewrite(False).filter(slug=slug).update(
        description="", description_fr=None, description_en=None
    )


def test_every_sector_of_the_reference_data_has_a_short_scope_in_both_languages():
    rows = _csv_rows()
    assert len(rows) == Sector.objects.count()
    limit = limit_of(Sector, "description_fr")
    for row in rows:
        for language in ("fr", "en"):
            scope = row[f"scope_{language}"]
            assert scope.strip(), (row["slug"], language)
            assert len(scope) <= min(limit, 300), (row["slug"], language, len(scope))
        assert _columns(row["slug"]) == {
            "description": row["scope_fr"],
            "description_fr": row["scope_fr"],
            "description_en": row["scope_en"],
        }


def test_the_sector_page_shows_its_scope_in_the_page_language(client):
    row = next(row for row in _csv_rows() if row["slug"] == "food-banks")
    french = client.get("/fr/secteurs/food-banks/").content.decode()
    english = client.get("/en/sectors/food-banks/").content.decode()
    assert f'<p class="lead">{escape(row["scope_fr"])}</p>' in french
    assert f'<p class="lead">{escape(row["scope_en"])}</p>' in english
    assert escape(row["scope_fr"]) not in english


def test_a_sector_described_only_in_french_shows_it_marked_french_on_the_english_page(client):
    Sector.objects.rewrite(False).filter(slug="food-banks").update(description_en=None)
    english = client.get("/en/sectors/food-banks/").content.decode()
    assert '<p class="lead"><span lang="fr">Dépannage alimentaire' in english


def test_a_sector_without_description_has_no_lead_paragraph(client):
    _empty("food-banks")
    assert 'class="lead"' not in client.get("/fr/secteurs/food-banks/").content.decode()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_running_the_migration_again_keeps_what_staff_wrote(language):
    staff = {
        "description": "Texte écrit par l'équipe.",
        "description_fr": "Texte écrit par l'équipe.",
        "description_en": None,
    }
    Sector.objects.rewrite(False).filter(slug="food-banks").update(**staff)
    Sector.objects.rewrite(False).filter(slug="meals").update(
        description="", description_fr=None, description_en="Written by staff."
    )
    _empty("clothing")
    with translation.override(language):
        filled = scopes_migration.fill_sector_scopes(apps)
    assert filled == 1
    assert _columns("food-banks") == staff
    assert _columns("meals") == {
        "description": "",
        "description_fr": None,
        "description_en": "Written by staff.",
    }
    row = next(row for row in _csv_rows() if row["slug"] == "clothing")
    assert _columns("clothing") == {
        "description": row["scope_fr"],
        "description_fr": row["scope_fr"],
        "description_en": row["scope_en"],
    }


def test_the_reference_loader_reads_the_sectors_file_with_its_scope_columns():
    before = list(Sector.objects.values_list("slug", "parent__slug", "name_fr", "name_en"))
    reference_migration.load_reference_data(apps)
    after = list(Sector.objects.values_list("slug", "parent__slug", "name_fr", "name_en"))
    assert after == before
    assert _columns("food")["description_fr"]  # the loader leaves descriptions alone

"""The seeded need lexicon (search/migrations/0009_seed_needs.csv): it covers every sector in both
languages, names only sectors that exist, and the search reads people's own words through it."""

import csv
import importlib
from collections import Counter
from pathlib import Path

import pytest

from resources.models import Sector
from search import lookups
from search.finder import find
from search.models import NeedExpression
from search.text import words

seed_migration = importlib.import_module("search.migrations.0009_seed_needs")
SEED = Path(seed_migration.__file__).with_suffix(".csv")


MORE = Path(importlib.import_module("search.migrations.0010_more_needs").__file__).with_suffix(
    ".csv"
)


def seed_rows(path=SEED):
    with path.open(encoding="utf-8", newline="") as rows:
        return list(csv.DictReader(rows))


def every_row():
    """The rows of both seeds (0009, then 0010's additions, none repeating 0009's)."""
    return seed_rows() + seed_rows(MORE)


def named_slugs(rows, language=None):
    return {
        slug
        for row in rows
        if language is None or row["language"] == language
        for slug in row["sectors"].split("|")
    }


def test_the_seed_is_well_formed():
    rows = seed_rows()
    assert rows
    for row in rows:
        assert row["language"] in ("fr", "en"), row
        assert row["kind"] in ("need", "crisis"), row
        assert row["expression"].strip() == row["expression"], row
        assert 0 < len(row["expression"]) <= 120, row
        assert words(row["expression"]), row
        assert all(row["sectors"].split("|")), row


def test_no_two_entries_share_their_words_and_language():
    keys = Counter((" ".join(words(row["expression"])), row["language"]) for row in seed_rows())
    assert [key for key, count in keys.items() if count > 1] == []


def test_the_migration_normalizes_as_the_model_does():
    for row in seed_rows():
        expression = row["expression"]
        assert seed_migration.normalized(expression) == " ".join(words(expression))[:120]
    for text in ("Œuvre d'aide", "Cœur à l'ouvrage", "Straße", "L'Épiphanie", "x" * 130):
        assert seed_migration.normalized(text) == " ".join(words(text))[:120]


@pytest.mark.django_db
def test_every_sector_named_exists():
    known = set(Sector.objects.values_list("slug", flat=True))
    assert named_slugs(seed_rows()) - known == set()


@pytest.mark.django_db
def test_the_seed_covers_every_sector_in_both_languages():
    rows = seed_rows()
    top_level = Sector.objects.filter(parent=None)
    assert top_level.count() == 21
    for language in ("fr", "en"):
        named = named_slugs(rows, language)
        for sector in top_level:
            family = {sector.slug, *sector.children.values_list("slug", flat=True)}
            assert family & named, (language, sector.slug)
    subsectors = set(Sector.objects.exclude(parent=None).values_list("slug", flat=True))
    assert len(subsectors & named_slugs(rows)) >= 0.8 * len(subsectors)


def test_the_seed_is_large_enough_in_both_languages():
    counts = Counter((row["language"], row["kind"]) for row in seed_rows())
    assert counts["fr", "need"] + counts["en", "need"] >= 300
    for language in ("fr", "en"):
        assert counts[language, "need"] >= 200, language
        assert counts[language, "crisis"] >= 30, language


@pytest.mark.django_db
def test_the_migration_loaded_the_seed():
    rows = every_row()
    assert NeedExpression.objects.count() == len(rows)
    entry = NeedExpression.objects.get(normalized="perdu ma job", language="fr")
    assert entry.kind == "need"
    assert set(entry.sectors.values_list("slug", flat=True)) == {"job-search", "income-support"}
    crisis = NeedExpression.objects.get(normalized="je veux en finir", language="fr")
    assert crisis.kind == "crisis"


@pytest.mark.django_db
def test_the_migration_keeps_what_staff_already_have():
    from django.apps import apps

    entry = NeedExpression.objects.get(normalized="bouffe", language="fr")
    entry.sectors.set([Sector.objects.get(slug="meals")])
    NeedExpression.objects.filter(normalized="faim", language="fr").delete()
    seed_migration.seed(apps, None)
    assert list(entry.sectors.values_list("slug", flat=True)) == ["meals"]
    assert NeedExpression.objects.count() == len(every_row())  # "faim" is back


@pytest.mark.django_db
def test_an_unknown_sector_fails_loudly(tmp_path, monkeypatch):
    from django.apps import apps

    seed = tmp_path / "seed.csv"
    seed.write_text("expression,language,kind,sectors\ngrosse misère,fr,need,food|nowhere\n")
    monkeypatch.setattr(seed_migration, "SEED", seed)
    with pytest.raises(ValueError, match="nowhere"):
        seed_migration.seed(apps, None)


def understood(query):
    understanding = find({"q": query}).form.understanding
    return understanding, {lookups.sector_by_pk(pk).slug for pk in understanding.sector_ids()}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "j'ai perdu ma job pis j'ai pus d'argent pour l'épicerie",
            {"job-search", "income-support", "food-banks"},
        ),
        ("mon proprio veut me mettre dehors", {"tenant-rights"}),
        ("on m'a coupé l'électricité", {"emergency-funds"}),
        ("j'ai besoin d'un manteau d'hiver pour mon gars", {"clothing"}),
        ("je dors dans mon char", {"homelessness"}),
        ("chicane avec mon voisin", {"alternative-justice"}),
        ("mon chum boit trop", {"substance-use"}),
        ("lost my job and can't pay rent", {"job-search", "income-support", "emergency-funds"}),
        ("my landlord is evicting me", {"tenant-rights"}),
        ("ride to the doctor", {"medical-transport"}),
        ("I feel lonely and depressed", {"listening-lines", "mental-health"}),
    ],
)
def test_everyday_words_are_routed(demo_data, query, expected):
    understanding, sectors = understood(query)
    assert expected <= sectors
    assert not understanding.crisis


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("je veux en finir", "suicide-prevention"),
        ("j'ai pus envie de vivre", "suicide-prevention"),
        ("ma blonde me frappe", "domestic-violence"),
        ("il va me tuer", "domestic-violence"),
        ("j'ai fait une surdose", "harm-reduction"),
        ("I want to kill myself", "suicide-prevention"),
        ("my husband is hurting me", "domestic-violence"),
        ("I was raped last night", "sexual-assault"),
        ("my friend overdosed", "harm-reduction"),
    ],
)
def test_crisis_words_are_read_as_crisis(demo_data, query, expected):
    understanding, sectors = understood(query)
    assert understanding.crisis
    assert expected in sectors


@pytest.mark.django_db
def test_a_staff_edit_is_read_by_the_next_search(demo_data):
    understanding, _ = understood("grosse bebelle brisée")
    assert not understanding.needs
    entry = NeedExpression.objects.create(expression="grosse bébelle", language="fr")
    entry.sectors.set([Sector.objects.get(slug="furniture")])
    understanding, sectors = understood("grosse bebelle brisée")
    assert [need.expression for need in understanding.needs] == ["grosse bébelle"]
    assert sectors == {"furniture"}

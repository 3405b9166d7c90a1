"""Give every sector its scope (fixtures/reference/sectors.csv, columns scope_fr and scope_en) as
its description, in French and English: what the sector covers and what people ask for.

Only a sector whose description is still empty in every language gets it: a description staff
wrote (in either language) is theirs and stays as it is, the other language included (filling in
only the other language would pair their text with ours). The base column `description`
(django-modeltranslation's) gets the French text, as the reference-data loader (0002) does for
names.

Historical code: like 0002, this migration reads the CSV itself and uses no app module.
"""

import csv
from pathlib import Path

from django.db import migrations

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "reference"


def _scopes():
    """{slug: (scope_fr, scope_en)} from sectors.csv."""
    with open(REFERENCE_DIR / "sectors.csv", encoding="utf-8", newline="") as handle:
        return {
            row["slug"]: (row["scope_fr"].strip(), row["scope_en"].strip())
            for row in csv.DictReader(handle)
        }


def fill_sector_scopes(apps, schema_editor=None):
    """Set each sector's description to its scope where it has none yet; return how many
    sectors got one. Also callable with the live app registry (django.apps.apps)."""
    Sector = apps.get_model("resources", "Sector")
    sectors = Sector.objects.all()
    if hasattr(sectors, "rewrite"):
        # The live model's manager (django-modeltranslation) reads `description` as the active
        # language's column; a migration means the columns themselves.
        sectors = sectors.rewrite(False)
    filled = 0
    scopes = _scopes()
    held = sectors.filter(slug__in=scopes).values_list(
        "pk", "slug", "description", "description_fr", "description_en"
    )
    for pk, slug, *descriptions in held:
        if any(text and text.strip() for text in descriptions):
            continue
        french, english = scopes[slug]
        if not french:
            continue
        sectors.filter(pk=pk).update(
            description=french, description_fr=french, description_en=english or None
        )
        filled += 1
    return filled


def fill_sector_scopes_migration(apps, schema_editor):
    fill_sector_scopes(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("resources", "0010_feed_taxonomies")]

    operations = [migrations.RunPython(fill_sector_scopes_migration, migrations.RunPython.noop)]

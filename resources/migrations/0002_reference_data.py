"""Load the gazetteer, postal prefixes, sectors and languages from fixtures/reference/*.csv.

Historical code: this migration keeps its own copy of what it needs (name folding included, as
it was when the migration was written: migration 0004 refolds the names the current way), so
that later changes to the app's modules never change what it does. Historical models have no
custom save(): derived fields are set here.
"""

import csv
import unicodedata
import uuid
from pathlib import Path

from django.db import migrations


def normalize_name(value):
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    return " ".join("".join(c if c.isalnum() else " " for c in folded).split())


REFERENCE_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "reference"

# Reference records get the same HSDS ids on every installation, so that two sites exchanging
# HSDS files name the same sector or municipality with the same id.
REFERENCE_NAMESPACE = uuid.UUID("6f1d2a52-3c1e-4d55-9a70-2110a5500600")


def reference_uuid(kind, slug):
    return uuid.uuid5(REFERENCE_NAMESPACE, f"{kind}:{slug}")


def _rows(name):
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_reference_data(apps):
    Municipality = apps.get_model("resources", "Municipality")
    MunicipalityAlias = apps.get_model("resources", "MunicipalityAlias")
    PostalPrefix = apps.get_model("resources", "PostalPrefix")
    Sector = apps.get_model("resources", "Sector")
    Language = apps.get_model("resources", "Language")

    fsa_owners = {}
    for row in _rows("municipalities.csv"):
        municipality, _ = Municipality.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "uuid": reference_uuid("municipality", row["slug"]),
                "code": row["code"],
                "name": row["name"],
                "name_fr": row["name"],
                "name_en": row["name"],
                "normalized_name": normalize_name(row["name"]),
                "kind": row["kind"],
                "mrc_code": row["mrc_code"],
                "mrc_name": row["mrc_name"],
                "region_code": row["region_code"],
                "region_name": row["region_name"],
                "in_metropolitan_area": row["cmm"] == "1",
                "latitude": float(row["lat"]),
                "longitude": float(row["lon"]),
                "population": int(row["population_2021"]),
            },
        )
        for alias in filter(None, row["aliases"].split("|")):
            MunicipalityAlias.objects.update_or_create(
                normalized_name=normalize_name(alias),
                defaults={"name": alias, "municipality": municipality},
            )
        for fsa in filter(None, row["fsa"].split("|")):
            fsa_owners.setdefault(fsa, []).append(municipality)

    for row in _rows("places.csv"):
        place, _ = Municipality.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "uuid": reference_uuid("municipality", row["slug"]),
                "name": row["name_fr"],
                "name_fr": row["name_fr"],
                "name_en": row["name_en"],
                "normalized_name": normalize_name(row["name_fr"]),
                "kind": "lieu",
                "mrc_code": row["mrc_code"],
                "region_code": row["region_code"],
                "region_name": row["region_name"],
                "in_metropolitan_area": row["cmm"] == "1",
                "latitude": float(row["lat"]),
                "longitude": float(row["lon"]),
            },
        )
        for fsa in filter(None, row["fsa"].split("|")):
            fsa_owners.setdefault(fsa, []).append(place)

    for row in _rows("fsa.csv"):
        prefix, _ = PostalPrefix.objects.update_or_create(
            code=row["fsa"],
            defaults={
                "name": row["name_fr"],
                "name_fr": row["name_fr"],
                "name_en": row["name_en"],
                "latitude": float(row["lat"]),
                "longitude": float(row["lon"]),
            },
        )
        prefix.municipalities.set(fsa_owners.get(row["fsa"], []))

    for position, row in enumerate(_rows("sectors.csv")):
        parent = Sector.objects.get(slug=row["parent"]) if row["parent"] else None
        Sector.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "uuid": reference_uuid("sector", row["slug"]),
                "parent": parent,
                "name": row["name_fr"],
                "name_fr": row["name_fr"],
                "name_en": row["name_en"],
                "airs_code": row["airs"],
                "position": position,
            },
        )

    for row in _rows("languages.csv"):
        Language.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name_fr"], "name_fr": row["name_fr"], "name_en": row["name_en"]},
        )


def load_reference_data_migration(apps, schema_editor):
    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [migrations.RunPython(load_reference_data_migration, migrations.RunPython.noop)]

"""More of the need lexicon, read from 0010_more_needs.csv beside this file (same columns as
0009): single words and short phrases the first seed lacked, by family: meals and appliances,
mental illnesses by name, deafness and blindness, identity papers, sexual and public health,
elders' money taken, women's and men's groups (men who hurt their partner), school
difficulties, Indigenous peoples, living in a car or outside, caregivers' exhaustion and
respite, the bus, newcomers, lodging ("hébergement" alone: shelters, not the
services that say "sans hébergement"). Same rules as 0009: an entry staff already have is left as it is.
"""

import csv
import re
import unicodedata
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).with_suffix(".csv")

# Historical code: this migration keeps its own copy of how expressions were normalized when it
# was written (search.text.words over resources.folding.fold, as NeedExpression.save does), so
# later changes to the app never change what it does.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_WORD = re.compile(r"[a-z0-9]+")


def normalized(text):
    text = unicodedata.normalize("NFKD", (text or "").translate(_LIGATURES))
    text = text.encode("ascii", "ignore").decode().lower()
    return " ".join(_WORD.findall(text))[:120]


def seed(apps, schema_editor):
    NeedExpression = apps.get_model("search", "NeedExpression")
    Sector = apps.get_model("resources", "Sector")
    sectors = dict(Sector.objects.values_list("slug", "pk"))
    with SEED.open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows):
            slugs = [slug.strip() for slug in row["sectors"].split("|") if slug.strip()]
            unknown = [slug for slug in slugs if slug not in sectors]
            if unknown or not slugs:
                raise ValueError(
                    f"{SEED.name}: « {row['expression']} » names unknown sectors {unknown}"
                )
            entry, created = NeedExpression.objects.get_or_create(
                normalized=normalized(row["expression"]),
                language=row["language"],
                defaults={"expression": row["expression"], "kind": row["kind"]},
            )
            if created:
                entry.sectors.set([sectors[slug] for slug in slugs])


class Migration(migrations.Migration):
    dependencies = [("search", "0009_seed_needs")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""A starting need lexicon (staff edit it in the admin): how people say a need, in French and
English, and the sectors a 211 advisor would route it to, read from 0009_seed_needs.csv beside
this file (expression, language, kind, sectors as `|`-separated slugs).

Written from the sectors' scopes and AIRS codes. An entry staff already have (same words, same
language) is left as it is; unapplying keeps the entries, which staff may have edited since.
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


def seed(apps, schema_editor, path=None):
    """Load the entries of `path` (this migration's CSV by default; 0010 gives its own)."""
    path = path or SEED
    NeedExpression = apps.get_model("search", "NeedExpression")
    Sector = apps.get_model("resources", "Sector")
    sectors = dict(Sector.objects.values_list("slug", "pk"))
    with path.open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows):
            slugs = [slug.strip() for slug in row["sectors"].split("|") if slug.strip()]
            unknown = [slug for slug in slugs if slug not in sectors]
            if unknown or not slugs:
                raise ValueError(
                    f"{path.name}: « {row['expression']} » names unknown sectors {unknown}"
                )
            entry, created = NeedExpression.objects.get_or_create(
                normalized=normalized(row["expression"]),
                language=row["language"],
                defaults={"expression": row["expression"], "kind": row["kind"]},
            )
            if created:
                entry.sectors.set([sectors[slug] for slug in slugs])


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0010_feed_taxonomies"),
        ("search", "0008_need_expressions"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

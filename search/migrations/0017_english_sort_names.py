"""The English name order (`sort_name_en` of the index rows and of the sector listing): the
English pages listed services by their French names. Filled from the services' names so that
an existing directory's English pages are in order before any rebuild.

Historical code: the migration keeps its own copy of the fold (resources/folding.py).
"""

import re
import unicodedata

from django.db import migrations, models

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_WORD = re.compile(r"[a-z0-9]+")


def fold(text):
    text = unicodedata.normalize("NFKD", (text or "").translate(_LIGATURES))
    return " ".join(_WORD.findall(text.encode("ascii", "ignore").decode().lower()))


def fill(apps, schema_editor):
    service = apps.get_model("resources", "Service")
    names = {
        pk: fold(name_en or name_fr)[:200]
        for pk, name_fr, name_en in service.objects.values_list("pk", "name_fr", "name_en")
    }
    for model_name in ("SearchEntry", "SectorListing"):
        model = apps.get_model("search", model_name)
        rows = []
        for row in model.objects.only("pk", "service_id").order_by("pk").iterator(chunk_size=2000):
            row.sort_name_en = names.get(row.service_id, "")
            rows.append(row)
            if len(rows) >= 2000:
                model.objects.bulk_update(rows, ["sort_name_en"])
                rows = []
        model.objects.bulk_update(rows, ["sort_name_en"])


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0016_open_hours"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="sort_name_en",
            field=models.CharField(default="", max_length=200),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="sectorlisting",
            name="sort_name_en",
            field=models.CharField(default="", max_length=200),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="sectorlisting",
            index=models.Index(
                fields=["sector_id", "sort_name_en", "service"], name="search_listing_order_en"
            ),
        ),
    ]

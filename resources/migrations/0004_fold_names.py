"""Refold the gazetteer's normalized names the one way the whole site folds text
(resources/folding.py): ligatures spelled out ("Cœur" → "coeur") where the old fold dropped them
("cur"), so a name typed with "oe" finds the place again.

Historical code: the migration keeps its own copy of the fold.
"""

import re
import unicodedata

from django.db import migrations

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_WORD = re.compile(r"[a-z0-9]+")


def fold(text):
    text = unicodedata.normalize("NFKD", (text or "").translate(_LIGATURES))
    return " ".join(_WORD.findall(text.encode("ascii", "ignore").decode().lower()))


def old_fold(value):
    folded = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode().lower()
    return " ".join("".join(c if c.isalnum() else " " for c in folded).split())


def refold(apps, how):
    Municipality = apps.get_model("resources", "Municipality")
    MunicipalityAlias = apps.get_model("resources", "MunicipalityAlias")
    for place in Municipality.objects.all():
        key = how(place.name_fr or place.name)
        if key != place.normalized_name:
            Municipality.objects.filter(pk=place.pk).update(normalized_name=key)
    for alias in MunicipalityAlias.objects.all():
        key = how(alias.name)
        if key != alias.normalized_name:
            MunicipalityAlias.objects.filter(pk=alias.pk).update(normalized_name=key)


class Migration(migrations.Migration):
    dependencies = [("resources", "0003_text_limits")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: refold(apps, fold),
            lambda apps, schema_editor: refold(apps, old_fold),
        )
    ]

"""Whole-territory codes per MRC and region in `served_keys` (search.models.served_code).

Before, -2 and -3 stood for the site's home MRC and region; an MRC or a region now has its own
code, so that an area over "toute la MRC" of another MRC serves that MRC's places only. Existing
rows get their home territory's codes here, so an upgraded index serves the same places before
any rebuild (the generated `served_ids` follows on PostgreSQL).
"""

from django.conf import settings
from django.db import migrations

OLD = {-2: ("mrc", "DIRECTORY_MRC_CODE"), -3: ("region", "DIRECTORY_REGION_CODE")}


def _rewrite(apps, mapping):
    entry = apps.get_model("search", "SearchEntry")
    changed = []
    for row in entry.objects.only("served_keys").iterator(chunk_size=2000):
        keys = {int(k) for k in row.served_keys.strip("|").split("|") if k}
        if not keys & set(mapping):
            continue
        keys = {mapping.get(k, k) for k in keys}
        row.served_keys = "|" + "|".join(str(k) for k in sorted(keys)) + "|"
        changed.append(row)
    entry.objects.bulk_update(changed, ["served_keys"], batch_size=2000)


def _home_codes():
    from search.models import served_code

    return {
        old: served_code(f"{scope}:{getattr(settings, name)}") for old, (scope, name) in OLD.items()
    }


def forward(apps, schema_editor):
    _rewrite(apps, _home_codes())


def backward(apps, schema_editor):
    _rewrite(apps, {new: old for old, new in _home_codes().items()})


class Migration(migrations.Migration):
    dependencies = [("search", "0012_scale"), ("resources", "0016_servicearea_territory")]

    operations = [migrations.RunPython(forward, backward)]

"""`SearchEntry.whole_hours`: the hours of the week wholly inside one of a service's plain weekly
periods, in which "open now" holds without looking its periods up (search/sql.py open_now). Kept
in the row (`PLAIN`, as `open_hours`: migration 0016). Existing rows keep NULL, which sends
every row to the lookup as before, until `rebuild_search_index` writes them."""

from django.db import migrations, models

from search.postgresql_only import postgresql_only


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0020_sector_place_pairs"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="whole_hours",
            field=models.BinaryField(max_length=21, null=True),
        ),
        migrations.RunPython(
            postgresql_only(
                ["ALTER TABLE search_searchentry ALTER COLUMN whole_hours SET STORAGE PLAIN"]
            ),
            migrations.RunPython.noop,
        ),
    ]

"""`SearchEntry.open_hours`: a service's weekly open hours in its index row, tested by "open
now" before its periods are looked up. Kept in the row (`PLAIN`, as the other columns a search
filters on: migration 0006). Existing rows keep NULL, which lets every row through to the
lookup, until `rebuild_search_index` writes them."""

from django.db import migrations, models


def _plain(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE search_searchentry ALTER COLUMN open_hours SET STORAGE PLAIN"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0015_uncompressed_documents'),
    ]

    operations = [
        migrations.AddField(
            model_name='searchentry',
            name='open_hours',
            field=models.BinaryField(max_length=21, null=True),
        ),
        migrations.RunPython(_plain, migrations.RunPython.noop),
    ]

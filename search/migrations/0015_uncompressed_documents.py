"""The entries' texts and document stored out of line without compression (PostgreSQL).

With `toast_tuple_target = 128` (migration 0006) PostgreSQL tries to compress each text and
document before moving it out of line; measured at 100,000 services, 92,337 of 110,810 rows had
nothing compressed (a document with positions does not shrink by the quarter pglz asks), and
writing the documents with compression tried took 5.5 s against 3.3 s without: a wasted pass
over every row written by the indexer. `EXTERNAL` keeps them out of line, uncompressed. Only rows
written afterwards change; reads are the same (the documents were already read uncompressed).
"""

from django.db import migrations

COLUMNS = ("name_text", "org_text", "body_text", "document")


def _alter(storage):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                "ALTER TABLE search_searchentry "
                + ", ".join(f"ALTER COLUMN {c} SET STORAGE {storage}" for c in COLUMNS)
            )

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0014_sector_listing")]

    operations = [migrations.RunPython(_alter("EXTERNAL"), _alter("EXTENDED"))]

"""PostgreSQL: narrow index rows, and one GIN index for text and sector together.

Measured at 100,000 services (`bench_search`):
- An entry row carried its texts (about 1.2 kB) inline, so reading the matches of a search read
  about one 8 kB page per row. With `toast_tuple_target = 128` every long text and the document
  go out of line, and the table shrinks from 157 MB to 26 MB. The columns a search filters or
  sorts on stay inline (`PLAIN`); otherwise sorting by name reads them out of line: sector only,
  page 5, went from 13 ms to 53 ms before they were kept plain.
- With separate GIN indexes on the document and on the sector ids, the planner took the sector
  index alone and tested the text on each row, reading every row's document (text + sector +
  position 39 ms). One two-column GIN index answers both conditions in the index: 12.5 ms.
  It serves a text or a sector alone as well.
Existing rows keep their old layout until `rebuild_search_index` rewrites them.
"""

from django.db import migrations

PLAIN_COLUMNS = ("sort_name", "sector_keys", "served_keys", "scope_keys", "language_keys")

FORWARD = [
    "ALTER TABLE search_searchentry SET (toast_tuple_target = 128)",
    "ALTER TABLE search_searchentry "
    + ", ".join(f"ALTER COLUMN {c} SET STORAGE PLAIN" for c in PLAIN_COLUMNS),
    "DROP INDEX IF EXISTS search_entry_document",
    "DROP INDEX IF EXISTS search_entry_sectors",
    "CREATE INDEX search_entry_document_sectors ON search_searchentry"
    " USING gin (document, sector_ids)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_document_sectors",
    "CREATE INDEX search_entry_document ON search_searchentry USING gin (document)",
    "CREATE INDEX search_entry_sectors ON search_searchentry USING gin (sector_ids)",
    "ALTER TABLE search_searchentry "
    + ", ".join(f"ALTER COLUMN {c} SET STORAGE EXTENDED" for c in PLAIN_COLUMNS),
    "ALTER TABLE search_searchentry RESET (toast_tuple_target)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0005_result_cards")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]

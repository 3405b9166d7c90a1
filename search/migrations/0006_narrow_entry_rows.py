"""Narrow index rows, and one GIN index for text, sector and territory (PostgreSQL).

`scope_keys` goes: a whole-territory service area is now a negative code in `served_keys`
(search.models.SCOPE_CODES), so "serves the visitor" is one test. On PostgreSQL, measured at
100,000 services with `bench_search` (p50):
- An entry row carried its texts (about 1.2 kB) inline: reading the matches of a search read
  about one 8 kB page per row. With `toast_tuple_target = 128` the texts and the document go
  out of line and the table shrinks from 157 MB to 33 MB. The columns a search filters or sorts
  on are kept inline (`PLAIN`): otherwise they go out of line too, and sorting 4,600 rows by
  name took 44 ms.
- With separate GIN indexes on the document and on the sector ids, the planner took the sector
  index alone and tested the text on each row, reading every row's document (text + sector +
  position: 39 ms). One GIN index over the document, the sector ids and `served_ids` answers
  all three in the index (10 ms), and serves each alone as well.
- `point` stores the cube the distance is measured on, instead of computing it on each row.
- The vocabulary's trigram index becomes GiST: it returns the nearest words in order (0.4 ms for
  a misspelt word), where the planner preferred scanning the whole word list to the GIN index
  (4 to 7 ms).
Existing rows get their territories' codes here; they keep their old storage layout until
`rebuild_search_index` rewrites them.
"""

from django.db import migrations, models

from search.postgresql_only import postgresql_only

PLAIN_COLUMNS = (
    "sort_name",
    "sector_keys",
    "served_keys",
    "language_keys",
    "sector_ids",
    "served_ids",
    "point",
)

FORWARD = [
    """ALTER TABLE search_searchentry ADD COLUMN served_ids int[] GENERATED ALWAYS AS (
        string_to_array(btrim(served_keys, '|'), '|')::int[]) STORED""",
    """ALTER TABLE search_searchentry ADD COLUMN point public.cube GENERATED ALWAYS AS (
        public.search_point(latitude, longitude)) STORED""",
    "ALTER TABLE search_searchentry SET (toast_tuple_target = 128)",
    "ALTER TABLE search_searchentry "
    + ", ".join(f"ALTER COLUMN {c} SET STORAGE PLAIN" for c in PLAIN_COLUMNS),
    "DROP INDEX IF EXISTS search_entry_document",
    "DROP INDEX IF EXISTS search_entry_sectors",
    "DROP INDEX IF EXISTS search_entry_point",
    "CREATE INDEX search_entry_terms ON search_searchentry"
    " USING gin (document, sector_ids, served_ids)",
    "CREATE INDEX search_entry_point ON search_searchentry USING gist (point)",
    "DROP INDEX IF EXISTS search_term_trigram",
    "CREATE INDEX search_term_trigram ON search_searchterm USING gist (word public.gist_trgm_ops)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS search_term_trigram",
    "CREATE INDEX search_term_trigram ON search_searchterm USING gin (word public.gin_trgm_ops)",
    "DROP INDEX IF EXISTS search_entry_point",
    "DROP INDEX IF EXISTS search_entry_terms",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS point",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS served_ids",
    "ALTER TABLE search_searchentry RESET (toast_tuple_target)",
    "ALTER TABLE search_searchentry "
    + ", ".join(f"ALTER COLUMN {c} SET STORAGE EXTENDED" for c in PLAIN_COLUMNS[:5]),
    "CREATE INDEX search_entry_document ON search_searchentry USING gin (document)",
    "CREATE INDEX search_entry_sectors ON search_searchentry USING gin (sector_ids)",
    "CREATE INDEX search_entry_point ON search_searchentry"
    " USING gist (public.search_point(latitude, longitude))",
]


CODES = {"province": -1, "mrc": -2, "region": -3, "metro": -4}  # search.models.SCOPE_CODES


def merge_scopes(apps, schema_editor):
    """Carry the territories of existing rows into `served_keys`, so that an upgraded index
    serves the same places before any rebuild."""
    entry = apps.get_model("search", "SearchEntry")
    changed = []
    for row in entry.objects.only("served_keys", "scope_keys").iterator(chunk_size=2000):
        keys = {int(k) for k in row.served_keys.strip("|").split("|") if k}
        keys |= {CODES[s] for s in row.scope_keys.strip("|").split("|") if s in CODES}
        row.served_keys = "|" + "|".join(str(k) for k in sorted(keys)) + "|" if keys else ""
        changed.append(row)
    entry.objects.bulk_update(changed, ["served_keys"], batch_size=2000)


def split_scopes(apps, schema_editor):
    """Backwards: the territories' codes go back to `scope_keys`."""
    entry = apps.get_model("search", "SearchEntry")
    names = {code: name for name, code in CODES.items()}
    changed = []
    for row in entry.objects.only("served_keys", "scope_keys").iterator(chunk_size=2000):
        keys = [int(k) for k in row.served_keys.strip("|").split("|") if k]
        places = sorted(k for k in keys if k > 0)
        scopes = sorted(names[k] for k in keys if k in names)
        row.served_keys = "|" + "|".join(map(str, places)) + "|" if places else ""
        row.scope_keys = "|" + "|".join(scopes) + "|" if scopes else ""
        changed.append(row)
    entry.objects.bulk_update(changed, ["served_keys", "scope_keys"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_result_cards")]

    operations = [
        migrations.RunPython(merge_scopes, split_scopes),
        # A default first, so that going back can add the column to existing rows.
        migrations.AlterField(
            model_name="searchentry",
            name="scope_keys",
            field=models.CharField(default="", max_length=60),
        ),
        migrations.RemoveField(model_name="searchentry", name="scope_keys"),
        migrations.RunPython(postgresql_only(FORWARD), postgresql_only(BACKWARD)),
    ]

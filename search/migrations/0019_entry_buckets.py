"""Entries in buckets of ids, a key of the GIN index (PostgreSQL; sql.first_rows).

`bucket` is the entry's id shifted right by 17 bits: a run of 131,072 ids, written together
(the indexer writes a service's rows and the rows of neighbouring services together, in id
order). The GIN index over the document, the sector ids and `served_ids` takes it as one more
key (btree_gin, from PostgreSQL's contrib), so that a statement asking for the first matches of
a bucket gets that bucket's matches alone from the index, and a search reads bucket after
bucket until it has the rows it asked for: at 1,000,000 services, the first 1,001 rows holding
"logement" no longer wait for the bitmap of its 107,000 rows across the whole table.

Below 131,072 entries (a directory of about 100,000 services) every entry is in bucket 0 and
the search reads the table as one, as before. Adding the column rewrites the entries' table,
then the index is built again: at 1,000,000 services on the 2-core development machine, 78 s
and 50 s, the entries locked meanwhile (searches wait); at 100,000, 19 s in all.
"""

from django.db import migrations

from search.postgresql_only import postgresql_only

BUCKET_SHIFT = 17

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "ALTER TABLE search_searchentry ADD COLUMN bucket integer"
    f" GENERATED ALWAYS AS (id >> {BUCKET_SHIFT}) STORED",
    "DROP INDEX IF EXISTS search_entry_terms",
    "CREATE INDEX search_entry_terms ON search_searchentry"
    " USING gin (bucket, document, sector_ids, served_ids)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_terms",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS bucket",
    "CREATE INDEX search_entry_terms ON search_searchentry"
    " USING gin (document, sector_ids, served_ids)",
]


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0018_sector_counts_per_place"),
    ]

    operations = [migrations.RunPython(postgresql_only(FORWARD), postgresql_only(BACKWARD))]

"""Sector and place as one key of the GIN index (PostgreSQL; PostgresEngine.sector_serving).

`sector_served` holds, for every sector id and every served key of the row (its municipalities
and its territories' codes), the pair as one bigint: the sector id in the high 32 bits, the
served key in the low 32. A search by sector near a place asked the GIN index for the rows of
the sector's ids and of the place's keys and intersected them: at 1,000,000 services, "food"
(6 sector ids, 67,000 rows) and Repentigny's keys (the municipality, its MRC, its region, the
metropolitan area and the province: 259,000 rows) for 13,083 rows in both, 10 ms, and twice
when the search walks past its gather. The pairs' posting lists hold those 13,083 rows alone.
A row has 1.2 sector ids and 1.1 served keys on average: 1.4 pairs.

Stored in the row but compressed rather than moved out of line (`MAIN`: a service of many
sectors serving many municipalities could not fit a page as `PLAIN`); the index holds what a
search reads. Adding the column rewrites the entries' table and the index is built again, the
entries locked meanwhile (searches wait): on the 2-core development machine 146 s at 1,000,000
services, 14 s at 100,000; the GIN index grows by 7 % (243 to 261 MB at 1M).
"""

from django.db import migrations

from search.postgresql_only import postgresql_only

PAIRS_FUNCTION = """
CREATE FUNCTION public.search_pairs(sector_keys text, served_keys text) RETURNS bigint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg((s::bigint << 32) | (p::bigint & 4294967295)), '{}')
    FROM unnest(string_to_array(btrim(sector_keys, '|'), '|')::int[]) AS s,
        unnest(string_to_array(btrim(served_keys, '|'), '|')::int[]) AS p
$$
"""

FORWARD = [
    PAIRS_FUNCTION,
    # One statement: the storage is set before the table is rewritten (else the rewrite
    # moves the pairs out of line, and a walk testing them reads each from TOAST).
    "ALTER TABLE search_searchentry ADD COLUMN sector_served bigint[] GENERATED ALWAYS AS ("
    " public.search_pairs(sector_keys, served_keys)) STORED,"
    " ALTER COLUMN sector_served SET STORAGE MAIN",
    "DROP INDEX IF EXISTS search_entry_terms",
    "CREATE INDEX search_entry_terms ON search_searchentry"
    " USING gin (bucket, document, sector_ids, served_ids, sector_served)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_terms",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS sector_served",
    "DROP FUNCTION IF EXISTS public.search_pairs(text, text)",
    "CREATE INDEX search_entry_terms ON search_searchentry"
    " USING gin (bucket, document, sector_ids, served_ids)",
]


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0019_entry_buckets"),
    ]

    operations = [migrations.RunPython(postgresql_only(FORWARD), postgresql_only(BACKWARD))]

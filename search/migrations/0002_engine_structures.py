"""Engine-specific structures of the search index (see search/engine_postgres.py, engine_sqlite.py).

PostgreSQL: unaccent + French / English text-search configurations, a generated weighted tsvector
with its GIN index, sector ids as an int array (GIN), a GiST index on each point as a 3-D cube
(nearest-first through `<->`), and a trigram index on the vocabulary for typo correction.
`search_point` names every object with its schema, so that indexes rebuild under the empty
search_path pg_restore uses (see docs/engineering-notes.md, "Pitfalls").
SQLite: an FTS5 table of the stems Python computes (search/text.py).
"""

from django.db import migrations

EARTH_RADIUS_M = 6371009  # geopy's great_circle radius, so distances agree with it.

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS cube",
    "CREATE TEXT SEARCH CONFIGURATION public.search_fr (COPY = pg_catalog.french)",
    "ALTER TEXT SEARCH CONFIGURATION public.search_fr"
    " ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, french_stem",
    "CREATE TEXT SEARCH CONFIGURATION public.search_en (COPY = pg_catalog.english)",
    "ALTER TEXT SEARCH CONFIGURATION public.search_en"
    " ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, english_stem",
    f"""CREATE FUNCTION public.search_point(lat float8, lon float8) RETURNS public.cube
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT public.cube(public.cube(public.cube(
        {EARTH_RADIUS_M}::float8 * cos(radians(lat)) * cos(radians(lon))),
        {EARTH_RADIUS_M}::float8 * cos(radians(lat)) * sin(radians(lon))),
        {EARTH_RADIUS_M}::float8 * sin(radians(lat)))
    $$""",
    """ALTER TABLE search_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('public.search_fr'::regconfig, name_text), 'A')
        || setweight(to_tsvector('public.search_en'::regconfig, name_text), 'A')
        || setweight(to_tsvector('public.search_fr'::regconfig, org_text), 'B')
        || setweight(to_tsvector('public.search_en'::regconfig, org_text), 'B')
        || setweight(to_tsvector('public.search_fr'::regconfig, body_text), 'D')
        || setweight(to_tsvector('public.search_en'::regconfig, body_text), 'D')
    ) STORED""",
    """ALTER TABLE search_searchentry ADD COLUMN sector_ids int[] GENERATED ALWAYS AS (
        string_to_array(btrim(sector_keys, '|'), '|')::int[]) STORED""",
    "CREATE INDEX search_entry_document ON search_searchentry USING gin (document)",
    "CREATE INDEX search_entry_sectors ON search_searchentry USING gin (sector_ids)",
    "CREATE INDEX search_entry_point ON search_searchentry"
    " USING gist (public.search_point(latitude, longitude))",
    "CREATE INDEX search_term_trigram ON search_searchterm USING gin (word public.gin_trgm_ops)",
]

POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_term_trigram",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS sector_ids",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS document",
    "DROP INDEX IF EXISTS search_entry_point",
    "DROP FUNCTION IF EXISTS public.search_point(float8, float8)",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS public.search_en",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS public.search_fr",
]

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(name, org, body, tokenize='unicode61')",
]

SQLITE_BACKWARD = ["DROP TABLE IF EXISTS search_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]

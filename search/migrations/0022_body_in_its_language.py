"""Each language's texts of a service's body stemmed in that language only (PostgreSQL).

The entries' document held the body (descriptions and eligibility, French and English joined
in `body_text`) stemmed twice, in French and in English: the English texts in French, the
French ones in English. Parsing the body is most of what the indexer asks of PostgreSQL (each
parse about 0.5 ms for the body of a generated service, both together 80 % of a row's
document), and the stems of one language's words by the other's stemmer add nothing a query
finds: a query word is looked up by its French and its English stems (search/text.py
lexeme_patterns), so a French word of the body is met through its French stem whatever the
query's language. `body_text` now holds the French texts, `body_en_text` the English ones, and
the document stems each in its own language; the name and the organization (short, and often
the same words in both languages) keep both stemmings.

Existing rows get `body_en_text` = `body_text` (the two languages joined), which gives them the
document they had until `rebuild_search_index` writes them again. Dropping the document drops
the GIN index over it, built again here: on a large directory the table is rewritten and the
entries locked meanwhile (searches wait), as migration 0020 says.
"""

from django.db import migrations, models

from search.postgresql_only import postgresql_only


def _document(body_en):
    return (
        "ALTER TABLE search_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS ("
        " setweight(to_tsvector('public.search_fr'::regconfig, name_text), 'A')"
        " || setweight(to_tsvector('public.search_en'::regconfig, name_text), 'A')"
        " || setweight(to_tsvector('public.search_fr'::regconfig, org_text), 'B')"
        " || setweight(to_tsvector('public.search_en'::regconfig, org_text), 'B')"
        " || setweight(to_tsvector('public.search_fr'::regconfig, body_text), 'D')"
        f" || setweight(to_tsvector('public.search_en'::regconfig, {body_en}), 'D')"
        # One statement: the storage is set before the table is rewritten (migration 0015).
        " ) STORED, ALTER COLUMN document SET STORAGE EXTERNAL"
    )


INDEX = (
    "CREATE INDEX search_entry_terms ON search_searchentry"
    " USING gin (bucket, document, sector_ids, served_ids, sector_served)"
)

FORWARD = [
    "ALTER TABLE search_searchentry ALTER COLUMN body_en_text SET STORAGE EXTERNAL",
    # Drops search_entry_terms with it.
    "ALTER TABLE search_searchentry DROP COLUMN document",
    "UPDATE search_searchentry SET body_en_text = body_text",
    _document("body_en_text"),
    INDEX,
]

BACKWARD = [
    "ALTER TABLE search_searchentry DROP COLUMN document",
    "UPDATE search_searchentry SET body_text = trim(body_text || ' ' || body_en_text)"
    " WHERE body_en_text <> body_text",
    _document("body_text"),
    INDEX,
]


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0021_whole_hours"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="body_en_text",
            field=models.TextField(default=""),
        ),
        migrations.RunPython(postgresql_only(FORWARD), postgresql_only(BACKWARD)),
    ]

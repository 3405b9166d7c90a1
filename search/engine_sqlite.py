"""SQLite (the embedded default): FTS5 over stems computed in Python, distance in SQL.

`search_fts` holds, per service, the French and English Snowball stems of its texts in three
columns weighted like PostgreSQL's (bm25 weights 10 / 4 / 1); the body's French texts have their
French stems only, its English texts their English ones, as on PostgreSQL (migration 0022).
Query words take the same shape as on PostgreSQL (see engine_postgres.py): stems from the same
Snowball algorithms, prefixes for stems of 5+ letters, and one-typo corrections from the
vocabulary — its candidates are the words sharing the first or the second half of the typed
word, since one edit leaves one half intact.
Distance is the haversine formula in SQL (Django registers the math functions on SQLite); at
the embedded scale, computing it on every matching row is cheap.
"""

from .places import EARTH_RADIUS_M
from .sql import (
    Fragment,
    PartialText,
    TextMatch,
    any_expression,
    boolean_expression,
    clause_expressions,
    clauses_or_needs,
)
from .text import TYPO_MIN_LENGTH, lexeme_patterns, within_one_edit


def _candidates(cursor, words):
    """Vocabulary words that start with, or may be one edit from, each query word (one query)."""
    clauses, params = [], []
    for word in words:
        clauses.append("word LIKE %s")
        params.append(word + "%")
        if len(word) >= TYPO_MIN_LENGTH:
            half = len(word) // 2
            clauses.append("(length(word) BETWEEN %s AND %s AND (word LIKE %s OR word LIKE %s))")
            params += [len(word) - 1, len(word) + 1, word[:half] + "%", "%" + word[half + 1 :]]
    cursor.execute(f"SELECT word FROM search_searchterm WHERE {' OR '.join(clauses)}", params)
    return [row[0] for row in cursor.fetchall()]


def _word_patterns(cursor, words, understood=()):
    """{word: [FTS5 operand, ...]} for the query's words (one query); the `understood` ones
    (synonyms, need expressions) are not read as typos."""
    words = sorted(set(words))
    vocabulary = _candidates(cursor, words) if words else []
    patterns, corrections = {}, {}
    for word in words:
        found = [f'"{lex}"*' if prefix else f'"{lex}"' for _, lex, prefix in lexeme_patterns(word)]
        known = any(v.startswith(word) for v in vocabulary)
        if not known and len(word) >= TYPO_MIN_LENGTH and word not in understood:
            for other in vocabulary:
                if other != word and within_one_edit(word, other):
                    corrections.setdefault(word, []).append(other)
                    found += [f'"{lex}"' for _, lex, _ in lexeme_patterns(other)]
        patterns[word] = list(dict.fromkeys(found))
    return patterns, corrections


def _clause_condition(expression):
    return Fragment(
        "e.service_id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)", [expression]
    )


def _expression(parsed, patterns):
    return boolean_expression(parsed, patterns, "AND", "OR", lambda n: f" NOT {n}")


class SqliteEngine:
    vendor = "sqlite"
    point_columns = "e.latitude, e.longitude"  # what a row's distance is computed from

    def splits(self, cursor, source, where, params):
        """SQLite reads its entries as one table, walks unbounded and gathers first
        (PostgresEngine.splits)."""
        return (), False, False

    def prepare_text(self, cursor, parsed, groups=()):
        """The TextMatch of a text query, or None when no word can match. With needs the
        lexicon read whose words are a clause's, that clause is met by its words or by the
        need's sectors (sql.clauses_or_needs); rows matching the whole query keep its score."""
        patterns, parsed.corrections = _word_patterns(cursor, parsed.all_words(), parsed.known)
        self.patterns = patterns
        expression = _expression(parsed, patterns)
        if expression is None:
            return None
        positive, negative = clause_expressions(parsed, patterns, "AND", "OR")
        either = clauses_or_needs(positive, negative, groups, self, _clause_condition, "AND")
        if either is not None:
            return TextMatch(
                " LEFT JOIN (SELECT rowid AS sid, -bm25(search_fts, 10.0, 4.0, 1.0) AS score"
                " FROM search_fts WHERE search_fts MATCH %s) AS tq ON tq.sid = e.service_id",
                either.sql,
                "COALESCE(tq.score, 0)",
                [expression],
                either.params,
                "tq.sid IS NOT NULL",
            )
        return TextMatch(
            " JOIN (SELECT rowid AS sid, -bm25(search_fts, 10.0, 4.0, 1.0) AS score"
            " FROM search_fts WHERE search_fts MATCH %s) AS tq ON tq.sid = e.service_id",
            "1 = 1",
            "tq.score",
            [expression],
        )

    def open_hours_condition(self, weekday, minute):
        """None: the periods are looked up for every row (small directories)."""
        return None

    def whole_hours_condition(self, weekday, minute):
        """None: the periods are looked up for every row (small directories)."""
        return None

    def prefer_indexes(self, cursor):
        """Nothing to set: SQLite's planner takes the indexes the statements name."""

    def allow_table_scan(self, cursor, parsed):
        """Nothing to set (see prefer_indexes)."""

    def partial_text(self, parsed, cursor):
        """The PartialText of the query prepared last (prepare_text), or None; every clause
        reaches its rows (no statistics of common words here, and small directories)."""
        found = any_expression(parsed, self.patterns, "AND", "OR", lambda n: f" NOT {n}")
        if found is None:
            return None
        expression, clauses = found
        return PartialText(
            " LEFT JOIN (SELECT rowid AS sid, -bm25(search_fts, 10.0, 4.0, 1.0) AS score"
            " FROM search_fts WHERE search_fts MATCH %s) AS tq ON tq.sid = e.service_id",
            [expression],
            "tq.sid IS NOT NULL",
            [
                Fragment(
                    "r.service_id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)",
                    [c],
                )
                for _, c in clauses
            ],
            "r.score",
            [clause.alternatives[0] for clause, _ in clauses],
            "COALESCE(tq.score, 0) AS score",
        )

    def gather_carried(self, has_text):
        """The gathered rows' score and points are computed as they are read (sql.gather)."""
        return ""

    def ranked_carried(self, with_bonus):
        """The ranked rows' score and points are computed as they are read (sql.ranked_page)."""
        return ""

    def sector_serving(self, sector_ids, keys):
        """None: the sector and the place are tested apart (small directories)."""
        return None

    def sector_condition(self, sector_ids):
        return self._any_key("e.sector_keys", sector_ids)

    def serving_condition(self, keys, indexed=True):
        return self._any_key("e.served_keys", keys)  # no index on it: `indexed` changes nothing

    def _any_key(self, column, keys):
        clauses = " OR ".join([f"{column} LIKE %s"] * len(keys))
        return Fragment(f"({clauses})", [f"%|{key}|%" for key in keys])

    def distance(self, lat, lon):
        """Great-circle metres from (lat, lon) (haversine); NULL for rows without a point."""
        return Fragment(
            f"2 * {EARTH_RADIUS_M} * ASIN(MIN(1.0, SQRT("
            "POWER(SIN(RADIANS(e.latitude - %s) / 2), 2) + COS(RADIANS(e.latitude))"
            " * COS(RADIANS(%s)) * POWER(SIN(RADIANS(e.longitude - %s) / 2), 2))))",
            [lat, lat, lon],
        )

    def nearest_order(self, lat, lon):
        """Located rows first (SQLite sorts NULL first), nearest first."""
        distance = self.distance(lat, lon)
        return Fragment(f"(e.latitude IS NULL), {distance.sql}", distance.params)

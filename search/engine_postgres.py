"""PostgreSQL: full-text search on the generated tsvector, nearest-first through the GiST index.

The document is built by PostgreSQL (migration 0002: `search_fr` / `search_en` configurations,
unaccent then Snowball, weights A service names, B organization and sector names, D descriptions).
A query's words are stemmed by the same dictionaries (`ts_lexize`), and each becomes
"French stem | English stem" (a stem of 5+ letters also as a prefix); words of 5+ letters unknown
to the vocabulary add the vocabulary words one edit away, found through the trigram index.
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
from .text import TYPO_MIN_LENGTH, is_prefix, within_one_edit

# Also turns sequential scans off for the rest of the search's transaction (see
# PostgresEngine.prepare_text): one round trip for both. `known`: a vocabulary word starts with
# the query word. Words are folded to [a-z0-9], so they
# lie between the word and the word followed by "{" (after "z"): a range the pattern index of
# `word` serves, where LIKE with a computed pattern scans it whole.
WORDS_SQL = """
SELECT q.w, ts_lexize('french_stem', q.w), ts_lexize('english_stem', q.w), k.known,
    CASE WHEN length(q.w) >= %s AND NOT k.known THEN ARRAY(
        SELECT t.word || ' ' || coalesce((ts_lexize('french_stem', t.word))[1], '')
            || ' ' || coalesce((ts_lexize('english_stem', t.word))[1], '')
        FROM search_searchterm t WHERE t.word %% q.w ORDER BY t.word <-> q.w LIMIT 30)
    END
FROM (SELECT set_config('enable_seqscan', 'off', true)) AS settings,
    unnest(%s::text[]) AS q(w),
    LATERAL (SELECT EXISTS (
        SELECT 1 FROM search_searchterm t
        WHERE t.word ~>=~ q.w AND t.word ~<~ (q.w || '{')) AS known) AS k
"""

# The planner setting WORDS_SQL makes, for running a text search's main SQL alone (bench_search).
TEXT_SETTINGS_SQL = "SELECT set_config('enable_seqscan', 'off', true)"


def _pattern(lexeme, word):
    return f"'{lexeme}':*" if is_prefix(lexeme, word) else f"'{lexeme}'"


def _word_patterns(cursor, words, understood=()):
    """{word: [tsquery operand, ...]} for the query's words (one query); the `understood`
    ones (synonyms, need expressions) are not read as typos."""
    cursor.execute(WORDS_SQL, [TYPO_MIN_LENGTH, sorted(set(words))])
    patterns, corrections = {}, {}
    for word, french, english, known, similar in cursor.fetchall():
        found = []
        for lexemes in (french, english):
            if lexemes:
                found.append(_pattern(lexemes[0], word))
        if not known and similar and word not in understood:
            for entry in similar:
                other, *stems = entry.split(" ")
                if other != word and within_one_edit(word, other):
                    corrections.setdefault(word, []).append(other)
                    found.extend(f"'{s}'" for s in stems if s)
        patterns[word] = list(dict.fromkeys(found))
    return patterns, corrections


def _clause_condition(expression):
    return Fragment("e.document @@ to_tsquery('simple', %s)", [expression])


def _expression(parsed, patterns):
    return boolean_expression(parsed, patterns, "&", "|", lambda n: f" & !{n}")


class PostgresEngine:
    vendor = "postgresql"
    point_columns = "e.point, e.latitude"  # what a row's distance is computed from

    def prepare_text(self, cursor, parsed, groups=()):
        """The TextMatch of a text query, or None when no word can match (all stop words).

        Sequential scans are turned off for the rest of the search's transaction (WORDS_SQL): the
        planner underestimates what testing a document costs (each is read from TOAST), so with a
        LIMIT it prefers a sequential scan: 270 ms instead of 35 at 100,000 services. Searches
        without text keep the default, which their plans need (a count of every service serving
        a municipality is cheapest read in table order). JIT and parallel workers are off for
        every query (settings.py): they cost these short queries more than they save on 2 cores
        (docs/engineering-notes.md).

        With needs the lexicon read (`groups`, search.needs.NeedGroup) whose words are a
        clause's, that clause is met by its words or by the need's sectors (one `@@` per
        clause: sql.clauses_or_needs); the whole query still gives the text score."""
        patterns, parsed.corrections = _word_patterns(cursor, parsed.all_words(), parsed.known)
        self.patterns = patterns
        expression = _expression(parsed, patterns)
        if expression is None:
            return None
        positive, negative = clause_expressions(parsed, patterns, "&", "|")
        either = clauses_or_needs(positive, negative, groups, self, _clause_condition)
        return TextMatch(
            ", to_tsquery('simple', %s) AS tq",
            either.sql if either else "e.document @@ tq",
            "ts_rank(e.document, tq)",
            [expression],
            either.params if either else [],
            "e.document @@ tq" if either else None,
        )

    def partial_text(self, parsed):
        """The PartialText of the query prepared last (prepare_text), or None. The rows carry
        their document read once (`|| ''::tsvector` makes a copy in memory: each clause's
        test would otherwise read it again from TOAST, 6 reads a row instead of 2)."""
        found = any_expression(parsed, self.patterns, "&", "|", lambda n: f" & !{n}")
        if found is None:
            return None
        expression, clauses = found
        return PartialText(
            ", to_tsquery('simple', %s) AS tq",
            [expression],
            "e.document @@ tq",
            [Fragment("r.doc @@ to_tsquery('simple', %s)", [c]) for _, c in clauses],
            "ts_rank(r.doc, r.tq)",
            [clause.alternatives[0] for clause, _ in clauses],
            "e.document || ''::tsvector AS doc, tq",
        )

    def gather_carried(self, has_text):
        """What the gathered rows carry for their text score and needs' points (sql.gather):
        the document as its TOAST pointer (read only if the rows fit) and the text query."""
        return "e.sector_ids, e.document, tq" if has_text else "e.sector_ids"

    def ranked_carried(self, with_bonus):
        """What the ranked rows carry for their score and points (sql.ranked_page) when the
        points hold the text bonus (TextMatch.matched), which reads the document as the score
        does: the document read once (`|| ''::tsvector` makes a copy in memory; without the
        bonus the copy would only cost)."""
        if not with_bonus:
            return ""
        return "e.latitude, e.sector_ids, e.document || ''::tsvector AS document, tq"

    def sector_condition(self, sector_ids):
        return Fragment("e.sector_ids && %s::int[]", [list(sector_ids)])

    def serving_condition(self, keys, indexed=True):
        """ "Serves one of `keys`". Not `indexed`: the same test written so that the planner
        cannot use the index for it (the partial matches: reading a place's rows through the
        index and testing each one's document cost 55 ms at 100,000 services where reaching
        the need through the index and testing the place on each row costs 19)."""
        column = "e.served_ids" if indexed else "(e.served_ids || '{}'::int[])"
        return Fragment(f"{column} && %s::int[]", [list(keys)])

    def distance(self, lat, lon):
        """Great-circle metres from (lat, lon): the chord on the index's cube turned into an
        arc; NULL for rows without a point."""
        return Fragment(
            f"2 * {EARTH_RADIUS_M} * asin(least(1.0, (e.point <-> public.search_point(%s, %s))"
            f" / (2 * {EARTH_RADIUS_M})))",
            [lat, lon],
        )

    def nearest_order(self, lat, lon):
        """An ORDER BY key the GiST index serves (the chord orders as the arc does)."""
        return Fragment("e.point <-> public.search_point(%s, %s)", [lat, lon])

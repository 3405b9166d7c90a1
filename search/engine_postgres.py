"""PostgreSQL: full-text search on the generated tsvector, nearest-first through the GiST index.

The document is built by PostgreSQL (migration 0002: `search_fr` / `search_en` configurations,
unaccent then Snowball, weights A service names, B organization and sector names, D descriptions).
A query's words are stemmed by the same dictionaries (`ts_lexize`), and each becomes
"French stem | English stem" (a stem of 5+ letters also as a prefix); words of 5+ letters unknown
to the vocabulary add the vocabulary words one edit away, found through the trigram index.
"""

import json
import re
import time

from .models import week_hour
from .places import EARTH_RADIUS_M
from .sql import (
    Fragment,
    PartialText,
    TextMatch,
    any_expression,
    at_least_one,
    boolean_expression,
    clause_expressions,
    clauses_in_terms,
    clauses_or_needs,
    saying_clauses,
)
from .text import TYPO_MIN_LENGTH, is_prefix, within_one_edit

# A stem matched as a prefix becomes the document lexemes it stands for, when the vocabulary
# words starting with it are at most this many: exact lexemes are read from the GIN index three
# times faster than a prefix (the posting lists of every lexeme under it gathered one by one;
# "shelter" near Montréal at 1,000,000 services: 74 ms for the prefixes' 114,796 rows, 21 for
# the same rows as four lexemes).
EXPANSION_WORDS = 50


def _stem_lexemes(stem):
    """SQL: the lexemes of the vocabulary words starting with the stem column `stem` that
    start with it too, or NULL when more than EXPANSION_WORDS words start with it."""
    under = f"t.word ~>=~ {stem} AND t.word ~<~ ({stem} || '{{')"
    return (
        f"CASE WHEN (SELECT count(*) FROM (SELECT 1 FROM search_searchterm t WHERE {under} "
        f"LIMIT {EXPANSION_WORDS + 1}) AS c) <= {EXPANSION_WORDS} THEN ARRAY("
        f"SELECT DISTINCT x FROM search_searchterm t, unnest(ARRAY["
        f"(ts_lexize('french_stem', t.word))[1], (ts_lexize('english_stem', t.word))[1]]) AS x "
        f"WHERE {under} AND x ~>=~ {stem} AND x ~<~ ({stem} || '{{')) END"
    )


# The planner settings of a text or sector search, for the rest of its transaction: indexes
# before table scans (see WORDS_SQL, PostgresEngine.prefer_indexes), and a random page read
# priced as the search tables are read, from memory (the default, 4, prices a disk's seek). At
# the default, the planner takes the bitmap of one of two needs and tests the other's words on
# each row, reading its document from TOAST ("caregiver support group" at 100,000 services:
# 3,190 documents read for 1,001 matches, 17.5 ms); with 1.1 it ANDs both needs' bitmaps and
# reads only the rows that hold both (12.3 ms).
PLANNER_SETTINGS = {"enable_seqscan": "off", "random_page_cost": "1.1"}
# With the settings, the buckets of the first and the last entry (their ids' runs: migration
# 0019, sql.first_rows), read from the primary key's ends (two index lookups).
SETTINGS_SELECT = (
    "SELECT "
    + ", ".join(
        f"set_config('{name}', '{value}', true)" for name, value in PLANNER_SETTINGS.items()
    )
    + ", (SELECT b.bucket FROM search_searchentry b ORDER BY b.id LIMIT 1) AS first_bucket"
    + ", (SELECT b.bucket FROM search_searchentry b ORDER BY b.id DESC LIMIT 1) AS last_bucket"
)

# Also makes the planner settings (PLANNER_SETTINGS) for the rest of the search's transaction
# (see PostgresEngine.prepare_text): one round trip for both. `known`: a vocabulary word starts with
# the query word. Words are folded to [a-z0-9], so they lie between the word and the word
# followed by "{" (after "z"): a range the pattern index of `word` serves, where LIKE with a
# computed pattern scans it whole. Then the lexemes standing for the French and the English stem
# as prefixes (_stem_lexemes), and the planner's count of index rows (allow_table_scan).
WORDS_SQL = f"""
SELECT q.w, ts_lexize('french_stem', q.w), ts_lexize('english_stem', q.w), k.known,
    CASE WHEN length(q.w) >= %s AND NOT k.known THEN ARRAY(
        SELECT t.word || ' ' || coalesce((ts_lexize('french_stem', t.word))[1], '')
            || ' ' || coalesce((ts_lexize('english_stem', t.word))[1], '')
        FROM search_searchterm t WHERE t.word %% q.w ORDER BY t.word <-> q.w LIMIT 30)
    END,
    {_stem_lexemes("s.fr")}, {_stem_lexemes("s.en")},
    (SELECT c.reltuples FROM pg_class c WHERE c.oid = to_regclass('search_searchentry')),
    settings.first_bucket, settings.last_bucket
FROM ({SETTINGS_SELECT}) AS settings,
    unnest(%s::text[]) AS q(w),
    LATERAL (SELECT (ts_lexize('french_stem', q.w))[1] AS fr,
        (ts_lexize('english_stem', q.w))[1] AS en) AS s,
    LATERAL (SELECT EXISTS (
        SELECT 1 FROM search_searchterm t
        WHERE t.word ~>=~ q.w AND t.word ~<~ (q.w || '{{')) AS known) AS k
"""

# A clause whose words are each held by at least this share of the index rows ("aide": 57 %),
# and by at least DENSE_ROWS rows, is dense: see PostgresEngine.allow_table_scan. Under
# DENSE_ROWS the index's bitmap costs less than reading rows in order (at 100,000 services,
# "aide" + filters: 18 ms through the index, 50 in table order; at 1,000,000, 53 and 41).
DENSE_SHARE = 0.3
DENSE_ROWS = 300_000

# The matches the planner must expect for a search to read the entries bucket by bucket
# (PostgresEngine.splits): as many as a relevance order scores (sql.RANK_CAP). At 1,000,000
# services the searches that gain expect 2,100 to 255,000 (and match 3,800 to 107,000: the
# planner underestimates a need met by sectors or words near a place); those that lose, whose
# every bucket is read, expect 1 to 164 ("open now" near Repentigny: 4, for 1,746 matches).
SPLIT_ROWS = 1_000

# The matches the planner must expect for a nearest-first search to skip the gather (sql.gather,
# ranking._nearest_page) and walk the distance index at once: twice the rows a gather holds
# (sql.GATHER_CAP). The gather of a need with more matches reads its first GATHER_CAP + 1 rows
# only to learn that they do not fit ("dépannage" near Repentigny at 1,000,000 services: three
# buckets' index scans, 21 ms, where counting up to COUNT_CAP + 1 for the walk takes 12). The
# planner mostly underestimates these matches, rarely over: over the load test's 2,483 searches
# near a place at 100,000 and 1,000,000 services, 113 were expected above this and none of them
# would have fitted the gather (at GATHER_CAP itself, 4 of 286 would have: their order by the
# needs' points would have become distance alone).
CROWDED_ROWS = 4_000

# The planner settings WORDS_SQL makes, for running a text search's main SQL alone (bench_search).
TEXT_SETTINGS_SQL = SETTINGS_SELECT


# The partial matches reach their rows through the clauses whose words are not everywhere: a
# row holding only words found in more than COMMON_ROWS index rows ("aide" is in 57 % of them)
# is not reached by them (they still count among a reached row's clauses). A bitmap cannot stop
# early: "je n'arrive pas à payer mon loyer" built one of 290,000 rows at 1,000,000 services
# (170 ms) to rank the first PARTIAL_CAP of them, met in table order.
COMMON_ROWS = 20000
# Seconds: word frequencies in a directory change slowly. Read once per process and hour (and
# again after a whole rebuild in this process, `forget_statistics`), as the reference data is
# (search/lookups.py), so that a search's query count does not vary from one to the next.
STATISTICS_TTL = 3600
_LEXEME = re.compile(r"'((?:[^']|'')+)'(:\*)?")
_statistics = {"read": None, "rows": 0, "share": {}}


def _common_lexemes(cursor):
    """(index rows, {lexeme: share of the rows holding it}) for the most common lexemes of the
    documents, as the planner's statistics give them (pg_stats, kept by ANALYZE: the index
    rebuild runs it), read once per STATISTICS_TTL."""
    now = time.monotonic()
    if _statistics["read"] is None or now - _statistics["read"] > STATISTICS_TTL:
        cursor.execute(
            "SELECT c.reltuples, s.most_common_elems::text::text[], "
            "s.most_common_elem_freqs FROM pg_class c LEFT JOIN pg_stats s "
            "ON s.tablename = c.relname AND s.attname = 'document' "
            "AND s.schemaname = current_schema() "
            "WHERE c.relname = 'search_searchentry' AND c.relkind = 'r'"
        )
        row = cursor.fetchone() or (0, None, None)
        rows, lexemes, shares = row
        _statistics.update(
            read=now,
            rows=max(rows or 0, 0),
            share=dict(zip(lexemes or [], shares or [], strict=False)),
        )
    return _statistics["rows"], _statistics["share"]


def forget_statistics():
    """Read the lexemes' statistics again at the next partial search (after a whole rebuild)."""
    _statistics["read"] = None


def _share(lexeme, prefix, share):
    """The share of the rows holding a tsquery operand's `lexeme` (as quoted in the tsquery; a
    `prefix`: the lexemes under it together), 0 when not among the common ones."""
    lexeme = lexeme.replace("''", "'")
    if prefix:
        return sum(f for word, f in share.items() if word.startswith(lexeme))
    return share.get(lexeme, 0.0)


def _rows_holding(expression, rows, share):
    """An upper bound of the index rows a clause's tsquery `expression` matches, from the
    common lexemes' shares (a lexeme not among them: none counted)."""
    return (
        sum(_share(lexeme, prefix, share) for lexeme, prefix in _LEXEME.findall(expression)) * rows
    )


def _reach(cursor, parsed, patterns):
    """The partial matches' reach (a tsquery of the clauses through which rows are reached,
    the negated ones excluded), or None to reach through every clause: only when some
    clause holds words in more than COMMON_ROWS rows, and another does not."""
    positive, negative = clause_expressions(parsed, patterns, "&", "|")
    saying = saying_clauses(positive)
    if len(saying) < 2:
        return None
    rows, share = _common_lexemes(cursor)
    rare = [e for e in saying if _rows_holding(e, rows, share) <= COMMON_ROWS]
    if not rare or len(rare) == len(saying):
        return None
    return at_least_one(rare, negative, "|", _negate)


def _dense(expression, share, rows):
    """Is every lexeme of the clause's tsquery `expression` held by DENSE_SHARE of the `rows`
    or more, and by DENSE_ROWS rows or more (a prefix: the lexemes under it together)? A lexeme
    not among the statistics' most common ones is not."""
    held = [_share(lexeme, prefix, share) for lexeme, prefix in _LEXEME.findall(expression)]
    return bool(held) and all(h >= DENSE_SHARE and h * rows >= DENSE_ROWS for h in held)


def _negate(expression):
    return f" & !{expression}"


def _patterns(lexeme, word, expansion):
    """The tsquery operands of `lexeme`, the query word `word`'s stem: the lexeme, exactly or
    as a prefix (is_prefix); a prefix as the document lexemes it stands for (`expansion`, from
    WORDS_SQL), or as a prefix when they are too many (`expansion` None)."""
    if not is_prefix(lexeme, word):
        return [f"'{lexeme}'"]
    if expansion is None:
        return [f"'{lexeme}':*"]
    return [f"'{x}'" for x in sorted({lexeme, *expansion})]


def _word_patterns(cursor, words, understood=()):
    """({word: [tsquery operand, ...]}, corrections, index rows by the planner, the entries'
    (first, last) buckets) for the query's words (one query); the `understood` ones (synonyms,
    need expressions) are not read as typos."""
    cursor.execute(WORDS_SQL, [TYPO_MIN_LENGTH, sorted(set(words))])
    patterns, corrections, found_rows, buckets = {}, {}, [], (None, None)
    for word, french, english, known, similar, *expansions, rows, first, last in cursor.fetchall():
        found_rows.append(rows or 0)
        buckets = (first, last)
        found = []
        for lexemes, expansion in zip((french, english), expansions, strict=True):
            if lexemes:
                found.extend(_patterns(lexemes[0], word, expansion))
        if not known and similar and word not in understood:
            for entry in similar:
                other, *stems = entry.split(" ")
                if other != word and within_one_edit(word, other):
                    corrections.setdefault(word, []).append(other)
                    found.extend(f"'{s}'" for s in stems if s)
        patterns[word] = list(dict.fromkeys(found))
    return patterns, corrections, max([0, *found_rows]), buckets


def _clause_condition(expression):
    return Fragment("e.document @@ to_tsquery('simple', %s)", [expression])


def _expression(parsed, patterns):
    return boolean_expression(parsed, patterns, "&", "|", _negate)


class PostgresEngine:
    vendor = "postgresql"
    point_columns = "e.point, e.latitude"  # what a row's distance is computed from

    def __init__(self):
        self.bucket_range = (None, None)  # the entries' first and last buckets, once read
        self.table_order = False  # allow_table_scan let the table be read in order

    def buckets(self):
        """The entries' buckets, from the first entry's to the last's, as the search's
        settings query read them; () when they are one (a directory under 131,072 index
        rows, about 100,000 services: migration 0019), unknown (a search without text or
        sector), or when the table is read in order (allow_table_scan: a sequential scan per
        bucket would read the table as many times)."""
        first, last = self.bucket_range
        if first is None or last is None or last <= first or self.table_order:
            return ()
        return tuple(range(first, last + 1))

    def splits(self, cursor, source, where, params):
        """The buckets the statements of these matches (`SELECT ... FROM source WHERE where`)
        read one after the other (sql.first_rows), or () to read the table as one. Only where
        the planner expects at least SPLIT_ROWS matches (its estimate, from an EXPLAIN: a round
        trip and about half a millisecond, made only when there are buckets): a statement then
        stops in its first buckets. Where the matches are fewer, every bucket is read, and the
        bucket key makes each bucket's index scan cost more than its share of one scan of the
        table ("food" open now near Repentigny, 1,746 matches at 1,000,000 services: 40 ms of
        index scans in ten buckets against 14 in one).

        Returned with whether the planner expects fewer than SPLIT_ROWS matches (False when it
        was not asked): a nearest-first walk past the gather may then be bounded (`within`);
        and whether it expects CROWDED_ROWS or more: a nearest-first search then walks without
        gathering."""
        buckets = self.buckets()
        if not buckets:
            return (), False, False
        cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {source} WHERE {where}", params)
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        expected = plan[0]["Plan"]["Plan Rows"]
        many = expected >= SPLIT_ROWS
        return (buckets if many else ()), not many, expected >= CROWDED_ROWS

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
        patterns, parsed.corrections, self.rows, self.bucket_range = _word_patterns(
            cursor, parsed.all_words(), parsed.known
        )
        self.patterns = patterns
        expression = _expression(parsed, patterns)
        if expression is None:
            return None
        positive, negative = clause_expressions(parsed, patterns, "&", "|")
        either = clauses_or_needs(positive, negative, groups, self, _clause_condition, "&")
        return TextMatch(
            ", to_tsquery('simple', %s) AS tq",
            either.sql if either else "e.document @@ tq",
            "ts_rank(e.document, tq)",
            [expression],
            either.params if either else [],
            "e.document @@ tq" if either else None,
            clauses_in_terms(positive, negative, groups, self, _clause_condition, "&")
            if either
            else None,
        )

    def allow_table_scan(self, cursor, parsed):
        """Sequential scans allowed again for the rest of a search (not nearest-first, no clause
        met by a need's sectors) whose every clause is dense (each of its words held by
        DENSE_SHARE of the index rows and DENSE_ROWS rows or more, by the planner's
        statistics: `_common_lexemes`).
        The GIN index must then give every row holding the word before the first is read
        ("aide" at 1,000,000 services: 630,000 rows, 36 ms), where rows in table order meet
        matches at once; the planner, which knows the word is common, picks whichever costs
        less with the filters. A search of rarer words keeps the index (WORDS_SQL).

        Each scan then starts at the table's first page: PostgreSQL otherwise starts a
        sequential scan of a table larger than a quarter of its buffers where another scan of
        it has reached (`synchronize_seqscans`), so "the first rows in table order" changed from
        one request to the next ("aide" + filters at 1,000,000 services: six different first
        pages in six searches) and a page 2 did not follow its page 1."""
        if self.rows * DENSE_SHARE < DENSE_ROWS:  # no word can be dense: no statistics read
            return
        positive, _negative = clause_expressions(parsed, self.patterns, "&", "|")
        if not positive:
            return
        rows, share = _common_lexemes(cursor)
        if rows and all(_dense(expression, share, rows) for _clause, expression in positive):
            cursor.execute(
                "SELECT set_config('enable_seqscan', 'on', true), "
                "set_config('synchronize_seqscans', 'off', true)"
            )
            self.table_order = True

    def open_hours_condition(self, weekday, minute):
        """ "One of the row's weekly periods is open in this hour" (search.models.week_hours),
        true for a row whose hours were not computed."""
        return Fragment(
            "(e.open_hours IS NULL OR get_bit(e.open_hours, %s) = 1)", [week_hour(weekday, minute)]
        )

    def whole_hours_condition(self, weekday, minute):
        """ "This hour of the week is wholly inside one of the row's plain weekly periods"
        (search.models.whole_hours): open without a lookup; NULL (not computed) is not."""
        return Fragment("get_bit(e.whole_hours, %s) = 1", [week_hour(weekday, minute)])

    def prefer_indexes(self, cursor):
        """The planner settings (PLANNER_SETTINGS: sequential scans off) for the rest of a
        search by sector without text, as WORDS_SQL makes them for a text search: the sector
        ids are always served by the GIN index, but where each match costs a lookup ("open
        now": one in the openings per row) the planner's estimate of that lookup dwarfs the
        scan's, its choice falls within its 1 % tie margin and it took the lower start-up
        cost, a whole-table scan: 308 ms at 1,000,000 services where the index reads the same
        rows in 100. Reads the entries' buckets too (`buckets`)."""
        cursor.execute(TEXT_SETTINGS_SQL)
        self.bucket_range = tuple(cursor.fetchone()[-2:])

    def partial_text(self, parsed, cursor):
        """The PartialText of the query prepared last (prepare_text), or None. The rows carry
        their document read once (`|| ''::tsvector` makes a copy in memory: each clause's
        test would otherwise read it again from TOAST, 6 reads a row instead of 2). They are
        reached through the clauses whose words are not everywhere (`_reach`)."""
        found = any_expression(parsed, self.patterns, "&", "|", _negate)
        if found is None:
            return None
        expression, clauses = found
        reach = _reach(cursor, parsed, self.patterns)
        return PartialText(
            ", to_tsquery('simple', %s) AS tq",
            [expression],
            "e.document @@ to_tsquery('simple', %s)" if reach else "e.document @@ tq",
            [Fragment("r.doc @@ to_tsquery('simple', %s)", [c]) for _, c in clauses],
            "ts_rank(r.doc, r.tq)",
            [clause.alternatives[0] for clause, _ in clauses],
            "e.document || ''::tsvector AS doc, tq",
            [reach] if reach else [],
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

    def sector_serving(self, sector_ids, keys):
        """ "In one of `sector_ids` and serves one of `keys`" as one test the GIN index answers
        from the pairs' posting lists (`sector_served`, migration 0020), where the sector's and
        the place's were intersected ("food" near Repentigny at 1,000,000 services: 326,000
        rows read for 13,083, 10 ms)."""
        pairs = sorted({(s << 32) | (k & 0xFFFFFFFF) for s in sector_ids for k in keys})
        return Fragment("e.sector_served && %s::bigint[]", [pairs])

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

    def within(self, lat, lon, metres):
        """Rows whose point lies within `metres` of (lat, lon) (the bound of a walk, `splits`):
        the cube of the visitor's point widened by `metres` each way, which the GiST index
        answers (a chord is shorter than its arc: the cube holds every such point; a metre more
        for rounding)."""
        return Fragment(
            "e.point <@ public.cube_enlarge(public.search_point(%s, %s), %s, 3)",
            [lat, lon, metres + 1.0],
        )

    def nearest_order(self, lat, lon):
        """An ORDER BY key the GiST index serves (the chord orders as the arc does)."""
        return Fragment("e.point <-> public.search_point(%s, %s)", [lat, lon])

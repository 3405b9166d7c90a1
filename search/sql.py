"""The search's SQL, in one place: the fragments and statements both engines share.

ranking.py decides which statements run (its docstring gives the rule); the dialect modules
(engine_postgres.py, engine_sqlite.py) give the few fragments that differ: the text match, a
key-list test, distances. Every statement is built here, once, from those fragments.

Aliases, each meaning the same thing in every statement:
- `e`: a row of `search_searchentry`, one per service and public point; `e.is_primary` marks
  the one row per service that counts it.
- `tq`: the text query, brought in by the engine's `TextMatch.join`.
- `o`: a weekly opening period (`search_searchopening`) in the "open now" test; `c` there: an
  exceptional closure.
- `c`, in the cards statement: a result card (`search_searchcard`); `x` an exceptional closure.
- in the statements: `m` the matching rows, `c` their count, `s` one row per service, `n` the
  nearest rows, `a` the services apart (not serving the place), `page` one page of ids.

Statements marked `/* search:main */` find, count and order the matches: `bench_search` times
them alone to tell the search's own overhead from the database's work.
"""

import datetime
import itertools
from dataclasses import dataclass, field

from resources.models.schedules import day_keys, local_zone
from resources.statutory_holidays import is_statutory_holiday

from .text import is_qualifier

COUNT_CAP = 1000  # counts stop here ("1000+"): exact counts of 100,000 matches cost seconds
# Only the first matches get a text score, as many as are counted: a list of more shows "1000+"
# and scores an arbitrary share of its matches whatever the cap. 2,000 until 5 December 2026:
# each score reads a document from TOAST, and at 1,000,000 services scoring 2,000 took 20 of
# the 31 ms of "aide alimentaire" (docs/scale.md, "Scoring as many as are counted").
RANK_CAP = COUNT_CAP + 1
APART_SCORED = 200  # the services apart: the best-scored among the first this many
# A selective need's matches sorted by distance (needs' points first) in one query, up to this
# many rows; past it the nearest-first walk. 5,000 until 5 December 2026: at 1,000,000 services
# a gather that overflows is thrown away, and reading 5,001 rows to learn it cost 30-40 ms
# (docs/scale.md, "Exact lexemes and a smaller gather").
GATHER_CAP = 2000
# The gather's rows carry a distance its overflow row may fill (gather's `bound_rows`), typed
# as that distance is, past the subquery that would otherwise type a bare NULL as text.
NO_BOUND = "CAST(NULL AS DOUBLE PRECISION)"
APART_LIMIT = 5  # services shown apart, that match the need but not the place
# A partial match's points: a need met (the service is in a sector the lexicon read) weighs two
# words held ("du linge pour les enfants" prefers any clothing service to one that only says
# "enfants"); a related sector (the need's parent: "Assistance matérielle" for "Meubles") only
# breaks ties between equal words and needs.
NEED_WEIGHT = 4
WORD_WEIGHT = 2
TEXT_WEIGHT = 2  # in the full matches: holding every word (need_points)
# Partial matches: only the first rows matching part of the need are ranked (they fill the rest
# of one page). 1,000 until 5 December 2026: at 1,000,000 services a long query near a place
# read 4,200 rows for the first 1,000 serving it, each kept row's document copied (14 of its
# 29 ms); 500 take 19 (docs/scale.md, "Scoring as many as are counted").
PARTIAL_CAP = 500


@dataclass(frozen=True)
class Fragment:
    """A piece of SQL and the parameters of its placeholders, in order."""

    sql: str
    params: list


@dataclass(frozen=True)
class TextMatch:
    """What an engine makes of a query's words: a `join` bringing `tq` into the FROM, a `where`
    condition, the `rank` expression (the text score), the join's parameters and the
    condition's."""

    join: str
    where: str
    rank: str
    params: list
    where_params: list = field(default_factory=list)
    # When `where` lets sectors meet a clause: the SQL of "the row holds every word".
    matched: str | None = None
    # `where` as an OR of its conjunctions (clauses_in_terms), for a statement that reads its
    # rows from the index alone; None where it is not worth it.
    terms: Fragment | None = None


@dataclass(frozen=True)
class Matches:
    """The rows a search lists: `source` (FROM), `where` and their `params`; `rank`, the text
    score's SQL, or None without text; `points`, a row's points from the needs the lexicon
    read in the query (one per need its sectors meet: need_points), or None; `names`, the
    column of the names that break ties, in the page's language (NAME_ORDER)."""

    source: str
    where: str
    params: list
    rank: str | None = None
    points: Fragment | None = None
    names: str = "sort_name"
    # The entries' buckets to read one after the other (the engine's `splits`: first_rows),
    # or () to read the table as one.
    buckets: tuple = ()
    # Whether a nearest-first walk past the gather may be bounded by it (the engine's `splits`
    # and `within`: where the planner expects few matches, and therefore prices a walk high).
    bounded: bool = False
    # Whether a nearest-first search walks without gathering (the engine's `splits`: where the
    # planner expects far more matches than a gather holds).
    crowded: bool = False

    def points_sql(self):
        return self.points.sql if self.points else "0"

    def points_params(self):
        return list(self.points.params) if self.points else []

    def first(self, columns, column_params, limit, primary=True):
        """The first `limit` matching rows (first_rows, bucket by bucket when the matches have
        buckets), of the `columns` (their parameters: `column_params`); `primary`: one row per
        service."""
        where = f"e.is_primary AND {self.where}" if primary else self.where
        return first_rows(
            columns, self.source, where, column_params + self.params, limit, self.buckets
        )


@dataclass(frozen=True)
class PartialText:
    """What an engine makes of a query's clauses taken one by one, for the partial matches:
    `join` brings `tq` (any clause) into the FROM with `params`; `where` is "matches at least
    one clause"; `clauses` holds a condition per clause (a row matches it); `rank` is the text
    score."""

    join: str
    params: list
    where: str
    clauses: list  # [Fragment], on the row `r` (see partial)
    rank: str  # on the row `r`
    words: list  # [the words typed for each clause]
    carried: str = ""  # columns `r` carries for `clauses` and `rank`
    where_params: list = field(default_factory=list)


@dataclass(frozen=True)
class Paging:
    total: int  # matches, up to COUNT_CAP
    capped: bool  # more than COUNT_CAP
    num_pages: int
    page: int  # the page shown: the one asked for, kept within the pages


def conjunction(parts):
    return " AND ".join(parts) if parts else "1 = 1"


def combine(fragments):
    """One condition: every fragment must hold."""
    return Fragment(
        conjunction([f.sql for f in fragments]), [p for f in fragments for p in f.params]
    )


def clause_expressions(parsed, patterns, and_op, or_op):
    """([(clause, its expression)], [expression of each negated clause]) in an engine's
    boolean syntax: a clause is one of its alternatives, each alternative all its words, each
    word one of its `patterns`. Clauses without a pattern are left out."""

    def alternative(words):
        parts = ["(" + f" {or_op} ".join(patterns[w]) + ")" for w in words if patterns.get(w)]
        return "(" + f" {and_op} ".join(parts) + ")" if parts else None

    positive, negative = [], []
    for clause in parsed.clauses:
        parts = [p for p in (alternative(a) for a in clause.alternatives) if p]
        if parts:
            expression = "(" + f" {or_op} ".join(parts) + ")"
            if clause.negated:
                negative.append(expression)
            else:
                positive.append((clause, expression))
    return positive, negative


def boolean_expression(parsed, patterns, and_op, or_op, negate):
    """The text query in an engine's boolean syntax: every clause, none of the negated ones.
    `negate(expression)` gives the syntax of "and not"; None when no word has a pattern."""
    positive, negative = clause_expressions(parsed, patterns, and_op, or_op)
    if not positive:
        return None
    return f" {and_op} ".join(e for _, e in positive) + "".join(negate(n) for n in negative)


def any_expression(parsed, patterns, and_op, or_op, negate):
    """(the query as "at least one clause that says a need, none of the negated ones",
    [(clause, its expression)]), or None when no such clause has a pattern: the partial
    matches' text. A clause of qualifiers only ("free", "gratuit": text.is_qualifier) counts
    among a row's clauses but does not make it a partial match."""
    positive, negative = clause_expressions(parsed, patterns, and_op, or_op)
    saying = saying_clauses(positive)
    if not saying:
        return None
    return at_least_one(saying, negative, or_op, negate), positive


def saying_clauses(positive):
    """The expressions of the clauses among `positive` that say a need (not qualifiers only)."""
    return [e for clause, e in positive if not is_qualifier(clause)]


def at_least_one(saying, negative, or_op, negate):
    """ "At least one of the expressions `saying`, none of `negative`"."""
    return "(" + f" {or_op} ".join(saying) + ")" + "".join(negate(n) for n in negative)


def clauses_or_needs(positive, negative, groups, eng, clause_condition, and_op):
    """The text condition when needs were read in the query: every clause, each met by its
    words (`clause_condition(expression)`, a Fragment) or, when the words of a need
    (search.needs.NeedGroup) are among the clause's, by that need's sectors; none of the
    negated clauses. None when no need touches a clause (the engines' single text query then
    says it all).

    Clauses met by the same sectors are one condition, "in the sectors, or holds all their
    words" ((S or A) and (S or B) is S or (A and B)): the words of a need said in several
    ("maison des jeunes", "community centre") are one text query, which the index answers
    whole, where a condition per clause left all but one to be tested row by row (on
    PostgreSQL, each document read from TOAST: 45 of 53 ms for "community centre" near a
    position at 100,000 services)."""
    by_sectors = _by_sectors(positive, groups)
    if not any(by_sectors):  # no clause met by sectors
        return None
    parts = []
    for sector_ids, expressions in by_sectors.items():
        condition = clause_condition(f" {and_op} ".join(expressions))
        if sector_ids:
            sectors = eng.sector_condition(list(sector_ids))
            # The sectors first: a row in them is not tested for words (on PostgreSQL, its
            # document is not read from TOAST) where the condition is tested row by row.
            condition = Fragment(
                f"({sectors.sql} OR {condition.sql})", sectors.params + condition.params
            )
        parts.append(condition)
    return combine(parts + _negations(negative, clause_condition))


def _negations(negative, clause_condition):
    """[Fragment] "holds none of" each negated clause's expression."""
    conditions = [clause_condition(expression) for expression in negative]
    return [Fragment(f"NOT {c.sql}", c.params) for c in conditions]


def _by_sectors(positive, groups):
    """{the sectors that meet a clause (() for none): the expressions of those clauses}, in the
    clauses' order (clauses_or_needs)."""
    by_sectors = {}
    for clause, expression in positive:
        typed = {w for alternative in clause.alternatives[:1] for w in alternative}
        sector_ids = tuple(sorted({pk for g in groups if g.words & typed for pk in g.sector_ids}))
        by_sectors.setdefault(sector_ids, []).append(expression)
    return by_sectors


# Clauses met by sectors written term by term at most (clauses_in_terms): each doubles the terms.
TERM_CLAUSES = 3


def clauses_in_terms(positive, negative, groups, eng, clause_condition, and_op):
    """clauses_or_needs's condition written as an OR of its conjunctions: (S1 or W1) and (S2 or
    W2) is (S1 and S2) or (S1 and W2) or (W1 and S2) or (W1 and W2), the words of a term one
    text query. For a statement that reads its rows from the index alone (PostgreSQL: the
    gather of a narrow need whatever the place): each term is one scan of the GIN index, which
    intersects its keys inside the index, where the conjunction built a bitmap of every row of
    each need and intersected them (three needs near Repentigny at 1,000,000 services: 34,000 to
    64,000 rows each, 12.5 → 10.2 ms for 19 rows). Not where rows are tested one by one (each
    term tests the document again). None unless two to TERM_CLAUSES clauses are met by
    sectors."""
    by_sectors = _by_sectors(positive, groups)
    met = [(ids, expressions) for ids, expressions in by_sectors.items() if ids]
    if not 2 <= len(met) <= TERM_CLAUSES:
        return None
    unmet = by_sectors.get((), [])
    terms = []
    for by_sector in itertools.product((True, False), repeat=len(met)):
        parts, words = [], list(unmet)
        for sectors, (ids, expressions) in zip(by_sector, met, strict=True):
            if sectors:
                parts.append(eng.sector_condition(list(ids)))
            else:
                words.extend(expressions)
        if words:
            parts.append(clause_condition(f" {and_op} ".join(words)))
        terms.append(combine(parts))
    either = Fragment(
        "(" + " OR ".join(f"({t.sql})" for t in terms) + ")", [p for t in terms for p in t.params]
    )
    return combine([either, *_negations(negative, clause_condition)])


def need_points(groups, eng, matched=None):
    """A row's points from the needs read in the query: per group of sectors (a need's
    sectors and their subsectors), NEED_WEIGHT when its sectors meet the group, else 1 when
    they meet its related sectors (the rest of their parents). With `matched` (the SQL of
    "the row holds every word", when a clause may be met by sectors instead), TEXT_WEIGHT more
    for rows that hold them: among services of the need, those that say it come first
    ("popote" lists the meals-on-wheels service before the other meal services). None
    without needs."""
    if not groups:
        return None
    parts, params = [], []
    for group in groups:
        found = eng.sector_condition(sorted(group.sector_ids))
        case = f"WHEN {found.sql} THEN {NEED_WEIGHT}"
        params += found.params
        if group.related_ids:
            near = eng.sector_condition(sorted(group.related_ids))
            case += f" WHEN {near.sql} THEN 1"
            params += near.params
        parts.append(f"CASE {case} ELSE 0 END")
    if matched:
        # A matching row in none of the needs' sectors met every clause by its words: it holds
        # them, and only the others are tested (on PostgreSQL, their documents read from TOAST).
        every = eng.sector_condition(sorted(set().union(*(g.sector_ids for g in groups))))
        parts.append(f"CASE WHEN NOT {every.sql} OR {matched} THEN {TEXT_WEIGHT} ELSE 0 END")
        params += every.params
    return Fragment("(" + " + ".join(parts) + ")", params)


def first_rows(columns, source, where, params, limit, buckets=()):
    """The first `limit` rows of `source` meeting `where` (`params`: those of `columns`,
    `source` and `where`, in that order), in the order the table gives them: the SQL of
    `SELECT columns FROM source WHERE where LIMIT limit`.

    With `buckets` (the engine's `splits`: the entries' buckets, runs of ids, from the first
    to the last), the same statement once per bucket, in order, under the one LIMIT: PostgreSQL
    runs a bucket's statement only when the buckets before it gave fewer than `limit` rows,
    and the GIN index, whose keys hold the bucket, gives each bucket's matches alone. A bitmap
    cannot stop early: without buckets, a word held by 107,000 rows at 1,000,000 services built
    its whole bitmap (9 ms) before the first of the 1,001 rows it was asked for. A last
    statement reads the rows of a bucket after the last (rows written since the buckets were
    read). The rows come bucket after bucket, each bucket's in the table's order: for a table
    written in id order, the first rows are those a single statement would give."""
    if not buckets:
        return Fragment(f"SELECT {columns} FROM {source} WHERE {where} LIMIT {limit}", params)
    tests = [f"e.bucket = {int(b)}" for b in buckets] + [f"e.bucket > {int(buckets[-1])}"]
    branches = " UNION ALL ".join(
        f"(SELECT {columns} FROM {source} WHERE {test} AND {where} LIMIT {limit})" for test in tests
    )
    return Fragment(f"SELECT * FROM ({branches}) AS b LIMIT {limit}", list(params) * len(tests))


# The sort key of names per language: of a list by name, and of the ties of the other orders
# (Matches.names).
NAME_ORDER = {"fr": "sort_name", "en": "sort_name_en"}


def named_page(matches):
    """Matches by name (`matches.names`: the page's language), with their count on each row
    (`COUNT(*) OVER ()`): one query where a count and a page took two."""
    return Fragment(
        f"/* search:main */ SELECT e.service_id, COUNT(*) OVER () FROM {matches.source} "
        f"WHERE e.is_primary AND {matches.where} "
        f"ORDER BY e.{matches.names}, e.service_id",
        matches.params,
    )


def sector_page(sector_id, language="fr"):
    """A sector's services by name in `language` (search.models.SectorListing: the sector's
    rows in name order, so a page stops at its last row), with their count up to COUNT_CAP + 1
    on each row: what `named_page` gives for the sector alone, without reading and sorting
    every match."""
    listing = "search_sectorlisting"
    return Fragment(
        f"/* search:main */ SELECT l.service_id, (SELECT COUNT(*) FROM (SELECT 1 FROM {listing} "
        f"AS c WHERE c.sector_id = %s LIMIT {COUNT_CAP + 1}) AS c) FROM {listing} AS l "
        f"WHERE l.sector_id = %s ORDER BY l.{NAME_ORDER[language]}, l.service_id",
        [sector_id, sector_id],
    )


def ranked_page(matches, carried=""):
    """Matches by their needs' points, then text score, then located first, then name, with
    their count (up to RANK_CAP: only the first RANK_CAP matches are scored).

    `carried` (the engine's `ranked_carried`): the columns the score and points are computed
    from, read once per row by an inner query (PostgreSQL: the document copied from TOAST once,
    where the score and the text bonus each read it)."""
    scored = (
        f"{matches.rank} AS score, {matches.points_sql()} AS points, "
        f"CASE WHEN e.latitude IS NULL THEN 1 ELSE 0 END AS no_point"
    )
    if carried:
        columns = f"e.service_id, e.{matches.names} AS sort_name, {carried}"
        inner = matches.first(columns, [], RANK_CAP)
        # OFFSET 0: scored here, or the window would keep each row's document
        rows = f"SELECT e.service_id, e.sort_name, {scored} FROM ({inner.sql}) AS e OFFSET 0"
        params = matches.points_params() + inner.params
    else:
        inner = matches.first(
            f"e.service_id, e.{matches.names} AS sort_name, {scored}",
            matches.points_params(),
            RANK_CAP,
        )
        rows, params = inner.sql, inner.params
    return Fragment(
        f"/* search:main */ SELECT m.service_id, COUNT(*) OVER () FROM ({rows}) AS m "
        f"ORDER BY m.points DESC, m.score DESC, m.no_point, m.sort_name, m.service_id",
        params,
    )


def paged(statement, size, number):
    """The Fragment `statement` limited to page `number` of `size` rows."""
    return Fragment(
        f"{statement.sql} LIMIT %s OFFSET %s", statement.params + [size, (number - 1) * size]
    )


def count(matches):
    """The number of matches, counted up to COUNT_CAP + 1."""
    inner = matches.first("1 AS one", [], COUNT_CAP + 1)
    return Fragment(f"/* search:main */ SELECT COUNT(*) FROM ({inner.sql}) AS c", inner.params)


# The services apart's order, in `apart` and in `gather` with `serving` (on their rows `a`).
APART_ORDER = f"ORDER BY a.points DESC, a.score DESC, a.sort_name, a.service_id LIMIT {APART_LIMIT}"


def apart(matches):
    """Up to APART_LIMIT services among `matches` (the need, and not the place: ranking), best
    score first, among the first APART_SCORED such matches."""
    inner = matches.first(
        f"e.service_id, e.{matches.names} AS sort_name, {matches.rank} AS score, "
        f"{matches.points_sql()} AS points",
        matches.points_params(),
        APART_SCORED,
    )
    return Fragment(f"SELECT a.service_id FROM ({inner.sql}) AS a {APART_ORDER}", inner.params)


def unlocated_score(rank):
    """The text score, which orders only the services without a point (the located ones are
    ordered by distance, then name): computing it reads the row's whole document, so located
    rows skip it."""
    return f"CASE WHEN e.latitude IS NULL THEN {rank} ELSE 0 END" if rank else "0"


def gather(
    matches, point_columns, distance, size, number, carried="", serving=None, bound_rows=None
):
    """Every match (up to GATHER_CAP + 1 rows) sorted by distance, page `number`, each row with
    the services' count (`total`), the rows' and primary rows' counts (`n`, `p`) and its kind
    (0). When more than GATHER_CAP rows are gathered, only one row of kind 2 comes (its counts
    tell the walk what to show), sparing the distances and sort of rows that would be dropped.

    `carried`: the columns (the engine's `gather_carried`) that the text score and the needs'
    points are computed from, carried by the gathered rows so that they are computed only once
    the rows are known to fit (PostgreSQL: a document is read from TOAST only then; with more
    than GATHER_CAP rows, none is). Without it they are computed on each gathered row.

    `serving`: the place's condition, left out of `matches` (the need whatever the place). The
    rows are gathered whatever the place, each flagged by it: the page is made of those serving
    it, and up to APART_LIMIT of the others follow it, kind 1, when the services serving it are
    fewer than `size` (the services apart, chosen as `apart` chooses them): one bitmap of the
    need where the page and the services apart built one each. Past GATHER_CAP rows of the
    need, the overflow row (kind 2) only says so: its counts are not the place's.

    `bound_rows`: with more than GATHER_CAP rows, the overflow row also carries the distance of
    its `bound_rows`-th nearest gathered row (NULL when fewer are located): the gathered rows are
    some of the matches, so the `bound_rows` nearest matches of all lie no farther (the walk's
    bound)."""
    if carried:
        gathered = f", {carried}"
        score, points = unlocated_score(matches.rank), matches.points_sql()
        early, late = [], matches.points_params()
        apart_score, apart_points = matches.rank or "0", points
    else:
        gathered = f", {unlocated_score(matches.rank)} AS score, {matches.points_sql()} AS points"
        if serving:
            gathered += f", {matches.rank or '0'} AS full_score"
        score, points = "e.score", "e.points"
        early, late = matches.points_params(), []
        apart_score, apart_points = "e.full_score", "e.points"
    columns = (
        f"e.service_id, e.is_primary, {point_columns}, e.{matches.names} AS sort_name{gathered}"
        + (f", {serving.sql} AS serves" if serving else "")
    )
    read = matches.first(
        columns, early + (list(serving.params) if serving else []), GATHER_CAP + 1, primary=False
    )
    rows, first_params = read.sql, read.params
    if serving:
        gathered_rows = (
            f"WITH b AS MATERIALIZED ({rows}), m AS (SELECT * FROM b WHERE b.serves), "
            f"c AS MATERIALIZED (SELECT COUNT(*) AS n, "
            f"SUM(CASE WHEN m.is_primary THEN 1 ELSE 0 END) AS p, "
            f"(SELECT COUNT(*) FROM b) AS g FROM m), "
        )
    else:
        gathered_rows = (
            f"WITH m AS MATERIALIZED ({rows}), c AS MATERIALIZED (SELECT COUNT(*) AS n, "
            f"SUM(CASE WHEN m.is_primary THEN 1 ELSE 0 END) AS p, COUNT(*) AS g FROM m), "
        )
    bound, bound_params = NO_BOUND, []
    if bound_rows:
        bound = (
            f"(SELECT {distance.sql} FROM m AS e ORDER BY 1 OFFSET {int(bound_rows) - 1} LIMIT 1)"
        )
        bound_params = list(distance.params)
    apart, apart_params = "", []
    if serving:
        apart = (
            f", a AS (SELECT e.service_id, e.sort_name, {apart_score} AS score, "
            f"{apart_points} AS points FROM (SELECT * FROM b AS e "
            f"WHERE NOT e.serves AND e.is_primary LIMIT {APART_SCORED}) AS e) "
        )
        apart_params = late
    statement = (
        f"/* search:main */ {gathered_rows}"
        f"s AS (SELECT e.service_id, MIN({distance.sql}) AS d, MAX({score}) AS score, "
        f"MAX({points}) AS points, "
        f"MIN(e.sort_name) AS sort_name FROM m AS e GROUP BY e.service_id){apart} "
        f"SELECT * FROM (SELECT s.service_id, COUNT(*) OVER () AS total, "
        f"(SELECT n FROM c) AS n, (SELECT p FROM c) AS p, 0 AS kind, {NO_BOUND} FROM s "
        f"WHERE (SELECT g FROM c) <= {GATHER_CAP} "
        f"ORDER BY s.points DESC, (CASE WHEN s.d IS NULL THEN 1 ELSE 0 END), s.d, s.score DESC, "
        f"s.sort_name, s.service_id LIMIT %s OFFSET %s) AS page "
        f"UNION ALL SELECT NULL, NULL, c.n, c.p, 2, {bound} FROM c WHERE c.g > {GATHER_CAP}"
    )
    params = first_params + distance.params + late + apart_params + [size, (number - 1) * size]
    params += bound_params
    if serving:
        typed_null = "CAST(NULL AS BIGINT)"  # typed as the page's counts, past a subquery
        statement += (
            f" UNION ALL SELECT * FROM (SELECT a.service_id, {typed_null}, {typed_null}, "
            f"{typed_null}, 1, {NO_BOUND} FROM a "
            f"WHERE (SELECT g FROM c) <= {GATHER_CAP} AND (SELECT COUNT(*) FROM s) < %s "
            f"{APART_ORDER}) AS apart"
        )
        params.append(size)
    return Fragment(statement, params)


def walk(matches, order, distance, limit, within=None):
    """The `limit` nearest matching rows, tie-broken. The inner query orders by the index's
    distance (`order`) alone, which lets the GiST index walk outward from the visitor and stop
    early (a second sort key would forbid it); the outer query applies the tie-breaks.

    `within`: a condition every one of those rows meets (the engine's `within`, a distance the
    gather knows them to lie within: `gather`'s `bound_rows`). The planner may then intersect the
    matches' index with the place's instead of testing each row the walk passes."""
    bound = f" AND {within.sql}" if within else ""
    inner = (
        f"SELECT e.service_id, e.{matches.names} AS sort_name, "
        f"{unlocated_score(matches.rank)} AS score, "
        f"{distance.sql} AS d FROM {matches.source} WHERE {matches.where}{bound}"
    )
    tie_breaks = "n.score DESC, " if matches.rank else ""
    return Fragment(
        f"/* search:main */ SELECT n.service_id FROM ({inner} ORDER BY {order.sql} "
        f"LIMIT %s) AS n "
        f"ORDER BY (CASE WHEN n.d IS NULL THEN 1 ELSE 0 END), n.d, {tie_breaks}"
        f"n.sort_name, n.service_id",
        distance.params
        + matches.params
        + (within.params if within else [])
        + order.params
        + [limit],
    )


def partial_reach(text, others, groups, excluded, primary_only, place=None, paired=None):
    """(the FROM, and the condition with the parameters of both) of the rows the partial
    matches rank (`partial`): holding a clause of `text` (PartialText) or in a sector of
    `groups` (NeedSectors), holding `others` (the filters) and serving `place` (or None), not
    of a service in `excluded` (those matching it all); with `primary_only`, one row per
    service. `paired`: "in a sector of `groups` and serving the place" as one condition (the
    engine's pairs: PostgresEngine.sector_serving), the place then tested on the rows of the
    words alone."""
    join, join_params = (text.join, text.params) if text else ("", [])
    words = Fragment(text.where, list(text.where_params)) if text else None
    if paired:
        # Tested on each row in this order (PostgreSQL cannot tell which index scan brought
        # it): the pairs, then the place, before the words read from TOAST.
        reach = [paired, *([combine([place, words])] if words else [])]
        held = others
    else:
        reach = [words] if words else []
        if groups:  # related sectors only add points: reaching them costs a wide scan
            reach.append(Fragment(groups.sql, groups.params))
        held = combine([others, *([place] if place else [])])
    where = [held.sql, "(" + " OR ".join(f"({f.sql})" for f in reach) + ")"]
    where_params = held.params + [p for f in reach for p in f.params]
    if excluded:
        where.append(f"e.service_id NOT IN ({', '.join(['%s'] * len(excluded))})")
        where_params += list(excluded)
    if primary_only:
        where.append("e.is_primary")
    return f"search_searchentry e{join}", Fragment(" AND ".join(where), join_params + where_params)


def partial(text, groups, reach, distance, limit, names="sort_name", buckets=()):
    """/* search:partial */ Up to `limit` services matching part of the need: at least one
    clause of the query (`text`, a PartialText, or None) or a sector of a need the lexicon read
    (`groups`, NeedSectors, or None), among the rows `reach` gives ((FROM, condition):
    `partial_reach`, with the filters and place, not the services matching it all). Ranked by
    points (the clauses matched, `text.clauses`, plus the needs met, `groups.points`:
    need_points), then distance when `distance` is given
    (the nearest public point), then text score, then name (the column `names`: NAME_ORDER of
    the page's language). Only the first PARTIAL_CAP matching rows are ranked. Each row: the
    service id, then 1 or 0 per clause (matched or not).

    Three levels: `r` reads the matching rows once (with what the engine carries, such as a
    document read once: `text.carried`), `m` tests each clause on them, `p` keeps a row per
    service."""
    clauses = list(text.clauses) if text else []
    source, reached = reach
    needs = groups.points if groups else Fragment("0", [])
    carried = f"{text.carried}, " if text and text.carried else ""
    flags = "".join(f"CASE WHEN {c.sql} THEN 1 ELSE 0 END AS c{i}, " for i, c in enumerate(clauses))
    kept = "".join(f", MAX(m.c{i}) AS c{i}" for i in range(len(clauses)))
    points = " + ".join([f"{WORD_WEIGHT} * p.c{i}" for i in range(len(clauses))] + ["p.needs"])
    rows = first_rows(
        f"e.service_id, e.{names} AS sort_name, {distance.sql if distance else 'NULL'} AS d, "
        f"{carried}{needs.sql} AS needs",
        source,
        reached.sql,
        (distance.params if distance else []) + needs.params + reached.params,
        PARTIAL_CAP,
        buckets,
    )
    return Fragment(
        "/* search:partial */ SELECT p.service_id"
        + "".join(f", p.c{i}" for i in range(len(clauses)))
        + " FROM (SELECT m.service_id, MIN(m.d) AS d, MAX(m.needs) AS needs, "
        f"MAX(m.score) AS score, MIN(m.sort_name) AS sort_name{kept} "
        f"FROM (SELECT r.service_id, r.sort_name, r.d, r.needs, {flags}"
        f"{text.rank if text else '0'} AS score FROM ({rows.sql}) AS r) AS m "
        f"GROUP BY m.service_id) AS p "
        f"ORDER BY {points} DESC, (CASE WHEN p.d IS NULL THEN 1 ELSE 0 END), p.d, p.score DESC, "
        f"p.sort_name, p.service_id LIMIT %s",
        [q for c in clauses for q in c.params] + rows.params + [limit],
    )


@dataclass(frozen=True)
class NeedSectors:
    """The sectors of the needs read in a query: `sql`/`params` the condition "in one of
    them", `points` a row's points (need_points)."""

    sql: str
    params: list
    points: Fragment  # need_points: the partial matches' share of their points
    ids: list  # the sector ids of every need (what `sql` tests)
    related: Fragment | None = None  # "in a related sector"
    ranked: Fragment | None = None  # need_points with the full matches' text bonus


def need_sectors(groups, eng, matched=None):
    """The NeedSectors of `groups`; `matched`: see need_points."""
    if not groups:
        return None
    ids = sorted(set().union(*(g.sector_ids for g in groups)))
    every = eng.sector_condition(ids)
    related = set().union(*(g.related_ids for g in groups))
    near = eng.sector_condition(sorted(related)) if related else None
    return NeedSectors(
        every.sql,
        every.params,
        need_points(groups, eng),
        ids,
        near,
        need_points(groups, eng, matched),
    )


def filters(criteria, eng, now):
    """[Fragment] of the conditions of everything but text, place and sector (ranking.search
    puts the sector first, alone or paired with the place)."""
    found = []
    if criteria.free:
        found.append(Fragment("e.is_free = %s", [True]))
    if criteria.wheelchair:
        found.append(Fragment("e.wheelchair = %s", [True]))
    if criteria.language:
        found.append(Fragment("e.language_keys LIKE %s", [f"%|{criteria.language}|%"]))
    if criteria.age is not None:
        found.append(
            Fragment(
                "(e.minimum_age IS NULL OR e.minimum_age <= %s)"
                " AND (e.maximum_age IS NULL OR e.maximum_age >= %s)",
                [criteria.age, criteria.age],
            )
        )
    if criteria.open_now:
        found.append(open_now(now, eng))
    return found


# A period's rule (resources.models.schedules.keys_match says the same in Python): the Nth or
# Nth-from-last weekday of the month, every N weeks or months from its anchor.
RULE_HOLDS = (
    " AND (o.nth IS NULL OR o.nth IN (%s, %s))"
    " AND (o.every = 1 OR (o.unit = 'W' AND (%s - o.anchor) %% o.every = 0)"
    " OR (o.unit = 'M' AND (%s - o.anchor) %% o.every = 0))"
)


def rule_params(day):
    week, month, first, last = day_keys(day)
    return [first, last, week, month]


def open_now(now, eng):
    """SQL for "open at `now`": a period opened today, or opened yesterday and running past
    midnight, on a day its schedule is valid, its rule holds, not a closed holiday, and not an
    exceptional closure. First, where the engine has it, the row's weekly hours (the row's own
    column, `open_hours`): only a service with a period open in this hour of the week is
    looked up in the periods (at 1,000,000 services, 13,000 rows of a sector near Repentigny
    each cost a lookup, for 960 open). Before it, the row's whole hours (`whole_hours`): a
    service whose plain weekly periods hold the whole hour is open without a lookup, on days
    that are not statutory holidays (at 1,000,000 services, most of the 2,001 rows "food" near
    Repentigny gathers)."""
    local = now.astimezone(local_zone())
    minute = local.hour * 60 + local.minute
    hours = eng.open_hours_condition(local.weekday(), minute)
    parts, params = [], []
    today = local.date()
    days = ((today, minute), (today - datetime.timedelta(days=1), minute + 1440))
    holidays = [is_statutory_holiday(day) for day, _start in days]
    # A row whose plain periods hold the whole hour is open without a lookup, but on a
    # statutory holiday (today's, or yesterday's for a period running past midnight).
    whole = None if any(holidays) else eng.whole_hours_condition(local.weekday(), minute)
    for (day, start), on_holiday in zip(days, holidays, strict=True):
        holiday = " AND NOT o.closed_on_holidays" if on_holiday else ""
        parts.append(
            "(o.weekday = %s AND o.opens <= %s AND o.closes > %s"
            " AND (o.valid_from IS NULL OR o.valid_from <= %s)"
            " AND (o.valid_to IS NULL OR o.valid_to >= %s)"
            + holiday
            + RULE_HOLDS
            + " AND NOT EXISTS (SELECT 1 FROM resources_scheduleclosure c"
            " WHERE c.schedule_id = o.schedule_id AND c.start_date <= %s AND c.end_date >= %s))"
        )
        params += [day.weekday(), start, start, day, day, *rule_params(day), day, day]
    sql = (
        "EXISTS (SELECT 1 FROM search_searchopening o WHERE o.service_id = e.service_id AND ("
        + " OR ".join(parts)
        + "))"
    )
    found = Fragment(sql, params)
    if hours:
        found = Fragment(f"{hours.sql} AND {sql}", hours.params + params)
    if whole:
        return Fragment(f"({whole.sql} OR ({found.sql}))", whole.params + found.params)
    return found


_CARDS = """
SELECT c.service_id, c.data, o.weekday, o.opens, o.closes, o.closed_on_holidays,
    o.valid_from, o.valid_to, o.nth, o.every, o.unit, o.anchor,
    EXISTS (SELECT 1 FROM resources_scheduleclosure x WHERE x.schedule_id = o.schedule_id
        AND x.start_date <= %s AND x.end_date >= %s),
    EXISTS (SELECT 1 FROM resources_scheduleclosure x WHERE x.schedule_id = o.schedule_id
        AND x.start_date <= %s AND x.end_date >= %s)
FROM search_searchcard c
LEFT JOIN search_searchopening o ON o.service_id = c.service_id AND o.weekday IN (%s, %s)
WHERE c.service_id IN ({marks})
"""


def cards(ids, today, yesterday):
    """The result cards of `ids`, each with its weekly periods opening today or yesterday (one
    row per card and period; `o` NULL without one) and, per period, whether an exceptional
    closure holds on the day it opens: today for today's periods, yesterday for yesterday's
    (those running past midnight)."""
    return Fragment(
        _CARDS.format(marks=", ".join(["%s"] * len(ids))),
        [today, today, yesterday, yesterday, today.weekday(), yesterday.weekday(), *ids],
    )

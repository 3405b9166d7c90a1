"""The ranking rule: the appropriate service, nearest first (SPEC section 4). Pinned by
tests/search/test_ranking.py and the relevance suite.

1. A service is *listed* when it is active and matches the need: every word of `q` (or one of its
   synonyms' expansions, stems, prefixes or one-typo corrections) in its names, its organization's
   names, its sectors' names or its descriptions; and it is classed in the chosen sector or one of
   its subsectors. No need given: every service. The filters (open now, free, language,
   wheelchair, age) must all hold.
2. It is *appropriate* when it also serves the visitor's municipality (named in its service area,
   or a scope covering it: MRC, region, metropolitan area, province). With a known municipality,
   only appropriate services make the list. When that list fits on one page, up to five services
   that match the need but do not serve the place are shown apart, titled with that reason
   (the best-scored of the first 200 such matches).
3. Order, by `sort`:
   - `nearest` (the default when a position is known): great-circle distance from the visitor to
     the service's nearest public point (confidential and virtual locations give no point), then
     name (equal distances are one address); then services without any point, labelled "no
     physical location", by text score then name.
   - `relevance` (the default otherwise when there is text): text score (names weigh most, then
     organization and sector names, then descriptions), then located services before the others,
     then name. Only the first 2,000 matches are scored.
   - no text and no position: by name.
4. "Open now" takes the weekly hours in the index (see indexing.py for which schedules count) and
   applies statutory holidays, validity dates and exceptional closures, in SQL.
5. Counts stop at 1,000 ("1000+"); pages go no further.
"""

import contextlib
import datetime
import math
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from geopy.distance import great_circle

from resources.models.schedules import local_zone
from resources.statutory_holidays import is_statutory_holiday

from . import cards as result_cards
from . import places
from .engine_postgres import PostgresEngine
from .engine_sqlite import SqliteEngine
from .models import SCOPE_CODES

PAGE_SIZE = 20
COUNT_CAP = 1000
RANK_CAP = 2000
GATHER_CAP = 5000
APART_LIMIT = 5


def engine():
    return PostgresEngine() if connection.vendor == "postgresql" else SqliteEngine()


@dataclass
class Criteria:
    query: object = None  # text.ParsedQuery
    sector_ids: list = field(default_factory=list)
    municipality: object = None
    point: tuple = None  # (lat, lon), already rounded
    open_now: bool = False
    free: bool = False
    language: str = ""
    wheelchair: bool = False
    age: int = None
    sort: str = ""
    now: object = None

    @property
    def has_text(self):
        return self.query is not None and not self.query.is_empty

    def effective_sort(self):
        if self.sort == "nearest" and self.point:
            return "nearest"
        if self.sort == "relevance" and self.has_text:
            return "relevance"
        if self.point:
            return "nearest"
        return "relevance" if self.has_text else "name"


@dataclass
class Hit:
    card: result_cards.Card
    distance_km: float
    serves_place: bool
    now: datetime.datetime

    @property
    def service(self):
        """The service's names, alert and links (a cards.ResultService)."""
        return self.card.service

    @property
    def is_located(self):
        return bool(self.card.points)

    @property
    def open_now(self):
        """True / False from the service's hours; None when it publishes none."""
        return self.card.is_open_at(self.now) if self.card.has_hours else None

    @property
    def hours_today(self):
        return self.card.hours_on(timezone.localdate(self.now))

    @property
    def municipalities(self):
        """Where it is: its locations' municipalities (never a confidential address)."""
        return self.card.places

    @property
    def phone(self):
        return self.card.phone


@dataclass
class Outcome:
    hits: list
    apart: list
    total: int
    capped: bool
    page: int
    num_pages: int
    sort: str
    corrections: dict
    # The page's service ids in order (with `cards=False`, all a search returns).
    ids: list = field(default_factory=list)

    @property
    def first_number(self):
        return (self.page - 1) * PAGE_SIZE + 1


def _serving(municipality, eng):
    """The condition "serves `municipality`": named, or in a territory a scope covers."""
    codes = [SCOPE_CODES[scope] for scope in municipality.covering_scopes()]
    return eng.serving_condition([municipality.pk, *codes])


def _open_now(now):
    """SQL for "open at `now`": a period opened today, or opened yesterday and running past
    midnight, on a day its schedule is valid, not a closed holiday, and not an exceptional
    closure."""
    local = now.astimezone(local_zone())
    minute = local.hour * 60 + local.minute
    parts, params = [], []
    today = local.date()
    for day, start in ((today, minute), (today - datetime.timedelta(days=1), minute + 1440)):
        holiday = " AND NOT o.closed_on_holidays" if is_statutory_holiday(day) else ""
        parts.append(
            "(o.weekday = %s AND o.opens <= %s AND o.closes > %s"
            " AND (o.valid_from IS NULL OR o.valid_from <= %s)"
            " AND (o.valid_to IS NULL OR o.valid_to >= %s)" + holiday + " AND NOT EXISTS ("
            "SELECT 1 FROM resources_scheduleclosure c WHERE c.schedule_id = o.schedule_id"
            " AND c.start_date <= %s AND c.end_date >= %s))"
        )
        params += [day.weekday(), start, start, day, day, day, day]
    sql = (
        "EXISTS (SELECT 1 FROM search_searchopening o WHERE o.service_id = e.service_id AND ("
        + " OR ".join(parts)
        + "))"
    )
    return sql, params


def _filters(criteria, eng, now):
    """WHERE fragments and params of everything but text and place."""
    where, params = [], []
    if criteria.sector_ids:
        sql, p = eng.sector_condition(criteria.sector_ids)
        where.append(sql)
        params += p
    if criteria.free:
        where.append("e.is_free = %s")
        params.append(True)
    if criteria.wheelchair:
        where.append("e.wheelchair = %s")
        params.append(True)
    if criteria.language:
        where.append("e.language_keys LIKE %s")
        params.append(f"%|{criteria.language}|%")
    if criteria.age is not None:
        where.append(
            "(e.minimum_age IS NULL OR e.minimum_age <= %s)"
            " AND (e.maximum_age IS NULL OR e.maximum_age >= %s)"
        )
        params += [criteria.age, criteria.age]
    if criteria.open_now:
        sql, p = _open_now(now)
        where.append(sql)
        params += p
    return where, params


def _where(parts):
    return " AND ".join(parts) if parts else "1 = 1"


def search(criteria, page=1, size=PAGE_SIZE, cards=True):
    """The Outcome of a search: a fixed number of queries whatever the page size (see the
    module docstring for the rule, and search/cards.py for what a result shows). Without
    `cards`, the ids and the count only: no result cards are read, no apart block gathered.
    Callers go through search.finder, which builds the criteria from query parameters."""
    eng = engine()
    sort = criteria.effective_sort()
    now = criteria.now or timezone.now()
    # A text search runs in a transaction, which scopes the planner setting its engine makes;
    # the others read in autocommit, sparing the BEGIN and COMMIT round trips.
    scope = transaction.atomic() if criteria.has_text else contextlib.nullcontext()
    with scope, connection.cursor() as cursor:
        text = eng.prepare_text(cursor, criteria.query) if criteria.has_text else None
        corrections = criteria.query.corrections if criteria.has_text else {}
        if criteria.has_text and text is None:
            return Outcome([], [], 0, False, 1, 1, sort, corrections)
        from_sql, text_where, rank, text_params = text or ("", "1 = 1", "0", [])
        where, params = _filters(criteria, eng, now)
        where.insert(0, text_where)
        place_where, place_params = [], []
        if criteria.municipality is not None:
            sql, place_params = _serving(criteria.municipality, eng)
            place_where = [sql]
        base_from = f"search_searchentry e{from_sql}"
        base_params = text_params + params + place_params
        full_where = _where(where + place_where)

        count_query = (base_from, full_where, base_params)
        if sort == "nearest":
            query = (base_from, full_where, base_params, rank if text else None)
            selective = text is not None or bool(criteria.sector_ids)
            ids, paging = _nearest_page(cursor, eng, criteria.point, query, page, size, selective)
        else:
            if sort == "relevance":
                # Score the first RANK_CAP matches only (docs/engineering-notes.md).
                sql = (
                    f"/* search:main */ SELECT m.service_id, COUNT(*) OVER () FROM ("
                    f"SELECT e.service_id, e.sort_name, {rank} AS score, "
                    f"CASE WHEN e.latitude IS NULL THEN 1 ELSE 0 END AS no_point "
                    f"FROM {base_from} WHERE e.is_primary AND {full_where} LIMIT {RANK_CAP}) AS m "
                    f"ORDER BY m.score DESC, m.no_point, m.sort_name, m.service_id"
                )
            else:
                sql = (
                    f"/* search:main */ SELECT e.service_id, COUNT(*) OVER () FROM {base_from} "
                    f"WHERE e.is_primary AND {full_where} ORDER BY e.sort_name, e.service_id"
                )
            ids, paging = _counted_page(cursor, (sql, base_params), count_query, page, size)
        total, capped, num_pages, page = paging
        if not cards:
            return Outcome([], [], total, capped, page, num_pages, sort, corrections, ids)

        apart_ids = []
        if page == 1 and total < size and place_where and (text or criteria.sector_ids):
            cursor.execute(
                f"SELECT a.service_id FROM (SELECT e.service_id, e.sort_name, {rank} AS score "
                f"FROM {base_from} WHERE e.is_primary AND {_where(where)} "
                f"AND NOT {place_where[0]} LIMIT {RANK_CAP // 10}) AS a "
                f"ORDER BY a.score DESC, a.sort_name, a.service_id LIMIT {APART_LIMIT}",
                text_params + params + place_params,
            )
            apart_ids = [row[0] for row in cursor.fetchall()]

        found = result_cards.load(cursor, ids + apart_ids, now)
    hits = [_hit(found[pk], criteria.point, now) for pk in ids if pk in found]
    apart = [_hit(found[pk], criteria.point, now, False) for pk in apart_ids if pk in found]
    return Outcome(hits, apart, total, capped, page, num_pages, sort, corrections, ids)


def _count(cursor, base_from, where, params):
    """The number of matches, counted up to COUNT_CAP + 1."""
    cursor.execute(
        f"/* search:main */ SELECT COUNT(*) FROM (SELECT 1 FROM {base_from} "
        f"WHERE e.is_primary AND {where} "
        f"LIMIT {COUNT_CAP + 1}) AS c",
        params,
    )
    return cursor.fetchone()[0]


def _paging(count, page, size):
    """(total, capped, num_pages, page) for `count` matches: the page kept within them."""
    total, capped = min(count, COUNT_CAP), count > COUNT_CAP
    num_pages = max(1, math.ceil(total / size))
    return total, capped, num_pages, min(max(1, page), num_pages)


def _counted_page(cursor, query, count_query, page, size):
    """(ids, paging) of a sorted query whose rows carry the match count (`COUNT(*) OVER ()`,
    up to RANK_CAP for relevance): one query where a count and a page took two. A page past
    the end shows no count: it is then counted alone and the last page read."""

    def read(number):
        cursor.execute(f"{query[0]} LIMIT %s OFFSET %s", query[1] + [size, (number - 1) * size])
        return cursor.fetchall()

    rows = read(page)
    count = rows[0][1] if rows else (_count(cursor, *count_query) if page > 1 else 0)
    paging = _paging(count, page, size)
    if paging[3] != page:
        rows = read(paging[3])
    return [row[0] for row in rows], paging


def _nearest_page(cursor, eng, point, query, page, size, selective):
    """(ids, paging) of a page in nearest-first order (a service has one row per public point;
    its distance is its nearest point's).

    A selective need (text or sector) first gathers its matches, up to GATHER_CAP rows, through
    the text or sector index: when they all fit, the same query counts them and sorts them by
    distance. Otherwise (then the count is past COUNT_CAP), and without a selective need, the
    GiST index walks outward from the visitor (`_walk`): with this many matches the nearest
    ones are close by."""
    base_from, where, params, rank = query
    count = None
    if selective:
        gathered, primaries = _gather(cursor, eng, point, query, page, size)
        if gathered is not None:
            return gathered
        count = primaries if primaries > COUNT_CAP else None
    if count is None:
        count = _count(cursor, base_from, where, params)
    total, capped, num_pages, page = _paging(count, page, size)
    offset = (page - 1) * size
    ids = _walk(cursor, eng, point, query, offset + size)[offset:]
    return ids, (total, capped, num_pages, page)


def _unlocated_score(rank):
    """The text score, which orders only the services without a point (the located ones are
    ordered by distance, then name): computing it reads the row's whole document, so located
    rows skip it."""
    return f"CASE WHEN e.latitude IS NULL THEN {rank} ELSE 0 END" if rank else "0"


def _gather(cursor, eng, point, query, page, size):
    """((ids, paging), None) from every match sorted by distance; (None, primary rows among
    the first GATHER_CAP + 1) when there are more than GATHER_CAP matching rows."""
    base_from, where, params, rank = query
    distance_sql, distance_params = eng.distance(*point)

    def read(number):
        # When more than GATHER_CAP rows match, only the second branch runs (its counts tell the
        # walk what to show), sparing the distances and sort of rows that would be dropped.
        cursor.execute(
            f"/* search:main */ WITH m AS MATERIALIZED (SELECT e.service_id, e.is_primary, "
            f"{eng.point_columns}, e.sort_name, {_unlocated_score(rank)} AS score "
            f"FROM {base_from} WHERE {where} LIMIT {GATHER_CAP + 1}), "
            f"c AS MATERIALIZED (SELECT COUNT(*) AS n, "
            f"SUM(CASE WHEN m.is_primary THEN 1 ELSE 0 END) AS p FROM m), "
            f"s AS (SELECT e.service_id, MIN({distance_sql}) AS d, MAX(e.score) AS score, "
            f"MIN(e.sort_name) AS sort_name FROM m AS e GROUP BY e.service_id) "
            f"SELECT * FROM (SELECT s.service_id, COUNT(*) OVER () AS total, "
            f"(SELECT n FROM c) AS n, (SELECT p FROM c) AS p FROM s "
            f"WHERE (SELECT n FROM c) <= {GATHER_CAP} "
            f"ORDER BY (CASE WHEN s.d IS NULL THEN 1 ELSE 0 END), s.d, s.score DESC, "
            f"s.sort_name, s.service_id LIMIT %s OFFSET %s) AS page "
            f"UNION ALL SELECT NULL, NULL, c.n, c.p FROM c WHERE c.n > {GATHER_CAP}",
            params + distance_params + [size, (number - 1) * size],
        )
        return cursor.fetchall()

    rows = read(page)
    if not rows and page > 1:  # past the end: the first page gives the count
        rows = read(1)
        if rows and rows[0][2] <= GATHER_CAP:
            paging = _paging(rows[0][1], page, size)
            if paging[3] != 1:
                rows = read(paging[3])
            return ([row[0] for row in rows], paging), None
    if rows and rows[0][2] > GATHER_CAP:
        return None, rows[0][3]
    return ([row[0] for row in rows], _paging(rows[0][1] if rows else 0, page, size)), None


def _walk(cursor, eng, point, query, needed):
    """The first `needed` distinct services, nearest point first. The inner query orders by the
    index's distance alone, which lets the GiST index walk outward from the visitor and stop
    early (a second sort key would forbid it); the outer query then applies the tie-breaks to
    those rows, which are read until `needed` services are seen."""
    base_from, where, params, rank = query
    order_sql, order_params = eng.nearest_order(*point)
    distance_sql, distance_params = eng.distance(*point)
    inner = (
        f"SELECT e.service_id, e.sort_name, {_unlocated_score(rank)} AS score, "
        f"{distance_sql} AS d FROM {base_from} WHERE {where}"
    )
    tie_breaks = "n.score DESC, " if rank else ""
    limit = needed * 3 + 20
    while True:
        cursor.execute(
            f"/* search:main */ SELECT n.service_id FROM ({inner} ORDER BY {order_sql} "
            f"LIMIT %s) AS n "
            f"ORDER BY (CASE WHEN n.d IS NULL THEN 1 ELSE 0 END), n.d, {tie_breaks}"
            f"n.sort_name, n.service_id",
            distance_params + params + order_params + [limit],
        )
        rows = [row[0] for row in cursor.fetchall()]
        ids = list(dict.fromkeys(rows))
        if len(ids) >= needed or len(rows) < limit:
            return ids[:needed]
        limit *= 4


def _hit(card, point, now, serves=True):
    """A result with its distance for people (geopy, on the page's services only)."""
    distance = None
    if point and card.points:
        nearest = min(card.points, key=lambda p: places.arc_km(point, p))
        distance = great_circle(point, nearest).km
    return Hit(card=card, distance_km=distance, serves_place=serves, now=now)

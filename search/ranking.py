"""The ranking rule: the appropriate service, nearest first (SPEC section 4). Pinned by
tests/search/test_ranking.py and the relevance suite.

1. A service is *listed* when it is active and matches the need: every meaningful word of `q`
   (or one of its synonyms' expansions, stems, prefixes or one-typo corrections) in its names,
   its organization's names, its sectors' names or its descriptions; and it is classed in the
   chosen sector or one of its subsectors. Words of a request rather than a need ("je",
   "cherche", "besoin", "help", "need": text.is_ignored) are never required. Where the need
   lexicon (search.needs) reads a need in some words, their clause is also met by the need's
   sectors ("je veux en finir" by suicide prevention). No need given: every service; a query of
   ignored words only: none (the page then asks for the need). The filters (open now, free,
   language, wheelchair, age) must all hold.
   *Partial matches*: when the listed services fill less than the first page, services holding
   part of the words, or classed in a sector of a need read, fill it below them, marked
   (each with the words it holds), ranked by words held plus needs met, then as in 3.
2. It is *appropriate* when it also serves the visitor's municipality (named in its service area,
   or a scope covering it: MRC, region, metropolitan area, province). With a known municipality,
   only appropriate services make the list. When that list fits on one page, up to five services
   that match the need but do not serve the place are shown apart, titled with that reason
   (the best-scored of the first 200 such matches).
3. Order, by `sort`, after the needs met (sql.need_points: 4 per need the lexicon read whose
   sectors the service is classed in, 1 for a sibling subsector, 2 more for holding every
   word when sectors may stand for some: a query naming a kind of help prefers that kind of
   service, and among them those that say it):
   - `nearest` (the default when a position is known): great-circle distance from the visitor to
     the service's nearest public point (confidential and virtual locations give no point), then
     name (equal distances are one address); then services without any point, labelled "no
     physical location", by text score then name.
   - `relevance` (the default otherwise when there is text): text score (names weigh most, then
     organization and sector names, then descriptions), then located services before the others,
     then name. Only the first 1,001 matches are scored (as many as are counted: 5).
   - no text and no position: by name, in the page's language (sql.NAME_ORDER).
   Past GATHER_CAP matching rows, nearest-first walks the distance index and ignores the needs'
   points (thousands of matches close by: the nearest are relevant enough).
4. "Open now" takes the weekly hours in the index (see indexing.py for which schedules count) and
   applies statutory holidays, validity dates and exceptional closures, in SQL.
5. Counts stop at 1,000 ("1000+"); pages go no further.
"""

import contextlib
import dataclasses
import datetime
import math
from dataclasses import MISSING, dataclass, field, fields

from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.utils import timezone, translation

from resources.models.directory import directions_to_point

from . import cards as result_cards
from . import places, sql
from .engine_postgres import PostgresEngine
from .engine_sqlite import SqliteEngine
from .models import SearchEntry, served_code
from .sql import COUNT_CAP, Fragment, TextMatch

PAGE_SIZE = 20
# A query of this many clauses or more (each a need or its words) is narrow: near a place, its
# first page and the services apart are gathered together (search()).
NARROW_CLAUSES = 3


def engine(alias=DEFAULT_DB_ALIAS):
    return PostgresEngine() if connections[alias].vendor == "postgresql" else SqliteEngine()


# What a sector's listing by name answers for besides the sector itself (Criteria.sector_only).
LISTING_FIELDS = {"sector", "sector_ids", "sort", "now"}


def _default(field_):
    return field_.default if field_.default_factory is MISSING else field_.default_factory()


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
    # The needs the lexicon read in the query (search.needs.NeedGroup: sectors, words).
    need_groups: list = field(default_factory=list)
    asked: bool = False  # the visitor typed a query (even one of ignored words only)
    sector: int = None  # the pk of the sector asked for (`sector_ids`: it and its subsectors)

    @property
    def sector_only(self):
        """A sector and nothing else: its listing by name (search.models.SectorListing). Every
        criterion but the sector's own, the sort and the clock at its default, so that a
        criterion added later keeps the listing from answering for it."""
        return self.sector is not None and all(
            getattr(self, f.name) == _default(f)
            for f in fields(self)
            if f.name not in LISTING_FIELDS
        )

    @property
    def has_text(self):
        return self.query is not None and not self.query.is_empty

    @property
    def has_need(self):
        """A need to rank by: words to match, or sectors the lexicon read in the query."""
        return self.has_text or bool(self.need_groups)

    def effective_sort(self):
        if self.sort == "nearest" and self.point:
            return "nearest"
        if self.sort == "relevance" and self.has_need:
            return "relevance"
        if self.point:
            return "nearest"
        return "relevance" if self.has_need else "name"


@dataclass
class Hit:
    card: result_cards.Card
    distance_km: float
    serves_place: bool
    now: datetime.datetime
    # A partial match: the words of the query it holds (none: it is in a sector the need names).
    matched: list = None
    # Its public point nearest the visitor (its first without a position), for directions.
    nearest_point: tuple = None

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

    @property
    def confidential_places(self):
        """The municipalities of its confidential locations (never an address)."""
        return self.card.confidential

    @property
    def other_places(self):
        return self.card.other_places

    @property
    def directions_url(self):
        """Directions to its nearest public point (settings DIRECTIONS_URL), or None."""
        return directions_to_point(*self.nearest_point) if self.nearest_point else None


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
    # Services matching part of the need, below a first page the full matches do not fill.
    partial: list = field(default_factory=list)

    @property
    def first_number(self):
        return (self.page - 1) * PAGE_SIZE + 1


def _served_keys(municipality):
    """The keys of the rows serving `municipality` (named, or in a territory a scope covers):
    its own, and the territories' codes its scopes cover."""
    return [municipality.pk, *(served_code(key) for key in municipality.covering_scopes())]


def search(criteria, page=1, size=PAGE_SIZE, cards=True):
    """The Outcome of a search: a fixed number of queries whatever the page size (see the
    module docstring for the rule, search/sql.py for the statements, and search/cards.py for
    what a result shows). Without `cards`, the ids and the count only: no result cards are
    read, no apart block or partial matches gathered. Callers go through search.finder, which
    builds the criteria from query parameters."""
    # A public page's search reads from a replica when there are some (directory211/db_router.py).
    alias = router.db_for_read(SearchEntry)
    eng = engine(alias)
    sort = criteria.effective_sort()
    now = criteria.now or timezone.now()
    # A text or sector search runs in a transaction, which scopes the planner setting its
    # engine makes (indexes before table scans); the others read in autocommit, sparing the
    # BEGIN and COMMIT round trips.
    by_sector = bool(criteria.sector_ids) and not criteria.sector_only and not criteria.has_text
    planned = criteria.has_text or by_sector
    scope = transaction.atomic(using=alias) if planned else contextlib.nullcontext()
    with scope, connections[alias].cursor() as cursor:
        if by_sector:
            eng.prefer_indexes(cursor)
        text = (
            eng.prepare_text(cursor, criteria.query, criteria.need_groups)
            if criteria.has_text
            else None
        )
        corrections = criteria.query.corrections if criteria.has_text else {}
        rest = sql.filters(criteria, eng, now)
        sector = [eng.sector_condition(criteria.sector_ids)] if criteria.sector_ids else []
        others = [*sector, *rest]
        matched = text.matched if text else None
        if text is not None and matched is None and sort != "nearest":
            eng.allow_table_scan(cursor, criteria.query)
        # When a clause may be met by sectors, the need is reached through the index (its
        # words or its sectors) and the place tested on each row: the other way round reads
        # thousands of documents ("logemnt" near Repentigny at 100,000 services: 250 ms, now 36).
        keys = _served_keys(criteria.municipality) if criteria.municipality else None
        place = eng.serving_condition(keys, indexed=not matched) if keys else None
        # A sector near a place: both as one key of the index where the engine pairs them
        # (the conditions the matches are listed by; `others` keeps the sector alone).
        paired = (
            eng.sector_serving(criteria.sector_ids, keys)
            if keys and criteria.sector_ids and not matched
            else None
        )
        listing = [paired, *rest] if paired else None
        sectors = sql.need_sectors(criteria.need_groups, eng, matched)
        understood = text is not None or sectors is not None
        # A need of many clauses ("j'ai perdu ma job pis j'ai pus d'argent pour l'épicerie")
        # is met by few rows: its first page near a place is gathered with the services apart
        # (one bitmap of the need where two were built: 19 ms each at 1,000,000 services).
        together = cards and page == 1 and len(_clauses(criteria)) >= NARROW_CLAUSES
        apart_ids = None
        if (criteria.asked or criteria.has_text) and not understood:
            ids, paging, matches = [], sql.Paging(0, False, 1, 1), None
        else:
            ids, paging, matches, need, apart_ids = _full_matches(
                cursor,
                eng,
                criteria,
                text,
                others,
                place,
                sectors,
                sort,
                page,
                size,
                together=together,
                listing=listing,
            )
        if not cards:
            return Outcome([], [], *_paged(paging), sort, corrections, ids)

        partial_ids = {}
        first_page_short = paging.page == 1 and paging.total < size
        if not first_page_short:
            apart_ids = []
        elif apart_ids is None:  # not gathered with the page
            apart_ids = []
            if matches and place and (matches.rank or criteria.sector_ids):
                wanted = dataclasses.replace(
                    matches, where=need.sql, params=need.params, rank=matches.rank or "0"
                )
                statement = sql.apart(wanted)
                cursor.execute(statement.sql, statement.params)
                apart_ids = [row[0] for row in cursor.fetchall()]
        if first_page_short and text and (len(_clauses(criteria)) > 1 or sectors):
            partial_ids = _partial(
                cursor, eng, criteria, others, place, sectors, ids, size - len(ids)
            )

        found = result_cards.load(cursor, ids + apart_ids + list(partial_ids), now)
    hits = [_hit(found[pk], criteria.point, now) for pk in ids if pk in found]
    apart = [_hit(found[pk], criteria.point, now, False) for pk in apart_ids if pk in found]
    partial = [
        _hit(found[pk], criteria.point, now, matched=words)
        for pk, words in partial_ids.items()
        if pk in found
    ]
    return Outcome(hits, apart, *_paged(paging), sort, corrections, ids, partial)


def _name_language():
    """The language whose names order a list by name: the page's."""
    return "en" if (translation.get_language() or "").startswith("en") else "fr"


def _names():
    """The column of the names in the page's language (sql.NAME_ORDER)."""
    return sql.NAME_ORDER[_name_language()]


def _clauses(criteria):
    return [c for c in criteria.query.clauses if not c.negated] if criteria.has_text else []


def _full_matches(
    cursor,
    eng,
    criteria,
    text,
    others,
    place,
    sectors,
    sort,
    page,
    size,
    together=False,
    listing=None,
):
    """(ids, paging, Matches, the need's condition and "not the place", the services apart or
    None) of the services that match every meaningful word (or, for a query whose words were
    all understood as needs but none is searchable, the needs' sectors). `together`: gather
    the need whatever the place, and the services apart with the page (sql.gather's
    `serving`), when they all fit; the services apart are then known (else None). `listing`:
    the filters with the sector and the place as one condition, in place of `others` and
    `place` for the listed matches."""
    if text is None and sectors is not None:  # needs only: their sectors are the need
        text = TextMatch("", sectors.sql, "0", [])
        where_params = list(sectors.params)
    else:
        text = text or TextMatch("", "1 = 1", "0", [])
        where_params = list(text.where_params)
    # The text last: where rows are tested one by one (a nearest-first walk, the rows a bitmap
    # brings), the cheap tests of the row's own columns come first and spare most rows the
    # text's (on PostgreSQL, reading the document from TOAST).
    matched_text = Fragment(text.where, where_params)
    # The services apart: the need, not the place (tested before the text).
    away = [Fragment(f"NOT {place.sql}", place.params)] if place else []
    need = sql.combine([*others, *away, matched_text])
    listed = sql.combine([*(listing or [*others, *([place] if place else [])]), matched_text])
    rank = text.rank if criteria.has_need else None
    source = f"search_searchentry e{text.join}"
    # A list by name reads every match: no bucket spares it a row.
    buckets, few, crowded = (
        eng.splits(cursor, source, listed.sql, text.params + listed.params)
        if sort != "name"
        else ((), False, False)
    )
    matches = sql.Matches(
        source,
        listed.sql,
        text.params + listed.params,
        rank,
        sectors.ranked if sectors else None,
        _names(),
        buckets,
        few,
        crowded,
    )
    need = sql.Fragment(need.sql, text.params + need.params)
    if sort == "nearest":
        selective = rank is not None or bool(criteria.sector_ids) or sectors is not None
        carried = eng.gather_carried(bool(text.join))
        # A crowd (the planner expects far more matches than a gather holds) is walked at once
        # (_nearest_page): the need whatever the place would overflow the gather all the more.
        if together and place and selective and not matches.crowded:
            # Read from the index alone: the need term by term where the engine wrote it so.
            wide = sql.combine([*others, text.terms or matched_text])
            whole = dataclasses.replace(matches, where=wide.sql, params=text.params + wide.params)
            ids, paging, apart_ids, _ = _gather(
                cursor, eng, criteria.point, whole, page, size, carried, place
            )
            if ids is not None:
                return ids, paging, matches, need, apart_ids
        ids, paging = _nearest_page(
            cursor, eng, criteria.point, matches, page, size, selective, carried
        )
    else:
        if sort == "relevance":
            statement = sql.ranked_page(matches, eng.ranked_carried(text.matched is not None))
        elif criteria.sector_only:
            statement = sql.sector_page(criteria.sector, _name_language())
        else:
            statement = sql.named_page(matches)
        ids, paging = _counted_page(cursor, statement, matches, page, size)
    return ids, paging, matches, need, None


def _partial(cursor, eng, criteria, others, place, sectors, excluded, limit):
    """Up to `limit` services matching part of the need (sql.partial), nearest first within
    their points when a position is known."""
    text = eng.partial_text(criteria.query, cursor) if criteria.has_text else None
    if text is None and sectors is None:
        return {}
    keys = _served_keys(criteria.municipality) if place else None
    place = eng.serving_condition(keys, indexed=False) if keys else None
    # The needs' sectors near the place as one key of the index, where the engine pairs them.
    paired = eng.sector_serving(sectors.ids, keys) if keys and sectors else None
    distance = eng.distance(*criteria.point) if criteria.effective_sort() == "nearest" else None
    # Its own rows (any clause, a need's sectors) are more than the full matches: its own split.
    reach = sql.partial_reach(
        text, sql.combine(others), sectors, excluded, distance is None, place, paired
    )
    source, reached = reach
    statement = sql.partial(
        text,
        sectors,
        reach,
        distance,
        limit,
        _names(),
        eng.splits(cursor, source, reached.sql, reached.params)[0],
    )
    cursor.execute(statement.sql, statement.params)
    words = text.words if text else []
    return {
        row[0]: [" ".join(typed) for typed, flag in zip(words, row[1:], strict=True) if flag]
        for row in cursor.fetchall()
    }


def _paged(paging):
    return paging.total, paging.capped, paging.page, paging.num_pages


def _count(cursor, matches):
    statement = sql.count(matches)
    cursor.execute(statement.sql, statement.params)
    return cursor.fetchone()[0]


def _paging(count, page, size):
    """The Paging of `count` matches: the page kept within them."""
    total, capped = min(count, COUNT_CAP), count > COUNT_CAP
    num_pages = max(1, math.ceil(total / size))
    return sql.Paging(total, capped, num_pages, min(max(1, page), num_pages))


def _counted_page(cursor, statement, matches, page, size):
    """(ids, paging) of a sorted statement whose rows carry the match count: one query where a
    count and a page took two. A page past the end shows no count: it is then counted alone
    and the last page read."""

    def read(number):
        paged = sql.paged(statement, size, number)
        cursor.execute(paged.sql, paged.params)
        return cursor.fetchall()

    rows = read(page)
    count = rows[0][1] if rows else (_count(cursor, matches) if page > 1 else 0)
    paging = _paging(count, page, size)
    if paging.page != page:
        rows = read(paging.page)
    return [row[0] for row in rows], paging


def _nearest_page(cursor, eng, point, matches, page, size, selective, carried=""):
    """(ids, paging) of a page in nearest-first order (a service has one row per public point;
    its distance is its nearest point's).

    A selective need (text or sector) first gathers its matches, up to GATHER_CAP rows, through
    the text or sector index: when they all fit, the same query counts them and sorts them by
    distance. Otherwise (then the count is past COUNT_CAP), and without a selective need, the
    GiST index walks outward from the visitor (`_walk`): with this many matches the nearest
    ones are close by. Where the planner expects far more matches than the gather holds
    (`matches.crowded`), the walk comes at once, the count alone before it."""
    count, within = None, None
    if selective and not matches.crowded:
        # The page asked for is the farthest the walk may go (a page past the end comes back).
        bound_rows = _walk_rows(page * size) if matches.bounded else None
        ids, paging, _apart, overflow = _gather(
            cursor, eng, point, matches, page, size, carried, bound_rows=bound_rows
        )
        if ids is not None:
            return ids, paging
        primaries, bound = overflow
        count = primaries if primaries > COUNT_CAP else None
        if bound is not None:
            within = eng.within(*point, bound)
    if count is None:
        count = _count(cursor, matches)
    paging = _paging(count, page, size)
    offset = (paging.page - 1) * size
    ids = _walk(cursor, eng, point, matches, offset + size, within)[offset:]
    return ids, paging


def _gather(cursor, eng, point, matches, page, size, carried="", serving=None, bound_rows=None):
    """(ids, paging, apart ids, None) from every match sorted by distance (sql.gather; apart
    ids only with `serving`), or (None, None, [], (primary rows among the first GATHER_CAP + 1,
    the distance of the `bound_rows`-th nearest of them or None)) when more than GATHER_CAP rows
    match (with `serving`: rows of the need whatever the place; the count is then not the
    place's)."""
    distance = eng.distance(*point)

    def read(number):
        statement = sql.gather(
            matches, eng.point_columns, distance, size, number, carried, serving, bound_rows
        )
        cursor.execute(statement.sql, statement.params)
        rows = cursor.fetchall()
        kinds = {kind: [row for row in rows if row[4] == kind] for kind in (0, 1, 2)}
        return kinds[0], kinds[2][0] if kinds[2] else None, [row[0] for row in kinds[1]]

    rows, overflow, apart = read(page)
    if not rows and not overflow and page > 1:  # past the end: the first page gives the count
        rows, overflow, apart = read(1)
        if rows:
            paging = _paging(rows[0][1], page, size)
            if paging.page != 1:
                rows, overflow, apart = read(paging.page)
            return [row[0] for row in rows], paging, apart, None
    if overflow:
        return None, None, [], (overflow[3], overflow[5])
    return [row[0] for row in rows], _paging(rows[0][1] if rows else 0, page, size), apart, None


def _walk_rows(needed):
    """The rows a walk first asks for to find `needed` services (`_walk`)."""
    return needed + needed // 2 + 10


def _walk(cursor, eng, point, matches, needed, within=None):
    """The first `needed` distinct services, nearest point first: the nearest rows are read
    (sql.walk) until `needed` services are seen.

    A service has 1.13 rows on average (one per public point), so the first walk asks for
    half as many rows again as services, and walks again four times further in the rare case
    that they were too few. Each row the walk passes is tested (its words read from TOAST):
    three rows a service plus 20 ("dépannage" near Repentigny at 1,000,000 services: 80 rows,
    2,488 read, 23.7 ms) cost twice what is needed.

    `within`: where the first walk's rows all lie (the gather's bound, sql.gather's `bound_rows`):
    the planner may then take the matches there from both indexes instead of walking ("naloxone"
    near Montréal at 1,000,000 services: 145 rows instead of 4,509 tested, 20 ms to 5). A walk
    again goes unbounded."""
    order, distance = eng.nearest_order(*point), eng.distance(*point)
    limit = _walk_rows(needed)
    while True:
        statement = sql.walk(matches, order, distance, limit, within)
        cursor.execute(statement.sql, statement.params)
        rows = [row[0] for row in cursor.fetchall()]
        ids = list(dict.fromkeys(rows))
        if len(ids) >= needed or len(rows) < limit:
            return ids[:needed]
        limit, within = limit * 4, None


def _hit(card, point, now, serves=True, matched=None):
    """A result with its distance for people, to its nearest point (on the page's services
    only)."""
    distance, nearest = None, card.points[0] if card.points else None
    if point and card.points:
        distance, nearest = min((places.arc_km(point, p), p) for p in card.points)
    return Hit(
        card=card,
        distance_km=distance,
        serves_place=serves,
        now=now,
        matched=matched,
        nearest_point=nearest,
    )

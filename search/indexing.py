"""Keeping the search index in step with the directory.

`refresh(service_ids)` rewrites the index rows (entries, weekly openings, result cards) of some
services (all when None): the `rebuild_search_index` command calls it for everything (after a
bulk load, which saves rows without signals), and search/signals.py calls it (through
`refresh_touched`) for the services an edit touches, so staff changes show at once. It reads the
directory in bulk, a few queries per batch of services. Inside `deferred_refresh()` (an import
saving thousands of records), the touched services are collected instead and refreshed once, on
leaving the block.

Which hours make a service open: its own schedules; failing those, the schedules of its service
at locations; failing those, the schedules of its locations.
"""

import contextlib
import threading
from collections import defaultdict

from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q

from resources.calls import card_number, numbers_to_call
from resources.folding import fold
from resources.maps import public_point
from resources.models import (
    OpeningPeriod,
    Phone,
    Schedule,
    ScheduleClosure,
    Sector,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from resources.models.reference import territory_key

from . import copying, counts, engine_postgres
from .cards import ResultPhone, card_data
from .models import (
    SearchCard,
    SearchEntry,
    SearchOpening,
    SearchTerm,
    SectorListing,
    ServiceCount,
    served_code,
    week_hours,
    whole_hours,
)
from .text import document_lexemes

BATCH = 2000


@models.ForeignKey.register_lookup
@models.IntegerField.register_lookup
class Among(models.Lookup):
    """`field__among=ids`: `field IN (ids)` with the ids as one array parameter on PostgreSQL
    (`= ANY(%s)`). Django's `__in` prepares and binds each of the 2,000 ids of a batch one by
    one (and psycopg parses the long statement): a fifth of the rebuild's Python."""

    lookup_name = "among"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        ids = [int(pk) for pk in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*params, ids]
        if not ids:
            return "1 = 0", params
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*params, *ids]


INDEX_TABLES = (SearchEntry, SearchOpening, SearchCard, SearchTerm, SectorListing, ServiceCount)

_deferred = threading.local()


def _keys(values):
    return "|" + "|".join(str(v) for v in sorted(set(values))) + "|" if values else ""


def _minutes(moment):
    return moment.hour * 60 + moment.minute


def _join(*texts):
    return " ".join(t for t in texts if t)


def _sector_names():
    """({sector pk: its names and its parent's}, {sector pk: its parent's pk or None})."""
    sectors = {s.pk: s for s in Sector.objects.all()}
    names = {}
    for pk, sector in sectors.items():
        parent = sectors.get(sector.parent_id)
        names[pk] = _join(
            sector.name_fr, sector.name_en, parent and parent.name_fr, parent and parent.name_en
        )
    return names, {pk: sector.parent_id for pk, sector in sectors.items()}


def _listed_under(sector_ids, parents):
    """The sectors a service is listed under: its own and their parents (the membership rule of
    lookups.sector_family: a sector and its subsectors)."""
    under = set(sector_ids)
    under.update(parents[pk] for pk in sector_ids if parents.get(pk))
    return sorted(under)


def _grouped(pairs):
    grouped = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return grouped


def _latest(*dates):
    return max((d for d in dates if d), default=None)


def _earliest(*dates):
    return min((d for d in dates if d), default=None)


SCHEDULE_FIELDS = [
    "id",
    "service_id",
    "service_at_location_id",
    "location_id",
    "closed_on_holidays",
    "valid_from",
    "valid_to",
]


def _rule_keys(period, known):
    """`OpeningPeriod.rule_keys()` of a period read as values: computed once per distinct
    period (most share their day, hours and rule), not on a model instance per row."""
    key = tuple(period.items())
    if key not in known:
        known[key] = OpeningPeriod(**period).rule_keys()
    return known[key]


def _openings(ids, sal_by_service):
    """(SearchOpening rows for the services `ids`, see the module docstring for the rule; their
    plain periods, `(service id, (weekday, opens, closes))`: search.models.whole_hours)."""
    sal_ids = {sal: sid for sid, sals in sal_by_service.items() for sal, _ in sals}
    location_ids = defaultdict(set)
    for sid, sals in sal_by_service.items():
        for _, location in sals:
            location_ids[location].add(sid)
    # A schedule with closures has no plain periods, whatever their dates: the index does not
    # depend on the day it was written (a search may be asked for another moment).
    schedules = (
        Schedule.objects.filter(
            Q(service_id__among=ids)
            | Q(service_at_location_id__among=sal_ids)
            | Q(location_id__among=location_ids)
        )
        .annotate(closing=Exists(ScheduleClosure.objects.filter(schedule=OuterRef("pk"))))
        .values(*SCHEDULE_FIELDS, "closing")
    )
    by_level = defaultdict(lambda: ([], [], []))
    for schedule in schedules:
        if schedule["service_id"]:
            by_level[schedule["service_id"]][0].append(schedule)
        elif schedule["service_at_location_id"]:
            by_level[sal_ids[schedule["service_at_location_id"]]][1].append(schedule)
        else:
            for sid in location_ids[schedule["location_id"]]:
                by_level[sid][2].append(schedule)
    chosen = {
        sid: next((level for level in levels if level), []) for sid, levels in by_level.items()
    }
    periods = defaultdict(list)  # in OpeningPeriod's own order
    fields = [f.attname for f in OpeningPeriod._meta.concrete_fields if f.attname != "id"]
    wanted = {schedule["id"] for level in chosen.values() for schedule in level}
    for period in OpeningPeriod.objects.filter(schedule_id__among=wanted).values(*fields):
        periods[period["schedule_id"]].append(period)
    rows, plain, known = [], [], {}
    for sid, level in chosen.items():
        for schedule in level:
            for period in periods[schedule["id"]]:
                opens, closes = _minutes(period["opens_at"]), _minutes(period["closes_at"])
                rule = _rule_keys({k: v for k, v in period.items() if k != "schedule_id"}, known)
                row = {
                    "service_id": sid,
                    "schedule_id": schedule["id"],
                    "weekday": period["weekday"],
                    "opens": opens,
                    "closes": closes if closes > opens else closes + 1440,
                    "closed_on_holidays": schedule["closed_on_holidays"],
                    "valid_from": _latest(schedule["valid_from"], rule["first"]),
                    "valid_to": _earliest(schedule["valid_to"], rule["last"]),
                    "nth": rule["nth"],
                    "every": rule["every"],
                    "unit": rule["unit"],
                    "anchor": rule["anchor"],
                }
                rows.append(row)
                if not schedule["closing"] and _is_plain(row):
                    plain.append((sid, (row["weekday"], row["opens"], row["closes"])))
    return rows, plain


def _is_plain(opening):
    """Is the period `opening` (an `_openings` row) open every week, without dates or rule
    (search.models.whole_hours)?"""
    return (
        opening["valid_from"] is None
        and opening["valid_to"] is None
        and opening["nth"] is None
        and opening["every"] == 1
    )


def _entries(batch, sectors_known, vocabulary, with_fts):
    sector_names, parents = sectors_known
    ids = [row["id"] for row in batch]
    sectors = _grouped(
        Service.sectors.through.objects.filter(service_id__among=ids).values_list(
            "service_id", "sector_id"
        )
    )
    languages = _grouped(
        Service.languages.through.objects.filter(service_id__among=ids).values_list(
            "service_id", "language__code"
        )
    )
    scopes = _grouped(
        (sid, served_code(territory_key(scope, code)))
        for sid, scope, code in ServiceArea.objects.filter(service_id__among=ids)
        .exclude(scope=ServiceArea.Scope.LOCAL)
        .values_list("service_id", "scope", "territory_code")
    )
    served = _grouped(
        ServiceArea.municipalities.through.objects.filter(
            servicearea__service_id__among=ids
        ).values_list("servicearea__service_id", "municipality_id")
    )
    sals = ServiceAtLocation.objects.filter(service_id__among=ids).order_by("pk")
    points, wheelchair, sal_by_service = defaultdict(list), set(), defaultdict(list)
    places, confidential_places = defaultdict(list), defaultdict(list)
    for sid, sal, location, lat, lon, confidential, kind, accessible, *place in sals.values_list(
        "service_id",
        "pk",
        "location_id",
        "location__latitude",
        "location__longitude",
        "location__is_confidential",
        "location__location_type",
        "location__wheelchair_accessible",
        "location__municipality__name_fr",
        "location__municipality__name_en",
    ):
        sal_by_service[sid].append((sal, location))
        if accessible:
            wheelchair.add(sid)
        public = public_point(lat, lon, confidential, kind) is not None
        if public and (lat, lon) not in points[sid]:
            points[sid].append((lat, lon))
        if place[0] and place not in places[sid]:
            places[sid].append(place)
        if confidential and place[0] and place not in confidential_places[sid]:
            confidential_places[sid].append(place)
    phones = _card_numbers(batch, sal_by_service)
    openings, plain = _openings(ids, sal_by_service)
    with_hours = {opening["service_id"] for opening in openings}
    weekly = _grouped((o["service_id"], (o["weekday"], o["opens"], o["closes"])) for o in openings)
    plain = _grouped(plain)
    entries, fts, cards, listings = [], [], [], []
    for row in batch:
        sid = row["id"]
        name = _join(
            row["name_fr"], row["name_en"], row["alternate_name_fr"], row["alternate_name_en"]
        )
        org = _join(
            row["organization__name_fr"],
            row["organization__name_en"],
            row["organization__alternate_name_fr"],
            row["organization__alternate_name_en"],
            *(sector_names.get(pk, "") for pk in sectors[sid]),
        )
        # The body's texts in each language, stemmed in that language only (migration 0022).
        body = _join(row["description_fr"], row["eligibility_description_fr"])
        body_en = _join(row["description_en"], row["eligibility_description_en"])
        vocabulary.update(fold(_join(name, org, body, body_en)).split())  # see vocabulary_words
        common = {
            "service_id": sid,
            "name_text": name,
            "org_text": org,
            "body_text": body,
            "body_en_text": body_en,
            "sort_name": fold(row["name_fr"])[:200],
            "sort_name_en": fold(row["name_en"] or row["name_fr"])[:200],
            "sector_keys": _keys(sectors[sid]),
            "served_keys": _keys(served[sid] + [code for code in scopes[sid] if code is not None]),
            "language_keys": _keys(languages[sid]),
            "is_free": row["is_free"],
            "wheelchair": sid in wheelchair,
            "minimum_age": row["minimum_age"],
            "maximum_age": row["maximum_age"],
            "open_hours": week_hours(weekly[sid]),
            "whole_hours": whole_hours(plain[sid]),
        }
        for n, (lat, lon) in enumerate(points[sid] or [(None, None)]):
            entries.append(dict(common, is_primary=n == 0, latitude=lat, longitude=lon))
        listings.extend(
            {
                "sector_id": pk,
                "sort_name": common["sort_name"],
                "sort_name_en": common["sort_name_en"],
                "service_id": sid,
            }
            for pk in _listed_under(sectors[sid], parents)
        )
        if with_fts:  # PostgreSQL stems in its generated column instead
            body_lexemes = _join(
                document_lexemes(body, ("french",)), document_lexemes(body_en, ("english",))
            )
            fts.append((sid, document_lexemes(name), document_lexemes(org), body_lexemes))
        organization = {
            "id": row["organization_id"],
            "slug": row["organization__slug"],
            "name_fr": row["organization__name_fr"],
            "name_en": row["organization__name_en"],
        }
        data = card_data(
            row,
            organization,
            places[sid],
            points[sid],
            phones[sid],
            sid in with_hours,
            confidential_places[sid],
        )
        cards.append({"service_id": sid, "data": data})
    return entries, fts, openings, cards, listings


def vocabulary_words(words):
    """The words of the vocabulary (typo correction) among `words` (folded), sorted."""
    return sorted(w for w in words if 3 <= len(w) <= 60)


def _card_numbers(batch, sal_by_service):
    """{service id: [number, extension, type]}: the number each service's card shows, by
    resources.calls (its own numbers, else its places', else its organization's; no fax)."""
    ids = [row["id"] for row in batch]
    locations = {location for pairs in sal_by_service.values() for _, location in pairs}
    organizations = {row["organization_id"] for row in batch}
    owned = defaultdict(list)
    rows = Phone.objects.filter(
        Q(service_id__among=ids)
        | Q(location_id__among=locations)
        | Q(organization_id__among=organizations)
    ).values_list("service_id", "location_id", "organization_id", "number", "extension", "type")
    for service_id, location_id, organization_id, *number in rows:  # in Phone's order
        number = ResultPhone(*number)
        for key in (("service", service_id), ("place", location_id), ("org", organization_id)):
            if key[1] is not None:
                owned[key].append(number)
    found = {}
    for row in batch:
        sid = row["id"]
        places = [n for _, location in sal_by_service[sid] for n in owned[("place", location)]]
        number = card_number(
            numbers_to_call(owned[("service", sid)], places, owned[("org", row["organization_id"])])
        )
        found[sid] = [number.number, number.extension, number.type] if number else None
    return found


FIELDS = [
    "id",
    "uuid",
    "slug",
    "alert_fr",
    "alert_en",
    "organization_id",
    "organization__slug",
    "name_fr",
    "name_en",
    "alternate_name_fr",
    "alternate_name_en",
    "description_fr",
    "description_en",
    "eligibility_description_fr",
    "eligibility_description_en",
    "is_free",
    "minimum_age",
    "maximum_age",
    "organization__name_fr",
    "organization__name_en",
    "organization__alternate_name_fr",
    "organization__alternate_name_en",
]


def _services_in_batches(services, service_ids):
    """The rows of FIELDS of `services`, BATCH at a time: by ranges of primary keys for the
    whole directory (never all of them in memory), by slices of `service_ids` otherwise."""
    if service_ids is not None:
        for start in range(0, len(service_ids), BATCH):
            chunk = service_ids[start : start + BATCH]
            yield list(services.filter(pk__among=chunk).values(*FIELDS))
        return
    last = 0
    while batch := list(services.filter(pk__gt=last).values(*FIELDS)[:BATCH]):
        yield batch
        last = batch[-1]["id"]


def _write(model, rows, fast, freeze=False):
    """Insert index rows given as dicts of the same keys: COPY on PostgreSQL (the table's
    default gives the ids), bulk_create elsewhere. Model instances would cost more than the
    rest of the rebuild (their __init__ was a third of it)."""
    if not rows:
        return
    if fast:
        columns = list(rows[0])
        copying.copy_rows(model._meta.db_table, columns, (list(r.values()) for r in rows), freeze)
    else:
        model.objects.bulk_create([model(**r) for r in rows], batch_size=BATCH)


ENTRY_COLUMNS = [
    "service_id",
    "name_text",
    "org_text",
    "body_text",
    "body_en_text",
    "sort_name",
    "sort_name_en",
    "sector_keys",
    "served_keys",
    "language_keys",
    "is_free",
    "wheelchair",
    "minimum_age",
    "maximum_age",
    "open_hours",
    "whole_hours",
    "is_primary",
    "latitude",
    "longitude",
]
REBUILT_TABLES = (SearchEntry, SearchOpening, SearchCard, SearchTerm, SectorListing)
# A whole live rebuild of at least this many services is followed by a REINDEX CONCURRENTLY of
# the entries: their indexes, updated row by row as the old rows went and the new came, end up
# twice their size, and the searches that read long posting lists slower (at 1,000,000
# services: GIN 520 MB against 238 built at once, synonym 45 -> 85 ms at p95; 67 s to
# reindex; docs/scale.md). A small directory's indexes are rebuilt by their own upkeep.
REINDEX_FROM = 50_000


def refresh(service_ids=None, clock=None, offline=False):
    """Rewrite the index rows of `service_ids` (every service when None); `clock`, a
    search.bench StageClock, times the stages. `offline` (a whole rebuild on PostgreSQL for a
    database nobody searches meanwhile, as the benchmark's): the index tables are emptied with
    TRUNCATE and written with COPY FREEZE (no VACUUM needed after), the entry and vocabulary
    tables' secondary indexes dropped and built once at the end, faster than kept row by row;
    but the tables stay locked until the end instead of showing the old index meanwhile."""
    sqlite = connection.vendor == "sqlite"
    fast = copying.available()
    stage = clock.stage if clock else _no_clock
    offline = offline and fast and service_ids is None
    # TRUNCATE and FREEZE only in a transaction of our own (not a test's).
    freeze = offline and not connection.in_atomic_block
    with transaction.atomic():
        tables = [
            SearchEntry.objects.all(),
            SearchOpening.objects.all(),
            SearchCard.objects.all(),
            SectorListing.objects.all(),
        ]
        services = Service.objects.active().order_by("pk")
        if service_ids is not None:
            service_ids = sorted(set(service_ids))
            tables = [rows.filter(service_id__in=service_ids) for rows in tables]
            before = counts.primary_rows(service_ids)
        with stage("index: delete"):
            if freeze:
                # The entries are written on a connection of their own (below), which empties
                # their table itself.
                others = [m._meta.db_table for m in REBUILT_TABLES if m is not SearchEntry]
                freeze = copying.truncate(others)
            if not freeze:
                for rows in tables:
                    rows._raw_delete(rows.db)
                if sqlite:
                    _delete_fts(service_ids)
                if service_ids is None:
                    terms = SearchTerm.objects.all()
                    terms._raw_delete(terms.db)
        rebuilt = [SearchEntry, SearchTerm, SectorListing] if offline else []
        rebuilt = [model._meta.db_table for model in rebuilt]
        if freeze:
            rebuilt.remove(SearchEntry._meta.db_table)
            entries = copying.side_stream(
                SearchEntry._meta.db_table,
                ENTRY_COLUMNS,
                clock_stage=_prefixed(stage, "entries: "),
                pids=getattr(clock, "backends", None),
            )
        else:
            entries = contextlib.nullcontext()
        with (
            entries as write_entry,
            copying.secondary_indexes_dropped(rebuilt, clock_stage=_prefixed(stage)),
        ):
            total = _write_index(services, service_ids, stage, fast, freeze, write_entry)
        with stage("index: counts"):
            if service_ids is None:
                counts.recompute()
            else:
                counts.adjust(before, counts.primary_rows(service_ids))
        if service_ids is None and connection.vendor == "postgresql":
            # Fresh statistics for the planner: without them, at 100,000 services, the
            # vocabulary lookup scanned its whole table (10 ms instead of 1).
            with stage("index: analyze"), connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {', '.join(t._meta.db_table for t in INDEX_TABLES)}")
            engine_postgres.forget_statistics()  # the words' frequencies, read again
    if freeze:
        # The entries' streams wrote without FREEZE (copying.side_stream): their pages made
        # visible now that no transaction older than theirs runs.
        with stage("index: entries: vacuum"):
            copying.vacuum_after(SearchEntry._meta.db_table)
    live_whole = service_ids is None and not offline and total >= REINDEX_FROM
    if live_whole and fast and not connection.in_atomic_block:
        with stage("index: entries: reindex"):
            copying.reindex_concurrently(SearchEntry._meta.db_table)
    return total


def _prefixed(stage, prefix=""):
    return lambda name: stage(f"index: {prefix}{name}")


def _write_index(services, service_ids, stage, fast, freeze, write_entry=None):
    """Compose and write the index rows of `services`; the entries through `write_entry` (a
    row at a time, in ENTRY_COLUMNS' order) when given."""
    sqlite = connection.vendor == "sqlite"
    sectors_known, vocabulary, total = _sector_names(), set(), 0
    batches = _services_in_batches(services, service_ids)
    while True:
        with stage("index: read services"):
            batch = next(batches, None)
        if not batch:
            break
        total += len(batch)
        with stage("index: compose (Python)"):
            entries, fts, openings, cards, listings = _entries(
                batch, sectors_known, vocabulary, sqlite
            )
        with stage("index: write entries"):
            if write_entry:
                for entry in entries:
                    write_entry([entry[column] for column in ENTRY_COLUMNS])
            else:
                _write(SearchEntry, entries, fast, freeze)
        with stage("index: write openings and cards"):
            _write(SearchOpening, openings, fast, freeze)
            _write(SearchCard, cards, fast, freeze)
            _write(SectorListing, listings, fast, freeze)
        if sqlite:
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO search_fts (rowid, name, org, body) VALUES (%s, %s, %s, %s)",
                    fts,
                )
    with stage("index: vocabulary"):
        if service_ids is None and fast:  # an empty table: no conflict possible
            copying.copy_rows(
                SearchTerm._meta.db_table,
                ["word"],
                ((w,) for w in vocabulary_words(vocabulary)),
                freeze,
            )
        else:
            SearchTerm.objects.bulk_create(
                [SearchTerm(word=w) for w in vocabulary_words(vocabulary)],
                batch_size=BATCH,
                ignore_conflicts=True,
            )
    return total


@contextlib.contextmanager
def _no_clock(name):
    yield


def _delete_fts(service_ids):
    with connection.cursor() as cursor:
        if service_ids is None:
            cursor.execute("DELETE FROM search_fts")
        else:
            for start in range(0, len(service_ids), 500):
                chunk = service_ids[start : start + 500]
                marks = ",".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM search_fts WHERE rowid IN ({marks})", chunk)


def refresh_touched(service_ids):
    """Refresh `service_ids` now, or at the end of the enclosing `deferred_refresh()`."""
    pending = getattr(_deferred, "pending", None)
    if pending is None:
        refresh(service_ids)
    else:
        pending.update(service_ids)


@contextlib.contextmanager
def deferred_refresh():
    """Hold the refreshes of the edits made in this block (this thread only) and refresh the
    touched services once on leaving it; nothing when the block fails (its transaction is
    rolled back). Yields the set of touched ids: clear it to skip the refresh (a dry run)."""
    outer = getattr(_deferred, "pending", None)
    pending = set()
    _deferred.pending = pending
    try:
        yield pending
    finally:
        _deferred.pending = outer
    if outer is not None:
        outer.update(pending)
    elif pending:
        refresh(pending)

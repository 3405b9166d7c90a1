"""Synthetic bench data: plausible bilingual services over southern Québec, to measure search
at scale.

Rows are composed from search/bench/vocabulary.py (the demo directory's names and descriptions
when fixtures/demo/*.json exist, else built-in bilingual 211 vocabulary) and placed as
docs/engineering-notes.md describes: about 40 % in ±25 km boxes around Repentigny and Montréal, the
rest scattered over southern Québec. Services come in batches of SERVICES_PER_BATCH, each batch
composed by its own `random.Random` seeded with the seed and the batch's number, so a seed (with
the same demo files and reference data) always gives the same slugs, UUIDs and coordinates,
whichever process composes a batch (ParallelComposer, the bulk path on PostgreSQL).

Every bench record hangs off an organization whose slug starts with `bench-`. Records are written
with bulk_create and removed with one DELETE per table: no save() and no delete signals, so
django-simple-history records no history for them — bench data is not an editor's work, and a
million history rows would only slow the benchmark down.
"""

import collections
import datetime
import enum
import functools
import math
import multiprocessing
import random
import uuid
from dataclasses import dataclass, field, fields

from django.db import connection, models
from django.utils import timezone
from modeltranslation.translator import translator

from resources.models import (
    Language,
    Location,
    Municipality,
    OpeningPeriod,
    Organization,
    Phone,
    PostalPrefix,
    Schedule,
    Sector,
    Service,
    ServiceArea,
    ServiceAtLocation,
)

from .. import copying
from .vocabulary import (
    GENERIC_SENTENCES,
    OPENING_SENTENCES,
    ORGANIZATION_KINDS,
    OTHER_LANGUAGES,
    PROPER_NAMES,
    PUBLICS,
    STREETS,
)

BENCH_PREFIX = "bench-"
REPENTIGNY, MONTREAL = (45.7422, -73.4501), (45.5089, -73.5617)
BOX_KM = 25
SOUTHERN_QUEBEC = (45.0, 48.5, -79.5, -64.5)  # latitudes, then longitudes
KM_PER_DEGREE = 111.32
# Assured dates are spread back from a fixed day (not today) so that a seed gives the same rows.
REFERENCE_DAY = datetime.date(2026, 11, 1)

POSTAL_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"

# Services per Batch: the unit of composing and writing, each seeded on its own
# (BenchGenerator.batch).
SERVICES_PER_BATCH = 3000


@dataclass
class Batch:
    """Rows of a slice of organizations, in the order they must be inserted."""

    organizations: list = field(default_factory=list)
    locations: list = field(default_factory=list)
    phones: list = field(default_factory=list)
    services: list = field(default_factory=list)
    service_at_locations: list = field(default_factory=list)
    service_sectors: list = field(default_factory=list)
    service_languages: list = field(default_factory=list)
    service_areas: list = field(default_factory=list)
    service_area_municipalities: list = field(default_factory=list)
    schedules: list = field(default_factory=list)
    opening_periods: list = field(default_factory=list)

    def tables(self):
        return [(f.name, getattr(self, f.name)) for f in fields(self)]

    @staticmethod
    def models():
        """The models of a batch's tables, in the order of `tables()`."""
        return [
            Organization,
            Location,
            Phone,
            Service,
            ServiceAtLocation,
            Service.sectors.through,
            Service.languages.through,
            ServiceArea,
            ServiceArea.municipalities.through,
            Schedule,
            OpeningPeriod,
        ]


def _km(lat1, lon1, lat2, lon2):
    """Distance in km, flat-earth: plenty for picking the nearest of a few places."""
    dx = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return KM_PER_DEGREE * math.hypot(lat2 - lat1, dx)


def _km_per_degree_east(lat):
    return KM_PER_DEGREE * math.cos(math.radians(lat))


class Row:
    """One row to write: its model and column values by field name (a foreign key as the
    parent's Row, or as `<name>_id`). Composing a million model instances cost more than
    writing them (Model.__init__ and modeltranslation's were half the generator's time)."""

    __slots__ = ("model", "values", "pk")

    def __init__(self, model, values):
        set_slot = object.__setattr__
        set_slot(self, "model", model)
        set_slot(self, "values", values)
        set_slot(self, "pk", None)

    def __getattr__(self, name):
        return self.values.get(name)  # None when not given, as a new instance's field

    def __setattr__(self, name, value):
        if name in Row.__slots__:
            object.__setattr__(self, name, value)
        else:
            self.values[name] = value


def _new(model, **values):
    return Row(model, values)


@functools.cache
def _columns(model):
    """[(column, field name, attname, translated from, default)] of `model`'s concrete fields:
    an untranslated column (`name`) takes the French text (`name_fr`), as the admin writes it."""
    options = translator.get_options_for_model(model) if _translated(model) else None
    base = {name: f"{name}_fr" for name in (options.all_fields if options else ())}
    columns = []
    for f in model._meta.concrete_fields:
        default = None
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            default = timezone.now
        elif f.has_default():
            default = f.default if callable(f.default) else (lambda value=f.default: value)
        elif not f.null and f.empty_strings_allowed:
            default = str
        columns.append((f.column, f.name, f.attname, base.get(f.name), default))
    return columns


def _translated(model):
    try:
        translator.get_options_for_model(model)
    except Exception:  # modeltranslation's NotRegistered
        return False
    return True


def _instance(row):
    """The model instance of `row` for bulk_create (its parents already have their ids)."""
    values = {}
    for key, value in row.values.items():
        if isinstance(value, Row):
            values[f"{key}_id"] = value.pk
        else:
            values[key] = value
    return row.model(**values)


def _copy(rows, freeze=False):
    """COPY `rows` (of one model) with ids reserved from its sequence."""
    model = rows[0].model
    for row, pk in zip(rows, copying.reserve_ids(model, len(rows)), strict=True):
        row.pk = pk
    columns = [c[0] for c in _columns(model)]
    copying.copy_rows(model._meta.db_table, columns, _records(rows), freeze)


def _records(rows):
    """The COPY records (lists of column values) of `rows` (of one model), whose ids and
    parents' ids are set."""
    model = rows[0].model
    plans, now = {}, timezone.now()
    records = []
    for row in rows:
        values = row.values
        shape = tuple(values)
        plan = plans.get(shape) or plans.setdefault(shape, _plan(model, shape, now))
        sources, parents, choices, french, calls = plan
        record = [values[key] if key is not None else default for key, default in sources]
        for i in parents:
            record[i] = record[i].pk
        for i in choices:
            if isinstance(record[i], enum.Enum):
                record[i] = record[i].value
        for i, default in french:
            if record[i] is None:
                record[i] = default
        for i, default in calls:
            record[i] = default()
        record[0] = row.pk
        records.append(record)
    return records


def _plan(model, shape, now):
    """How a row of `model` whose values have the keys `shape` gives each column, worked out
    once per shape instead of once per value: a parent Row gives its pk, else the attname's
    value, else the French text, else the default. Returns ([(key or None, default)], positions
    of parent Rows, of choices, [(position, default)] of French fallbacks and of defaults to
    call per row). The first column is the primary key."""
    columns = _columns(model)
    assert columns[0][1] == "id"
    with_choices = {f.name for f in model._meta.concrete_fields if f.choices}
    present = set(shape)
    sources, parents, choices, french_fallbacks, calls = [], [], [], [], []
    for i, (_, name, attname, french, default) in enumerate(columns):
        if default is timezone.now:
            default_value = now
        elif default is str or getattr(default, "__name__", "") == "<lambda>":
            default_value = default()
        elif default is not None:
            default_value = None
            calls.append((i, default))
        else:
            default_value = None
        if name in present:
            sources.append((name, None))
            if name != attname:  # a foreign key given as its parent's Row
                parents.append(i)
        elif attname in present:
            sources.append((attname, None))
        elif french in present:
            sources.append((french, None))
            french_fallbacks.append((i, default_value))
        else:
            sources.append((None, default_value))
            continue
        calls = [(j, d) for j, d in calls if j != i]
        if name in with_choices:
            choices.append(i)
    return sources, parents, choices, french_fallbacks, calls


def _bulk_create(rows, batch_size):
    instances = [_instance(row) for row in rows]
    rows[0].model.objects.bulk_create(instances, batch_size=batch_size)
    for row, instance in zip(rows, instances, strict=True):
        row.pk = instance.pk


def _time(text):
    return datetime.time.fromisoformat(text)


def in_bench_box(lat, lon, centre):
    """Inside the ±25 km box around `centre` (Repentigny or Montréal)?"""
    half_lat = BOX_KM / KM_PER_DEGREE
    half_lon = half_lat / math.cos(math.radians(centre[0]))
    return abs(lat - centre[0]) <= half_lat and abs(lon - centre[1]) <= half_lon


class BenchGenerator:
    """Composes bench rows, one Batch per SERVICES_PER_BATCH services, each from a generator of
    its own seeded with `seed` and its number (`batch`)."""

    def __init__(self, seed, topics, organization_names=()):
        self.seed = seed
        self.rng = None  # set by each batch
        subsectors = Sector.objects.filter(parent__isnull=False).order_by("slug")
        self.sectors = dict(subsectors.values_list("slug", "id"))
        theme_of = dict(subsectors.values_list("slug", "parent__slug"))
        self.siblings = {s: [o for o in theme_of if theme_of[o] == theme_of[s]] for s in theme_of}
        self.topics = [t for t in topics if t.sector in self.sectors]
        self.topics_by_theme = {}
        for topic in self.topics:
            bucket = self.topics_by_theme.setdefault(theme_of[topic.sector], [])
            bucket.extend([topic] * topic.weight)
        self.themes = sorted(self.topics_by_theme)
        self.organization_names = list(organization_names)
        self.languages = dict(Language.objects.values_list("code", "id"))
        self.municipalities = list(
            Municipality.objects.order_by("slug").values_list("id", "latitude", "longitude")
        )
        self.place_names = dict(Municipality.objects.values_list("id", "name_fr"))
        # The MRC and region of each place (a whole-territory area covers its location's own).
        self.territories = {
            pk: (mrc, region)
            for pk, mrc, region in Municipality.objects.values_list("id", "mrc_code", "region_code")
        }
        self.regions = sorted({region for _mrc, region in self.territories.values() if region})
        self.prefixes = list(
            PostalPrefix.objects.order_by("code").values_list("code", "latitude", "longitude")
        )

    def uuid(self):
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def batch_count(self, service_count):
        return -(-service_count // SERVICES_PER_BATCH)

    def batches(self, service_count):
        """Yield the Batches of `service_count` services in order (`batch`)."""
        for number in range(self.batch_count(service_count)):
            yield self.batch(number, service_count)

    def batch(self, number, service_count):
        """Batch `number` of a load of `service_count` services: SERVICES_PER_BATCH services
        (fewer in the last), about three per organization, from a generator seeded with the
        seed and the batch's number, so that a batch is the same whichever process composes it
        and in whatever order (ParallelComposer). Its organizations are numbered from
        `number × SERVICES_PER_BATCH` (a batch never has more organizations than services)."""
        self.rng = random.Random(f"{self.seed}:{number}")
        first = number * SERVICES_PER_BATCH
        wanted_here = min(SERVICES_PER_BATCH, service_count - first)
        batch, made, organization = Batch(), 0, first
        while made < wanted_here:
            organization += 1
            wanted = self.rng.choices((1, 2, 3, 4, 5, 7), (25, 25, 20, 12, 10, 8))[0]
            made += self._organization(
                batch, organization, first + made, min(wanted, wanted_here - made)
            )
        return batch

    def _point(self):
        roll = self.rng.random()
        if roll < 0.4:
            lat, lon = REPENTIGNY if roll < 0.2 else MONTREAL
            # Peaked at the centre and bounded by the box, as a town's services are.
            km_north = self.rng.triangular(-BOX_KM, BOX_KM, 0)
            km_east = self.rng.triangular(-BOX_KM, BOX_KM, 0)
            lat, lon = lat + km_north / KM_PER_DEGREE, lon + km_east / _km_per_degree_east(lat)
        else:
            south, north, west, east = SOUTHERN_QUEBEC
            lat, lon = self.rng.uniform(south, north), self.rng.uniform(west, east)
        return round(lat, 6), round(lon, 6)

    def _postal_code(self, lat, lon):
        """The FSA of the reference data when one is near, else one of the right letter."""
        distance, fsa = min((_km(lat, lon, p_lat, p_lon), c) for c, p_lat, p_lon in self.prefixes)
        rng, letters = self.rng, POSTAL_LETTERS
        if distance > 12:
            if in_bench_box(lat, lon, MONTREAL) and lat < 45.7:
                area = "H"  # Montréal island and Laval
            elif lon > -71.5 or (lon > -72.6 and lat > 46):
                area = "G"  # the east: Mauricie, Québec City, Bas-Saint-Laurent...
            else:
                area = "J"  # the west and south
            fsa = f"{area}{rng.randint(1, 9)}{rng.choice(letters)}"
        return f"{fsa} {rng.randint(0, 9)}{rng.choice(letters)}{rng.randint(0, 9)}"

    def _organization(self, batch, number, services_before, service_count):
        rng = self.rng
        theme = rng.choice(self.themes)
        if self.organization_names and rng.random() < 0.3:
            name_fr, name_en = rng.choice(self.organization_names)
        else:
            (kind_fr, kind_en), proper = rng.choice(ORGANIZATION_KINDS), rng.choice(PROPER_NAMES)
            name_fr, name_en = f"{kind_fr} {proper}", f"{kind_en} {proper}"
        slug, year = f"{BENCH_PREFIX}org-{number:07d}", rng.randint(1965, 2022)
        org = _new(
            Organization,
            uuid=self.uuid(),
            slug=slug,
            name_fr=name_fr,
            name_en=name_en,
            description_fr=f"{name_fr} est un organisme communautaire fondé en {year}.",
            description_en=f"{name_en} is a community organization founded in {year}.",
            website=f"https://{slug}.example.org",
            email=f"info@{slug}.example.org",
            year_incorporated=year,
        )
        batch.organizations.append(org)
        roll = rng.random()
        location_count = 0 if roll < 0.06 else 1 if roll < 0.8 else 2
        confidential = theme == "violence" or rng.random() < 0.02
        locations = [self._location(org, key, confidential) for key in range(location_count)]
        if not locations and rng.random() < 0.4:
            locations.append(
                _new(
                    Location,
                    uuid=self.uuid(),
                    organization=org,
                    location_type=Location.Type.VIRTUAL,
                    name_fr="En ligne",
                    name_en="Online",
                )
            )
        batch.locations += locations
        batch.phones.append(
            _new(
                Phone,
                uuid=self.uuid(),
                organization=org,
                number=f"{rng.choice(('450', '514', '579'))} 555-01{rng.randint(0, 99):02d}",
                description_fr="Accueil",
                description_en="Reception",
            )
        )
        for offset in range(service_count):
            topics = self.topics_by_theme[theme] if rng.random() < 0.8 else self.topics
            self._service(batch, org, locations, rng.choice(topics), services_before + offset + 1)
        return service_count

    def _location(self, org, key, confidential):
        lat, lon = self._point()
        municipality_id = min(self.municipalities, key=lambda m: _km(lat, lon, m[1], m[2]))[0]
        location = _new(
            Location,
            uuid=self.uuid(),
            organization=org,
            name_fr="Siège social" if key == 0 else "Point de service",
            name_en="Head office" if key == 0 else "Service point",
            address_1=f"{self.rng.randint(10, 2999)}, {self.rng.choice(STREETS)}",
            municipality_id=municipality_id,
            postal_code=self._postal_code(lat, lon),
            latitude=lat,
            longitude=lon,
            wheelchair_accessible=self.rng.random() < 0.6,
        )
        if confidential:  # a shelter: only its municipality may be known
            location.is_confidential, location.address_1, location.postal_code = True, "", ""
            location.latitude = location.longitude = None
        return location

    def _service(self, batch, org, locations, topic, number):
        rng = self.rng
        offered_at = (
            [rng.choice(locations)] if len(locations) > 1 and rng.random() < 0.3 else locations
        )
        places = [
            self.place_names[loc.municipality_id] for loc in offered_at if loc.municipality_id
        ]
        name_fr, name_en = topic.name_fr, topic.name_en
        if places and rng.random() < 0.3:
            name_fr, name_en = f"{name_fr} ({places[0]})", f"{name_en} ({places[0]})"
        public_fr, public_en = rng.choice(PUBLICS)
        opening_fr, opening_en = rng.choice(OPENING_SENTENCES)
        words = {
            "term": topic.name_fr,
            "term_en": topic.name_en,
            "year": org.year_incorporated,
            "public_fr": public_fr,
            "public_en": public_en,
            "place_fr": f"dans le secteur de {places[0]}" if places else "dans toute la région",
            "place_en": f"in the {places[0]} area" if places else "across the region",
        }
        text_fr = [opening_fr.format(org=org.name_fr, **words), topic.text_fr]
        text_en = [opening_en.format(org=org.name_en, **words), topic.text_en]
        for fr, en in rng.sample(GENERIC_SENTENCES, 8):
            if sum(map(len, text_fr)) > 440:  # about 1 KB of text with the English and the names
                break
            text_fr.append(fr)
            text_en.append(en)
        is_free = rng.random() < 0.75
        status = rng.choices(list(Service.Status), (95, 1, 1, 3))[0]
        closed = status == Service.Status.TEMPORARILY_CLOSED
        minimum_age, maximum_age = self._ages(topic.sector)
        stale = rng.random() < 0.15  # the staff's verification queue: older than twelve months
        service = _new(
            Service,
            uuid=self.uuid(),
            organization=org,
            slug=f"{BENCH_PREFIX}{number:07d}-{topic.slug}",
            name_fr=name_fr[:200],
            name_en=name_en[:200],
            description_fr=" ".join(filter(None, text_fr)),
            description_en=" ".join(filter(None, text_en)),
            status=status,
            alert_fr="Fermé temporairement pour travaux." if closed else None,
            alert_en="Temporarily closed for renovations." if closed else None,
            eligibility_description_fr=f"Ce service s'adresse {public_fr}.",
            eligibility_description_en=f"This service is for {public_en}.",
            minimum_age=minimum_age,
            maximum_age=maximum_age,
            is_free=is_free,
            fees_description_fr=None if is_free else "Contribution de 2 $ à 10 $ selon le revenu.",
            fees_description_en=None if is_free else "From $2 to $10 depending on income.",
            assured_date=REFERENCE_DAY
            - datetime.timedelta(days=rng.randint(366, 880) if stale else rng.randint(0, 365)),
        )
        batch.services.append(service)
        batch.service_at_locations += [
            _new(ServiceAtLocation, uuid=self.uuid(), service=service, location=location)
            for location in offered_at
        ]
        sectors = {topic.sector}
        if rng.random() < 0.25:
            sectors.add(rng.choice(self.siblings[topic.sector]))
        batch.service_sectors += [
            _new(Service.sectors.through, service=service, sector_id=self.sectors[slug])
            for slug in sorted(sectors)
        ]
        codes = ["fra"] + ["eng"] * (rng.random() < 0.65)
        codes += [rng.choice(OTHER_LANGUAGES)] * (rng.random() < 0.12)
        batch.service_languages += [
            _new(Service.languages.through, service=service, language_id=self.languages[code])
            for code in codes
            if code in self.languages
        ]
        self._area(batch, service, offered_at)
        if rng.random() < 0.85:
            self._schedule(batch, service)

    def _ages(self, sector):
        roll = self.rng.random()
        if sector in ("youth-centres", "youth-shelter", "youth-outreach", "school-support"):
            return (12, 17) if roll < 0.6 else (6, 17) if roll < 0.8 else (12, 25)
        if sector in self.siblings.get("home-support-seniors", ()):
            return (65, None) if roll < 0.7 else (50, None)
        return (18, None) if roll < 0.1 else (None, None)

    def _area(self, batch, service, offered_at):
        """Mostly the municipalities of its locations; else a whole territory: the MRC or region
        of its first location's place (several MRCs and regions of the gazetteer: see
        docs/scale.md), a region at random for a service without a place."""
        municipality_ids = sorted(
            {loc.municipality_id for loc in offered_at if loc.municipality_id}
        )
        if municipality_ids and self.rng.random() < 0.7:
            scope = "local"
        elif municipality_ids:
            scope = self.rng.choices(("mrc", "region", "metro", "province"), (40, 33, 17, 10))[0]
        else:
            scope = self.rng.choices(("region", "metro", "province"), (40, 20, 40))[0]
        mrc, region = next(
            (self.territories[loc.municipality_id] for loc in offered_at if loc.municipality_id),
            ("", ""),
        )
        if scope == "mrc" and not mrc:
            scope = "region"  # Montréal, Laval: a region without MRCs
        if scope == "region" and not region:
            region = self.rng.choice(self.regions) if self.regions else ""
        territory = {"mrc": mrc, "region": region}.get(scope, "")
        area = _new(
            ServiceArea, uuid=self.uuid(), service=service, scope=scope, territory_code=territory
        )
        batch.service_areas.append(area)
        if scope == "local":
            batch.service_area_municipalities += [
                _new(ServiceArea.municipalities.through, servicearea=area, municipality_id=pk)
                for pk in municipality_ids
            ]

    def _schedule(self, batch, service):
        """Office hours mostly; some evenings, weekends, overnight shelters and 24/7 lines."""
        rng = self.rng
        kind = rng.choices(("office", "evening", "always", "weekend", "night"), (60, 14, 9, 10, 7))
        kind = kind[0]
        by_appointment = rng.random() < 0.2
        schedule = _new(
            Schedule,
            uuid=self.uuid(),
            service=service,
            closed_on_holidays=kind != "always",
            description_fr="Sur rendez-vous" if by_appointment else None,
            description_en="By appointment" if by_appointment else None,
        )
        batch.schedules.append(schedule)
        if kind == "office" and rng.random() < 0.5:
            periods = [(day, "08:30", "16:30") for day in range(5)]
        elif kind == "office":
            periods = [(day, "09:00", "12:00") for day in range(5)]
            periods += [(day, "13:00", "16:30") for day in range(5)]
        elif kind == "evening":
            days = sorted(rng.sample(range(5), rng.randint(1, 3)))
            periods = [(day, "18:00", "21:00") for day in days]
        elif kind == "always":  # 00:00 to 00:00 is a whole day
            periods = [(day, "00:00", "00:00") for day in range(7)]
        elif kind == "weekend":
            periods = [(5, "10:00", "16:00"), (6, "12:00", "16:00")]
        else:  # an overnight shelter: opens in the evening, closes the next morning
            periods = [(day, "21:00", "08:00") for day in range(7)]
        batch.opening_periods += [
            _new(
                OpeningPeriod,
                schedule=schedule,
                weekday=day,
                opens_at=_time(opens),
                closes_at=_time(closes),
            )
            for day, opens, closes in periods
        ]


def insert_batch(batch, clock, counts, batch_size=2000, freeze=False):
    """Write each table of `batch`, parents first (their new ids fill the children's keys): with
    COPY on PostgreSQL (search/copying.py; `freeze` after `truncate_bench_tables`), else
    bulk_create. Returns the path taken."""
    fast = copying.available()
    for label, rows in batch.tables():
        if rows:
            with clock.stage(label):
                if fast:
                    _copy(rows, freeze)
                else:
                    _bulk_create(rows, batch_size)
            counts[label] = counts.get(label, 0) + len(rows)
    return "COPY" if fast else "bulk_create"


# Ids of one table in one batch, at most (opening periods: up to 10 per schedule, one schedule
# per service): batch n's rows take the ids from n × ID_STRIDE past the first id reserved.
ID_STRIDE = 10 * SERVICES_PER_BATCH

# What the composing processes need, set before they are forked (ParallelComposer.run).
_COMPOSING = {}


class ParallelComposer:
    """Composes the batches in worker processes (forked: they inherit the generator) and writes
    them with COPY, in order, on this process's connection and in its transaction (FREEZE
    after `truncate_bench_tables`): Python's work (composing rows, turning them into COPY
    text) runs on every core, where one process's threads shared one (measured at 1,000,000
    services, docs/scale.md). Each table's ids are reserved from its sequence for the whole
    load first (ID_STRIDE per batch, gaps left), so that a worker sets the ids and parents' ids
    of its batch without the database; the workers never touch the database (the connection
    they inherit is never used, nor closed). At most `window` batches are composed ahead of
    the writing."""

    def __init__(self, generator, service_count, clock, counts, freeze, processes=2, window=4):
        self.generator, self.service_count = generator, service_count
        self.clock, self.counts, self.freeze = clock, counts, freeze
        self.processes, self.window = processes, window

    def _reserve(self):
        """{table: first id}: ID_STRIDE ids per batch, per table, taken from its sequence."""
        size = self.generator.batch_count(self.service_count) * ID_STRIDE
        first = {}
        with connection.cursor() as cursor:
            for model in Batch.models():
                table = model._meta.db_table
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                    [table, table, size],
                )
                first[table] = cursor.fetchone()[0] - size + 1
        return first

    def run(self):
        batches = self.generator.batch_count(self.service_count)
        _COMPOSING.update(
            generator=self.generator, services=self.service_count, first=self._reserve()
        )
        context = multiprocessing.get_context("fork")
        try:
            with context.Pool(self.processes) as pool:
                waiting = collections.deque()
                for number in range(batches):
                    waiting.append(pool.apply_async(_compose_copies, (number,)))
                    if len(waiting) >= self.window:
                        self._write(waiting.popleft())
                while waiting:
                    self._write(waiting.popleft())
        finally:
            _COMPOSING.clear()

    def _write(self, pending):
        with self.clock.stage("compose (processes)"):
            tables = pending.get()
        for label, table, columns, data, count in tables:
            with self.clock.stage(label):
                copying.copy_data(table, columns, data, self.freeze)
            self.counts[label] = self.counts.get(label, 0) + count


def _compose_copies(number):
    """In a worker process: batch `number` as [(label, table, columns, COPY text, rows)]."""
    batch = _COMPOSING["generator"].batch(number, _COMPOSING["services"])
    pairs = zip(batch.tables(), Batch.models(), strict=True)
    tables = [(label, rows, model) for (label, rows), model in pairs]
    for label, rows, model in tables:  # every id first: a record reads its parents'
        if len(rows) > ID_STRIDE:
            raise RuntimeError(f"{label}: {len(rows)} rows in a batch, over {ID_STRIDE}")
        first = _COMPOSING["first"][model._meta.db_table] + number * ID_STRIDE
        for offset, row in enumerate(rows):
            row.pk = first + offset
    found = []
    for label, rows, model in tables:
        if rows:
            columns = [c[0] for c in _columns(model)]
            data = copying.copy_text(_records(rows))
            found.append((label, model._meta.db_table, columns, data, len(rows)))
    return found


def bench_tables():
    """The tables of the bench records: `Organization`'s and those its deletion cascades to
    (many-to-many tables included), parents first; with each, its foreign keys to the others."""
    tables = {}

    def walk(model):
        for relation in model._meta.get_fields(include_hidden=True):
            if relation.auto_created and getattr(relation, "on_delete", None) is models.CASCADE:
                child = relation.related_model
                tables.setdefault(child, set()).add(relation.field.attname)
                walk(child)

    tables[Organization] = set()
    walk(Organization)
    return tables


def only_bench_rows(tables):
    """Is every row of `tables` (from `bench_tables`) a bench record? Then TRUNCATE may replace
    the row-by-row DELETE. Top down: every organization is a bench one, and every row of the
    other tables hangs off a row of one of them (all bench, by the same reasoning)."""
    if Organization.objects.exclude(slug__startswith=BENCH_PREFIX).exists():
        return False
    for model, keys in tables.items():
        if keys and model._base_manager.filter(**dict.fromkeys(keys)).exists():
            return False
    return True


def truncate_bench_tables():
    """Empty the bench tables with one TRUNCATE, when they hold only bench records (the rows
    can then be written with COPY FREEZE in this transaction); False when it was not done."""
    tables = bench_tables()
    if not copying.available() or not only_bench_rows(tables):
        return False
    return copying.truncate([model._meta.db_table for model in tables])


def delete_bench_records():
    """Delete the `bench-` organizations and everything that cascades from them, one DELETE per
    table; returns {model label: rows deleted}. Non-bench rows are never touched."""
    counts = {}
    _delete_cascading(Organization.objects.filter(slug__startswith=BENCH_PREFIX), counts)
    return {label: n for label, n in counts.items() if n}


def _delete_cascading(queryset, counts):
    # Walks the CASCADE relations as Django's Collector would, but in SQL: the Collector loads
    # every object and sends the delete signals simple_history listens to (a history row each).
    # Hidden relations include the many-to-many tables; history tables are DO_NOTHING, skipped.
    for relation in queryset.model._meta.get_fields(include_hidden=True):
        if relation.auto_created and getattr(relation, "on_delete", None) is models.CASCADE:
            related = relation.related_model._base_manager.filter(
                **{f"{relation.field.name}__in": queryset.values("pk")}
            )
            _delete_cascading(related, counts)
    label = queryset.model._meta.label
    counts[label] = counts.get(label, 0) + queryset._raw_delete(queryset.db)

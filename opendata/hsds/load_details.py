"""Import steps for what hangs off the main records: phones, schedules, service areas,
languages, prices and change history (metadata)."""

import datetime
import re
from collections import Counter
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from resources.folding import fold
from resources.languages import iso_639_2
from resources.models import (
    CostOption,
    Language,
    Location,
    Municipality,
    OpeningPeriod,
    Organization,
    Phone,
    Schedule,
    ScheduleClosure,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from resources.models.reference import TERRITORY_FIELDS, home_territory
from resources.text_limits import too_long
from search import lookups

from . import history
from .load_core import parse_date
from .profile import PREFIX, get_text
from .rows import WEEKDAYS, derived_area_name

BYDAY = re.compile(r"(?P<nth>[+-]?\d{1,2})?(?P<day>MO|TU|WE|TH|FR|SA|SU)")
PERIOD_FIELDS = (
    "weekday",
    "opens_at",
    "closes_at",
    "frequency",
    "interval",
    "week_of_month",
    "starts_on",
    "ends_on",
    "count",
)


def period_key(period):
    return tuple(getattr(period, name) for name in PERIOD_FIELDS)


X = PREFIX
OWNERS = (
    ("service_at_location_id", "service_at_location", ServiceAtLocation),
    ("service_id", "service", Service),
    ("location_id", "location", Location),
)


def territory_scope(name, places):
    """(scope, territory code) a feed's service-area name designates when it names no
    municipality: an MRC of the gazetteer ("MRC de Joliette", "Joliette" is a municipality's
    name first) or a region ("Lanaudière"); else ("local", "")."""
    if places or not name:
        return "local", ""
    key = fold(name)
    for place in lookups.municipalities():
        if place.mrc_code and place.mrc_name and key == fold(f"MRC de {place.mrc_name}"):
            return "mrc", place.mrc_code
    for place in lookups.municipalities():
        if place.mrc_code and place.mrc_name and key == fold(place.mrc_name):
            return "mrc", place.mrc_code
        if place.region_code and place.region_name and key == fold(place.region_name):
            return "region", place.region_code
    return "local", ""


def stored_territory(scope, code):
    """The `territory_code` kept for a feed's territory: blank for the site's home MRC or
    region (the same territory, as staff's blank choice means) and for the other scopes."""
    if scope not in TERRITORY_FIELDS or not code or code == home_territory(scope):
        return ""
    return code


class DetailLoading:
    def owners(self, table, row, kinds):
        """{field: record} for the owner references a row makes; unknown ones are errors."""
        found = {}
        for column, name, model in kinds:
            if row.get(column) and row[column] not in self.skipped:
                obj = self.known(model, row[column])
                if obj is None:
                    self.fail(table, row, column, f"unknown {name} '{row[column]}'")
                else:
                    found[name] = obj
        return found

    def load_phones(self):
        kinds = (
            ("organization_id", "organization", Organization),
            ("service_id", "service", Service),
            ("location_id", "location", Location),
        )
        types = {choice.value for choice in Phone.Type}
        for row in self.rows("phones"):
            owners = self.owners("phones", row, kinds)
            if not owners:
                self.warn("phones", row, "belongs to no organization, service or location: skipped")
                continue
            phone, created = self.fetch(Phone, row["id"])
            for name in ("organization", "service", "location"):
                setattr(phone, name, owners.get(name))
            phone.number = row["number"]
            extension = row.get("extension", row.get(f"{X}extension", ""))
            phone.extension = (
                str(int(extension)) if isinstance(extension, float) else str(extension)
            )
            kind = row.get("type", "voice")
            if kind not in types:
                self.warn("phones", row, f"type '{kind}' unknown: stored as voice")
                kind = "voice"
            phone.type = kind
            phone.position = row.get(f"{X}position", 0)
            self.texts("phones", phone, row, {"description": "description"})
            self.save("phones", row, phone, created)

    def load_schedules(self):
        groups = {}
        for row in self.rows("schedules"):
            groups.setdefault(row.get(f"{X}schedule_id") or row["id"], []).append(row)
        for ident, rows in sorted(groups.items()):
            primary = next((r for r in rows if r["id"] == ident), rows[0])
            owners = self.owners("schedules", primary, OWNERS)
            if not owners:
                if not any(primary.get(c) for c, _, _ in OWNERS):
                    self.warn("schedules", primary, "belongs to nothing we keep: skipped")
                continue
            schedule, created = self.fetch(Schedule, ident)
            owner = next(name for _, name, _ in OWNERS if name in owners)
            for _, name, _ in OWNERS:
                setattr(schedule, name, owners[name] if name == owner else None)
            try:
                schedule.valid_from = (
                    parse_date(primary["valid_from"]) if primary.get("valid_from") else None
                )
                schedule.valid_to = (
                    parse_date(primary["valid_to"]) if primary.get("valid_to") else None
                )
            except ValueError:
                self.fail("schedules", primary, "valid_from", "not a date")
                continue
            schedule.closed_on_holidays = primary.get(f"{X}closed_on_holidays", True) is not False
            self.texts("schedules", schedule, primary, {"description": "description"})
            periods = self.periods(rows)
            closures = self.closures(primary)
            if periods is None or closures is None:
                continue
            if self.save("schedules", primary, schedule, created):
                self.replace_periods(schedule, primary, periods, closures, created)

    def replace_periods(self, schedule, row, periods, closures, created):
        """The schedule's periods and closures as the file gives them; rewritten only when they
        differ from the stored ones (listed when the file empties them)."""
        stored = [] if created else list(schedule.periods.all())
        if Counter(periods) != Counter(period_key(p) for p in stored):
            if stored and not periods:
                self.clear("schedules", row, "periods")
            schedule.periods.all().delete()
            # One by one, not bulk: saving a period keeps the search index in step.
            for values in periods:
                OpeningPeriod.objects.create(
                    schedule=schedule, **dict(zip(PERIOD_FIELDS, values, strict=True))
                )
        fields = ("start_date", "end_date", "reason_fr", "reason_en")
        stored = [] if created else list(schedule.closures.all())
        wanted = sorted(tuple(c.get(f) or "" for f in fields) for c in closures)
        if wanted != sorted(tuple(getattr(c, f) or "" for f in fields) for c in stored):
            if stored and not closures:
                self.clear("schedules", row, f"{X}closures")
            schedule.closures.all().delete()
            # One by one too: a closure changes the service's index row.
            for values in closures:
                ScheduleClosure.objects.create(schedule=schedule, **values)

    def periods(self, rows):
        """[period_key tuples] from the rows' rules; None (after an error) if unreadable. A
        rule we cannot store (days of the month or of the year, week numbers, another week
        start with an interval, an interval without a first date) keeps its row's text only,
        with a warning."""
        found = []
        for row in rows:
            if not row.get("opens_at") and not row.get("byday"):
                continue
            rule = self.rule(row)
            if rule is None:
                return None
            if rule is False:
                continue
            try:
                opens = datetime.time.fromisoformat(row["opens_at"])
                closes = datetime.time.fromisoformat(row["closes_at"])
            except (KeyError, TypeError, ValueError):
                self.fail("schedules", row, "opens_at", "opening and closing times HH:MM needed")
                return None
            days, frequency, interval, starts_on, ends_on, count = rule
            for weekday, nth in days:
                found.append(
                    (weekday, opens, closes, frequency, interval, nth, starts_on, ends_on, count)
                )
        return found

    def rule(self, row):
        """(days [(weekday, nth)], freq, interval, dtstart, until, count) of a row; False when
        only its text can be kept (warned), None after an error."""
        frequency = str(row.get("freq") or "WEEKLY").upper()
        ignored = [name for name in ("bymonthday", "byweekno", "byyearday") if row.get(name)]
        if frequency not in ("WEEKLY", "MONTHLY") or ignored or not row.get("byday"):
            what = ignored or ([] if row.get("byday") else ["no byday"]) or [f"freq {frequency}"]
            self.warn("schedules", row, f"rule not stored ({', '.join(what)}): kept as text only")
            return False
        try:
            interval = int(row.get("interval") or 1)
            count = int(row["count"]) if row.get("count") not in (None, "") else None
        except (TypeError, ValueError):
            self.fail("schedules", row, "interval", "interval and count must be whole numbers")
            return None
        if not 1 <= interval <= 52 or (count is not None and not 1 <= count <= 1000):
            self.fail("schedules", row, "interval", "interval 1 to 52, count 1 to 1000")
            return None
        try:
            starts_on = parse_date(row["dtstart"]) if row.get("dtstart") else None
            ends_on = parse_date(row["until"]) if row.get("until") else None
        except ValueError:
            self.fail("schedules", row, "dtstart", "dtstart and until must be dates YYYY-MM-DD")
            return None
        if starts_on and ends_on and ends_on < starts_on:
            self.fail("schedules", row, "until", "before dtstart")
            return None
        if (interval > 1 or count) and not starts_on:
            self.warn("schedules", row, "interval or count without dtstart: kept as text only")
            return False
        if interval > 1 and frequency == "WEEKLY" and (row.get("wkst") or "MO") != "MO":
            self.warn("schedules", row, "weeks not starting on MO: kept as text only")
            return False
        days = []
        for item in str(row["byday"]).split(","):
            match = BYDAY.fullmatch(item.strip().upper())
            nth = int(match["nth"]) if match and match["nth"] else None
            if not match or (nth is not None and (frequency != "MONTHLY" or not nth)):
                self.fail(
                    "schedules",
                    row,
                    "byday",
                    f"'{item.strip()}' is not a day (MO..SU; 2TU or -1FR when MONTHLY)",
                )
                return None
            if nth is not None and not -5 <= nth <= 5:
                self.fail("schedules", row, "byday", f"'{item.strip()}': position -5 to 5")
                return None
            days.append((WEEKDAYS.index(match["day"]), nth))
        return days, frequency, interval, starts_on, ends_on, count

    def closures(self, row):
        found = []
        for item in row.get(f"{X}closures") or []:
            try:
                start, end = parse_date(item["start_date"]), parse_date(item["end_date"])
            except (KeyError, TypeError, ValueError):
                self.fail("schedules", row, f"{X}closures", "start_date and end_date needed")
                return None
            reasons = get_text(item, "reason", self.lang)
            found.append(
                {"start_date": start, "end_date": end}
                | {f"reason_{code}": text for code, text in reasons.items()}
            )
        return found

    def load_service_areas(self):
        scopes = {choice.value for choice in ServiceArea.Scope}
        for row in self.rows("service_areas"):
            owners = self.owners("service_areas", row, OWNERS[1:2])
            if "service" not in owners:
                if not row.get("service_id"):
                    self.fail("service_areas", row, "service_id", "missing")
                continue
            area, created = self.fetch(ServiceArea, row["id"])
            area.service = owners["service"]
            slugs = row.get(f"{X}municipalities")
            if isinstance(slugs, list):
                places = list(Municipality.objects.filter(slug__in=slugs))
            else:
                place = lookups.municipality(row.get("name", ""))
                places = [place] if place else []
            scope, code = row.get(f"{X}scope"), row.get(f"{X}territory", "")
            if scope not in scopes:
                scope, code = territory_scope(row.get("name"), places)
            area.scope, area.territory_code = scope, stored_territory(scope, code)
            self.texts("service_areas", area, row, {"name": "name", "description": "description"})
            area.extent = row.get("extent", "")
            area.extent_type = row.get("extent_type", "")
            # A name that only repeats what the area's municipalities or scope say (our exports
            # write one) is not kept: it would go stale when staff change them.
            for code in ("fr", "en"):
                if getattr(area, f"name_{code}") == derived_area_name(area, places, code):
                    setattr(area, f"name_{code}", "")
            if self.save("service_areas", row, area, created):
                self.set_many("service_areas", row, area, "municipalities", places)

    def load_languages(self):
        """Languages a service offers and languages spoken on a phone (HSDS `languages` rows
        with a `service_id` or a `phone_id`); the file's list replaces the stored one. Each row
        is matched by its code (ISO 639-2, or 639-1 for the ones resources.languages knows; a
        language tag such as `fr-CA` by its first part), else by its name in either language
        (folded).
        A code we do not list becomes a new language named as the file names it; a listed
        language without a name in the file's language takes the file's. Never renamed."""
        self.languages = list(Language.objects.all())
        chosen = {}
        for row in self.rows("languages"):
            owner = row.get("service_id") or row.get("phone_id")
            if not owner:
                continue
            language = self.language(row)
            if language is not None:
                chosen.setdefault(owner, []).append(language)
        for table, model in (("services", Service), ("phones", Phone)):
            for row in self.rows(table):
                obj = self.objects.get(row["id"])
                if isinstance(obj, model):
                    self.set_many(table, row, obj, "languages", chosen.get(row["id"], []))

    def language(self, row):
        """The Language a `languages` row names (see load_languages); None after an error."""
        name = str(row.get("name") or "").strip()
        code = iso_639_2(row.get("code"))
        if code is None and not name:
            given = str(row.get("code") or "").strip()
            problem = f"'{given}' is not a language code" if given else "missing"
            self.fail("languages", row, "code", f"{problem}, and no name: give one of them")
            return None
        key = fold(name)
        language = next((x for x in self.languages if code and x.code == code), None) or next(
            (x for x in self.languages if key and key in {fold(x.name_fr), fold(x.name_en)}),
            None,
        )
        if language is None and code is None:
            message = f"'{name}' matches no language we list, and no code: give its ISO 639 code"
            self.fail("languages", row, "name", message)
            return None
        if language is None and not name:
            message = f"'{code}' is not a language we list, and no name to list it under"
            self.fail("languages", row, "name", message)
            return None
        if language is not None and (not name or getattr(language, f"name_{self.lang}")):
            return language  # a name we hold is never replaced
        problem = too_long(Language, f"name_{self.lang}", name)
        if problem:
            self.fail("languages", row, "name", problem)
            return None
        created = language is None
        if created:
            # French is required: a name given in English stands in for it.
            language = Language(code=code, name_fr=name, name_en="")
            self.languages.append(language)
        setattr(language, f"name_{self.lang}", name)
        try:
            with transaction.atomic():
                language.save()
        except (IntegrityError, DataError) as exc:
            self.fail("languages", row, "code", str(exc).splitlines()[0])
            return None
        self.counts[f"languages {'listed' if created else 'named'}"] += 1
        self.tick()
        return language

    def load_cost_options(self):
        """A service's prices. They inform; the "free" flag stays the file's `x211_is_free`, or
        staff's: only a new service the file does not flag is marked free, when every price it
        gives is zero."""
        prices = {}
        for row in self.rows("cost_options"):
            owners = self.owners("cost_options", row, OWNERS[1:2])
            if "service" not in owners:
                if not row.get("service_id"):
                    self.fail("cost_options", row, "service_id", "missing")
                continue
            option, created = self.fetch(CostOption, row["id"])
            option.service = owners["service"]
            self.texts(
                "cost_options",
                option,
                row,
                {"option": "option", "amount_description": "amount_description"},
            )
            amount = row.get("amount")
            try:
                option.amount = None if amount is None else Decimal(str(amount))
                option.valid_from = parse_date(row["valid_from"]) if row.get("valid_from") else None
                option.valid_to = parse_date(row["valid_to"]) if row.get("valid_to") else None
            except (InvalidOperation, ValueError):
                self.fail("cost_options", row, "amount", "not a number, or a date that is not one")
                continue
            option.currency = str(row.get("currency") or "CAD").upper()
            if self.save("cost_options", row, option, created):
                prices.setdefault(row["service_id"], []).append(option.amount)
        for row in self.rows("services"):
            service = self.objects.get(row["id"])
            given = prices.get(row["id"])
            if (
                isinstance(service, Service)
                and f"{X}is_free" not in row
                and not self.was_stored(service)
                and given
                and all(amount == 0 for amount in given)
            ):
                Service.objects.filter(pk=service.pk).update(is_free=True)

    def load_metadata(self):
        records = {}
        for row in self.rows("metadata"):
            records.setdefault(row.get("resource_id"), []).append(row)
        for ident, items in records.items():
            obj = self.objects.get(ident)
            if obj is None or not hasattr(type(obj), "history"):
                self.warn("metadata", items[0], f"resource '{ident}' not imported: skipped")
                continue
            try:
                with transaction.atomic():
                    history.restore(obj, items)
            except ValidationError as exc:
                fields = exc.message_dict if hasattr(exc, "error_dict") else None
                for field, messages in (fields or {"replacement_value": exc.messages}).items():
                    self.fail("metadata", items[0], field, " ".join(messages))
            except (ValueError, TypeError, DataError) as exc:
                self.fail("metadata", items[0], "replacement_value", str(exc).splitlines()[0])

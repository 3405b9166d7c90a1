"""Load the fictional demo directory (fixtures/demo/*.json; format checked by demo_checks.py).

Rules:
- Every file is checked first (demo_checks.Checker); any problem refuses the whole load.
- One transaction; idempotent. Records are matched by slug (organizations, services) or by a UUID
  derived from slugs (uuid5 of DEMO_NAMESPACE), so a second run updates the same rows in place.
  Children of demo records (locations, phones, service areas, schedules and their periods) are
  rewritten to match the files, reusing existing rows; records whose slug is not in the files are
  never touched.
- Bulk queries only, history included (docs/hsds-profile.md, "Change history"): every demo
  record whose history does not end with what it holds gets one version, signed with the
  directory's name (settings.DIRECTORY_NAME) and linked to no account, written in bulk: "+" for a
  record without history (a new one), "~" for one the files changed. A second run over unchanged
  files writes no version, so versions never pile up; the demo's export → import into an empty
  directory → export stays byte-identical (the import keeps the history the export describes).
"""

import datetime
import json
import uuid
from collections import defaultdict
from itertools import zip_longest
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation

from .demo_checks import LOCATION_TEXTS, ORG_TEXTS, SERVICE_TEXTS, Checker, weekdays
from .models import (
    Language,
    Location,
    Municipality,
    OpeningPeriod,
    Organization,
    Phone,
    Schedule,
    ScheduleClosure,
    Sector,
    Service,
    ServiceArea,
    ServiceAtLocation,
)

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
DEMO_NAMESPACE = uuid.UUID("6f0d5a3e-2b11-4c57-9d1e-211a55e0a211")


class DemoDataError(Exception):
    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors))


def demo_uuid(*parts):
    """Stable HSDS id of a demo record: "organization:<slug>", "location:<org>:<key>"..."""
    return uuid.uuid5(DEMO_NAMESPACE, ":".join(parts))


def read_documents(folder=DEMO_DIR):
    """[(file name, parsed JSON)] of every *.json in `folder`, sorted by name."""
    files = sorted(Path(folder).glob("*.json"))
    if not files:
        raise DemoDataError([f"{folder}: aucun fichier .json"])
    documents, errors = [], []
    for path in files:
        try:
            documents.append((path.name, json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            errors.append(f"{path.name}: JSON illisible ({error})")
    if errors:
        raise DemoDataError(errors)
    return documents


def load_demo_directory(folder=DEMO_DIR):
    """Check then load every file of `folder`; returns counts for a summary."""
    documents = read_documents(folder)
    checker = Checker(
        sectors={s.slug: s for s in Sector.objects.all()},
        municipalities={
            m.slug: (m, {p.code for p in m.postal_prefixes.all()})
            for m in Municipality.objects.prefetch_related("postal_prefixes")
        },
        languages={language.code: language for language in Language.objects.all()},
    )
    for name, document in documents:
        checker.check_document(name, document)
    if checker.errors:
        raise DemoDataError(checker.errors)
    organizations = [org for _, document in documents for org in document["organizations"]]
    # The untranslated column mirrors the French one; reads below go through the current language.
    with transaction.atomic(), translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        return _write(organizations, checker)


def _texts(record, mapping):
    values = {}
    for key, field in mapping.items():
        text = record.get(key) or {}
        values[f"{field}_fr"] = text.get("fr", "").strip()
        values[f"{field}_en"] = text.get("en", "").strip()
    return values


def _upsert(model, key, rows, now):
    """Create or update `rows` ({key value: field values}) in bulk, with their versions dated
    `now`; returns {key value: object}."""
    existing = model.objects.in_bulk(list(rows), field_name=key)
    new, changed, fields = [], [], set()
    for value, values in rows.items():
        obj = existing.get(value)
        if obj is None:
            new.append(model(**{key: value}, **values))
            continue
        for field, field_value in values.items():
            setattr(obj, field, field_value)
        fields.update(values)
        changed.append(obj)
    model.objects.bulk_create(new, batch_size=500)
    if changed:
        model.objects.bulk_update(changed, sorted(fields), batch_size=500)
        # save() keeps the untranslated column (`name` beside `name_fr`) equal to French, but the
        # translation-aware manager rewrites `name` to the current language: use a plain QuerySet.
        mirrored = {f.removesuffix("_fr"): F(f) for f in fields if f.endswith("_fr")}
        if mirrored:
            QuerySet(model).filter(pk__in=[obj.pk for obj in changed]).update(**mirrored)
    objects = model.objects.in_bulk(list(rows), field_name=key)
    _write_versions(model, list(objects.values()), now)
    return objects


def _content_fields(model):
    """What a version must hold like its record: every column but the keys, the timestamps and
    the untranslated copy of a translated field (`name` beside `name_fr` and `name_en`)."""
    names = [f.name for f in model._meta.concrete_fields]
    bases = {n.rsplit("_", 1)[0] for n in names if n.endswith(("_fr", "_en"))}
    skipped = bases | {"id", "uuid", "created", "modified"}
    return [f.attname for f in model._meta.concrete_fields if f.name not in skipped]


def _write_versions(model, objects, now):
    """One version for each of `objects` whose history does not end with what it holds: "+"
    without history, "~" after a change; none when it is as its last version says. In bulk:
    one query reads the versions, one insert per kind writes them."""
    fields = _content_fields(model)
    historical = model.history.model
    last = {}
    for row in historical.objects.filter(id__in=[obj.pk for obj in objects]).order_by(
        "history_date", "history_id"
    ):
        last[row.id] = row
    created, updated = [], []
    for obj in objects:
        row = last.get(obj.pk)
        if row is None:
            created.append(obj)
        elif any(getattr(row, name) != getattr(obj, name) for name in fields):
            updated.append(obj)
    for objs, update in ((created, False), (updated, True)):
        for obj in objs:
            obj._history_user = None  # the directory's, never an account's
        model.history.bulk_history_create(
            objs,
            update=update,
            default_change_reason=settings.DIRECTORY_NAME,
            default_date=now,
            batch_size=500,
        )


def _sync_rows(model, parent_field, wanted):
    """Make the rows of each parent ({parent id: [field values]}) match, reusing rows in order."""
    existing = defaultdict(list)
    for obj in model.objects.filter(**{f"{parent_field}__in": list(wanted)}).order_by("pk"):
        existing[getattr(obj, parent_field)].append(obj)
    new, changed, stale, fields = [], [], [], set()
    for parent, rows in wanted.items():
        for obj, values in zip_longest(existing[parent], rows):
            if values is None:
                stale.append(obj.pk)
            elif obj is None:
                new.append(model(**{parent_field: parent}, **values))
            else:
                for field, field_value in values.items():
                    setattr(obj, field, field_value)
                fields.update(values)
                changed.append(obj)
    model.objects.filter(pk__in=stale).delete()
    model.objects.bulk_create(new, batch_size=500)
    if changed:
        model.objects.bulk_update(changed, sorted(fields), batch_size=500)


def _sync_links(through, owner, target, wanted):
    """Make a many-to-many table hold exactly `wanted` ({owner id: {target ids}}) for its owners."""
    existing = through.objects.filter(**{f"{owner}__in": list(wanted)})
    have = {(row[owner], row[target]): row["pk"] for row in existing.values("pk", owner, target)}
    pairs = {(o, t) for o, targets in wanted.items() for t in targets}
    through.objects.filter(pk__in=[pk for pair, pk in have.items() if pair not in pairs]).delete()
    through.objects.bulk_create(
        [through(**{owner: o, target: t}) for o, t in sorted(pairs - set(have))], batch_size=500
    )


def _replace(model, owner_filter, rows, now):
    """Upsert `rows` by UUID and delete the other rows of the same owners (stale demo children)."""
    objects = _upsert(model, "uuid", rows, now)
    model.objects.filter(**owner_filter).exclude(uuid__in=list(rows)).delete()
    return objects


def _phone_rows(phones, owner_field, owner_id, *key):
    return {
        demo_uuid("phone", *key, str(position)): {
            owner_field: owner_id,
            "number": phone["number"],
            "extension": phone.get("extension", ""),
            "type": phone.get("type", "voice"),
            "position": position,
            **_texts(phone, {"description": "description"}),
        }
        for position, phone in enumerate(phones)
    }


def _periods(schedule):
    """Each period's row; an optional fourth item is its rule: {"weeks": [1, 3]} (those weeks
    of the month: 1st and 3rd, -1 the last), "every": 2 (every other week) from "from"."""
    rows = []
    for spec, opens, closes, *more in schedule.get("periods", []):
        rule = more[0] if more else {}
        for day in weekdays(spec):
            for week in rule.get("weeks") or [None]:
                start = rule.get("from")
                rows.append(
                    {
                        "weekday": day,
                        "opens_at": datetime.time.fromisoformat(opens),
                        "closes_at": datetime.time.fromisoformat(closes),
                        "frequency": "MONTHLY" if week else "WEEKLY",
                        "week_of_month": week,
                        "interval": rule.get("every", 1),
                        "starts_on": datetime.date.fromisoformat(start) if start else None,
                    }
                )
    return rows


def _closures(schedule):
    return [
        {
            "start_date": datetime.date.fromisoformat(closure["start"]),
            "end_date": datetime.date.fromisoformat(closure["end"]),
            **_texts(closure, {"reason": "reason"}),
        }
        for closure in schedule.get("closures", [])
    ]


def _write(organizations, checker):
    now = timezone.now()
    org_rows = {
        org["slug"]: {
            "uuid": demo_uuid("organization", org["slug"]),
            "website": org.get("website", ""),
            "email": org.get("email", ""),
            "year_incorporated": org.get("year_incorporated"),
            "is_active": True,
            "modified": now,
            **_texts(org, ORG_TEXTS),
        }
        for org in organizations
    }
    orgs = _upsert(Organization, "slug", org_rows, now)
    org_ids = [org.pk for org in orgs.values()]

    location_rows = {}
    for org in organizations:
        for location in org.get("locations", []):
            location_rows[demo_uuid("location", org["slug"], location["key"])] = {
                "organization_id": orgs[org["slug"]].pk,
                "location_type": location.get("type", "physical"),
                "address_1": location.get("address_1", ""),
                "municipality_id": checker.municipalities[location["municipality"]][0].pk,
                "postal_code": location.get("postal_code", ""),
                "latitude": location.get("latitude"),
                "longitude": location.get("longitude"),
                # Absent: not known (only true or false say something).
                "wheelchair_accessible": location.get("wheelchair_accessible"),
                "is_confidential": bool(location.get("confidential")),
                "modified": now,
                **_texts(location, LOCATION_TEXTS),
            }
    locations = _replace(Location, {"organization_id__in": org_ids}, location_rows, now)

    service_rows, owners = {}, {}
    for org in organizations:
        for service in org["services"]:
            owners[service["slug"]] = org
            service_rows[service["slug"]] = {
                "uuid": demo_uuid("service", service["slug"]),
                "organization_id": orgs[org["slug"]].pk,
                "url": service.get("url", ""),
                "email": service.get("email", ""),
                "status": service.get("status", "active"),
                "minimum_age": service.get("minimum_age"),
                "maximum_age": service.get("maximum_age"),
                "is_free": bool(service.get("is_free")),
                "assured_date": service.get("assured_date"),
                "modified": now,
                **_texts(service, SERVICE_TEXTS),
            }
    services = _upsert(Service, "slug", service_rows, now)
    service_ids = [service.pk for service in services.values()]
    data = {service["slug"]: service for org in organizations for service in org["services"]}

    _replace(
        ServiceAtLocation,
        {"service_id__in": service_ids},
        {
            demo_uuid("service-at-location", slug, key): {
                "service_id": services[slug].pk,
                "location_id": locations[demo_uuid("location", owners[slug]["slug"], key)].pk,
            }
            for slug, service in data.items()
            for key in service.get("locations", [])
        },
        now,
    )
    _sync_links(
        Service.sectors.through,
        "service_id",
        "sector_id",
        {services[s].pk: {checker.sectors[x].pk for x in d["sectors"]} for s, d in data.items()},
    )
    _sync_links(
        Service.languages.through,
        "service_id",
        "language_id",
        {
            services[s].pk: {checker.languages[code].pk for code in d.get("languages", [])}
            for s, d in data.items()
        },
    )

    org_phones, service_phones = {}, {}
    for org in organizations:
        org_phones.update(
            _phone_rows(org.get("phones", []), "organization_id", orgs[org["slug"]].pk, org["slug"])
        )
    _replace(Phone, {"organization_id__in": org_ids}, org_phones, now)
    for slug, service in data.items():
        service_phones.update(
            _phone_rows(service.get("phones", []), "service_id", services[slug].pk, "service", slug)
        )
    _replace(Phone, {"service_id__in": service_ids}, service_phones, now)

    with_area = {slug: service["area"] for slug, service in data.items() if service.get("area")}
    areas = _replace(
        ServiceArea,
        {"service_id__in": service_ids},
        {
            demo_uuid("service-area", slug): {
                "service_id": services[slug].pk,
                "scope": area["scope"],
                "modified": now,
            }
            for slug, area in with_area.items()
        },
        now,
    )
    _sync_links(
        ServiceArea.municipalities.through,
        "servicearea_id",
        "municipality_id",
        {
            areas[demo_uuid("service-area", slug)].pk: {
                checker.municipalities[place][0].pk for place in area.get("municipalities", [])
            }
            for slug, area in with_area.items()
        },
    )

    with_hours = {slug: s["schedule"] for slug, s in data.items() if s.get("schedule")}
    schedules = _replace(
        Schedule,
        {"service_id__in": service_ids},
        {
            demo_uuid("schedule", slug): {
                "service_id": services[slug].pk,
                "closed_on_holidays": schedule.get("closed_on_holidays", True),
                **_texts(schedule, {"description": "description"}),
            }
            for slug, schedule in with_hours.items()
        },
        now,
    )
    by_schedule = {schedules[demo_uuid("schedule", s)].pk: h for s, h in with_hours.items()}
    _sync_rows(OpeningPeriod, "schedule_id", {pk: _periods(h) for pk, h in by_schedule.items()})
    _sync_rows(ScheduleClosure, "schedule_id", {pk: _closures(h) for pk, h in by_schedule.items()})

    return {
        "organizations": len(orgs),
        "services": len(services),
        "locations": len(locations),
        "phones": len(org_phones) + len(service_phones),
        "schedules": len(schedules),
        "periods": OpeningPeriod.objects.filter(schedule_id__in=list(by_schedule)).count(),
    }

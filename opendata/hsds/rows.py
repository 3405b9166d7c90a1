"""Our records → HSDS table rows (one language in the standard fields, see profile.py).

Rows use the tabular form (flat, with `*_id` references); nesting.py builds the nested JSON
objects from them, csv_package.py writes them as they are. Confidential locations keep their
municipality only: no street, postal code, coordinates or transit directions.
"""

from django.utils import translation

from .profile import (
    LANGUAGE_CODES,
    PREFIX,
    SERVICE_TEXT_FIELDS,
    TAXONOMY_ID,
    TAXONOMY_NAMES,
    compact,
    derived_id,
)
from .profile import put_text as text

X = PREFIX
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def organization_row(org, lang):
    row = {
        "id": str(org.uuid),
        "email": org.email,
        "website": org.website,
        "year_incorporated": org.year_incorporated,
        f"{X}slug": org.slug,
        f"{X}active": org.is_active,
        f"{X}language": lang,
        # HSDS 3.0 verifies services only: the organization's own verification as extras.
        f"{X}assured_date": org.assured_date.isoformat() if org.assured_date else None,
        f"{X}assurer": org.assurer,
        f"{X}verification_source": org.verification_source,
    }
    for field in ("name", "alternate_name", "legal_status", "description"):
        text(row, org, field, lang)
    row.setdefault("description", "")
    return compact(row)


def location_rows(location, lang):
    """(location, address or None, accessibility or None)."""
    secret = location.is_confidential
    row = {
        "id": str(location.uuid),
        "location_type": location.location_type,
        "url": location.url,
        "organization_id": str(location.organization.uuid),
        "latitude": None if secret else location.latitude,
        "longitude": None if secret else location.longitude,
        f"{X}confidential": secret,
        f"{X}wheelchair_accessible": location.wheelchair_accessible,
    }
    text(row, location, "name", lang)
    text(row, location, "description", lang)
    if not secret:
        text(row, location, "transportation", lang)
    address = None
    place = location.municipality
    if place or (location.address_1 and not secret):
        address = {
            "id": derived_id(location.uuid, "address"),
            "location_id": str(location.uuid),
            "address_1": "" if secret else location.address_1,
            "address_2": "" if secret else location.address_2,
            # The official (French) toponym in both languages: it is what the gazetteer knows.
            "city": place.name_fr if place else "",
            "region": place.region_name if place else "",
            "state_province": "QC",
            "postal_code": "" if secret else location.postal_code,
            "country": "CA",
            "address_type": "postal" if location.location_type == "postal" else "physical",
        }
        address = {k: v for k, v in address.items() if v is not None}
    accessibility = None
    if location.accessibility_fr or location.accessibility_en:
        accessibility = {
            "id": derived_id(location.uuid, "accessibility"),
            "location_id": str(location.uuid),
        }
        text(accessibility, location, "accessibility", lang, "description")
    return compact(row), address, accessibility


def service_row(service, lang):
    assurer = service.assurer
    by_email = "@" in assurer and " " not in assurer
    row = {
        "id": str(service.uuid),
        "organization_id": str(service.organization.uuid),
        "url": service.url,
        "email": service.email,
        "status": service.status,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "assured_date": service.assured_date.isoformat() if service.assured_date else None,
        "assurer_email": assurer if by_email else None,
        f"{X}assurer": None if by_email else assurer,
        f"{X}verification_source": service.verification_source,
        "last_modified": service.modified.isoformat(),
        f"{X}slug": service.slug,
        f"{X}is_free": service.is_free,
        f"{X}language": lang,
    }
    for field in SERVICE_TEXT_FIELDS:
        text(row, service, field, lang)
    return compact(row)


def required_document_row(service, lang):
    if not (service.required_documents_fr or service.required_documents_en):
        return None
    row = {"id": derived_id(service.uuid, "required_documents"), "service_id": str(service.uuid)}
    text(row, service, "required_documents", lang, "document")
    return row


def cost_option_row(option, service, lang):
    row = {
        "id": str(option.uuid),
        "service_id": str(service.uuid),
        "amount": float(option.amount) if option.amount is not None else None,
        "currency": option.currency,
        "valid_from": option.valid_from.isoformat() if option.valid_from else None,
        "valid_to": option.valid_to.isoformat() if option.valid_to else None,
    }
    text(row, option, "option", lang)
    text(row, option, "amount_description", lang)
    return compact(row)


def service_at_location_row(sal, lang):
    row = {
        "id": str(sal.uuid),
        "service_id": str(sal.service.uuid),
        "location_id": str(sal.location.uuid),
    }
    text(row, sal, "description", lang)
    return row


def phone_row(phone, lang, owners):
    """`owners`: {"organization_id": uuid...} of the phone's records (known to the caller)."""
    digits = phone.extension.isdigit()
    row = {
        "id": str(phone.uuid),
        **owners,
        "number": phone.number,
        "extension": int(phone.extension) if digits else None,
        f"{X}extension": None if digits else phone.extension,
        "type": phone.type,
        f"{X}position": phone.position,
    }
    text(row, phone, "description", lang)
    return compact(row)


def _rule(period):
    """A period's rule as HSDS writes it, beside its hours: () for every week."""
    if period.is_every_week:
        return ()
    return (
        period.frequency,
        period.interval,
        period.starts_on.isoformat() if period.starts_on else "",
        period.ends_on.isoformat() if period.ends_on else "",
        period.count or 0,
    )


def schedule_rows(schedule, lang, owner):
    """One HSDS schedule row per (opens, closes, rule), days in `byday` (with their position
    in the month when monthly: `2TU`); the first row carries the schedule's own id, the others
    a derived one, all grouped by `x211_schedule_id`."""
    groups = {}
    for period in schedule.periods.all():
        key = (period.opens_at, period.closes_at, _rule(period))
        groups.setdefault(key, []).append((period.weekday, period.week_of_month or 0))
    common = {
        **owner,
        "valid_from": schedule.valid_from.isoformat() if schedule.valid_from else None,
        "valid_to": schedule.valid_to.isoformat() if schedule.valid_to else None,
        f"{X}schedule_id": str(schedule.uuid),
        f"{X}closed_on_holidays": schedule.closed_on_holidays,
        f"{X}closures": [closure_object(c, lang) for c in schedule.closures.all()],
    }
    text(common, schedule, "description", lang)
    rows = []
    for index, ((opens, closes, rule), days) in enumerate(sorted(groups.items())):
        key = f"{opens:%H:%M}-{closes:%H:%M}" + "".join(f"-{part}" for part in rule)
        frequency, interval, starts_on, ends_on, count = rule or ("WEEKLY", 1, "", "", 0)
        rows.append(
            {
                **common,
                "id": str(schedule.uuid) if index == 0 else derived_id(schedule.uuid, key),
                "freq": frequency,
                "wkst": "MO",
                "interval": interval if interval > 1 else None,
                "dtstart": starts_on or None,
                "until": ends_on or None,
                "count": count or None,
                "byday": ",".join(f"{nth or ''}{WEEKDAYS[d]}" for d, nth in sorted(days)),
                "opens_at": opens.isoformat(),
                "closes_at": closes.isoformat(),
            }
        )
    return [compact(r) for r in rows] or [compact({**common, "id": str(schedule.uuid)})]


def closure_object(closure, lang):
    row = {"start_date": closure.start_date.isoformat(), "end_date": closure.end_date.isoformat()}
    text(row, closure, "reason", lang)
    return row


def derived_area_name(area, places, lang):
    """What a service area is called when staff gave it no name: its municipalities, or its
    scope."""
    names = ", ".join(getattr(m, f"name_{lang}") or m.name_fr for m in places)
    if names:
        return names
    with translation.override(lang):
        return str(area.scope_label())


def service_area_row(area, lang):
    places = sorted(area.municipalities.all(), key=lambda m: m.slug)
    row = {
        "id": str(area.uuid),
        "service_id": str(area.service.uuid),
        "extent": area.extent,
        "extent_type": area.extent_type,
        f"{X}scope": area.scope,
        # The MRC or region of a scope "mrc" or "region" (its gazetteer code, never blank).
        f"{X}territory": area.territory,
        f"{X}municipalities": [m.slug for m in places],
    }
    text(row, area, "name", lang)
    row.setdefault("name", derived_area_name(area, places, lang))
    text(row, area, "description", lang)
    return compact(row)


def language_row(owner, language, lang, kind="service"):
    """A language offered by a service, or spoken on a phone (`kind` "phone")."""
    return {
        "id": derived_id(owner.uuid, "language", language.code),
        f"{kind}_id": str(owner.uuid),
        "name": getattr(language, f"name_{lang}") or language.name_fr,
        "code": language.code,
    }


def attribute_row(service, sector):
    return {
        "id": derived_id(service.uuid, "sector", sector.uuid),
        "link_id": str(service.uuid),
        "link_entity": "service",
        "link_type": "sector",
        "taxonomy_term_id": str(sector.uuid),
    }


def taxonomy_row(lang):
    name, description = TAXONOMY_NAMES[lang]
    return {"id": TAXONOMY_ID, "name": name, "description": description, "version": "1"}


def term_row(sector, lang, parent_uuid=None):
    row = {
        "id": str(sector.uuid),
        "code": sector.slug,
        "parent_id": str(parent_uuid) if parent_uuid else None,
        "taxonomy": "x211-sectors",
        "taxonomy_id": TAXONOMY_ID,
        "language": LANGUAGE_CODES[lang],
        f"{X}language": lang,
        f"{X}airs_code": sector.airs_code,
        f"{X}position": sector.position,
    }
    text(row, sector, "name", lang)
    text(row, sector, "description", lang)
    row = compact(row)
    row.setdefault("description", "")
    return row


def feed_attribute_row(attribute):
    """An attribute kept from a feed: its term (a feed's, or one of our sectors), value and
    label (HSDS 3.0 has no label: `x211_label`)."""
    return compact(
        {
            "id": str(attribute.uuid),
            "link_id": str(attribute.link_id),
            "link_entity": attribute.link_entity,
            "link_type": attribute.link_type,
            "taxonomy_term_id": str(attribute.term.uuid),
            "value": attribute.value,
            f"{X}label": attribute.label,
        }
    )


def feed_taxonomy_row(taxonomy):
    row = compact(
        {
            "id": str(taxonomy.uuid),
            "name": taxonomy.name,
            "description": taxonomy.description,
            "uri": taxonomy.uri,
            "version": taxonomy.version,
        }
    )
    row.setdefault("description", "")
    return row


def feed_term_row(term):
    """A feed's term as the feed gave it, in its own language (`language`)."""
    taxonomy = term.taxonomy
    row = compact(
        {
            "id": str(term.uuid),
            "code": term.code,
            "name": term.name,
            "description": term.description,
            "parent_id": str(term.parent.uuid) if term.parent_id else None,
            "taxonomy": taxonomy.name if taxonomy else None,
            "taxonomy_id": str(taxonomy.uuid) if taxonomy else None,
            "language": term.language,
            "term_uri": term.term_uri,
        }
    )
    row.setdefault("description", "")
    return row

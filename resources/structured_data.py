"""schema.org descriptions of the organization and service pages, as JSON-LD for search engines.

Built here from the records, never by joining strings in a template, and written by `script`
(json.dumps, then `</` escaped as `<\\/`). A confidential location gives nothing: no address, no
place, not even its name; only public locations' addresses are described.
"""

import json

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .folding import fold

SCHEMA = "https://schema.org"
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# The organization's legal status (French text, as staff and the demo write it) that makes its
# services a GovernmentService; the model has no other word of it.
PUBLIC_BODIES = {fold("Organisme public"), fold("Administration municipale")}

# A service area given by its scope rather than by municipalities: the territory's name (an MRC
# or a region: the one the area names, by the gazetteer, area_name below).
SCOPE_NAMES = {
    "metro": "Grand Montréal",
    "province": "Québec",
}


def area_name(area):
    """The name of the whole territory a service area covers ("MRC de Joliette", "Laval")."""
    if area.scope == "mrc":
        return _("MRC de %(name)s") % {"name": area.territory_name()}
    if area.scope == "region":
        return area.territory_name()
    return SCOPE_NAMES.get(area.scope, "")


def _kept(data):
    """`data` without its empty values (None, "", [], {})."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def postal_address(location):
    """A PostalAddress of a public location with an address; None for a confidential, virtual
    or address-less one."""
    if location.is_confidential or location.location_type == "virtual" or not location.address_1:
        return None
    street = ", ".join(part for part in (location.address_1, location.address_2) if part)
    return _kept(
        {
            "@type": "PostalAddress",
            "streetAddress": street,
            "addressLocality": location.municipality.name if location.municipality else "",
            "postalCode": location.postal_code,
            "addressRegion": "QC",
            "addressCountry": "CA",
        }
    )


def _time(value):
    return value.strftime("%H:%M")


def opening_hours(schedules):
    """OpeningHoursSpecification of the periods repeating every week (those following another
    rule, every other week or the 2nd Tuesday of the month, have no schema.org form and are
    left out). A whole day reads 00:00–23:59."""
    found = []
    for schedule in schedules:
        for period in schedule.periods.all():
            if not period.is_every_week:
                continue
            closes = "23:59" if period.is_whole_day else _time(period.closes_at)
            found.append(
                _kept(
                    {
                        "@type": "OpeningHoursSpecification",
                        "dayOfWeek": f"{SCHEMA}/{DAYS[period.weekday]}",
                        "opens": _time(period.opens_at),
                        "closes": closes,
                        "validFrom": schedule.valid_from and schedule.valid_from.isoformat(),
                        "validThrough": schedule.valid_to and schedule.valid_to.isoformat(),
                    }
                )
            )
    return found


def _phone_point(phone):
    key = "faxNumber" if phone.type == "fax" else "telephone"
    return {"@type": "ContactPoint", key: str(phone)}


def _telephones(phones):
    numbers = [str(phone) for phone in phones if phone.type != "fax"]
    return numbers[0] if len(numbers) == 1 else numbers


def organization(organization, page_url, locations):
    """An Organization: `locations` are its locations (confidential ones are skipped here)."""
    addresses = [a for a in map(postal_address, locations) if a]
    return _kept(
        {
            "@context": SCHEMA,
            "@type": "Organization",
            "name": organization.name,
            "alternateName": organization.alternate_name,
            "description": organization.description,
            "url": organization.website or page_url,
            "mainEntityOfPage": page_url,
            "telephone": _telephones(organization.phones.all()),
            "email": organization.email,
            "address": addresses[0] if len(addresses) == 1 else addresses,
        }
    )


def areas_served(service):
    names = []
    for area in service.service_areas.all():
        if area.scope == "local":
            found = [m.name for m in area.municipalities.all()] or [area.name]
        else:
            found = [area.name or area_name(area)]
        names += [name for name in found if name and name not in names]
    return names


def channels(service, phones):
    """How to reach the service: its numbers, its public places, its web addresses."""
    found = [{"@type": "ServiceChannel", "servicePhone": _phone_point(p)} for p in phones]
    for sal in service.service_at_locations.all():
        location = sal.location
        if location.is_confidential:
            continue
        if location.location_type == "virtual":
            if location.url:
                found.append({"@type": "ServiceChannel", "serviceUrl": location.url})
            continue
        address = postal_address(location)
        if address:
            place = _kept({"@type": "Place", "name": location.name, "address": address})
            found.append({"@type": "ServiceChannel", "serviceLocation": place})
    return found


def is_public_body(organization):
    return fold(organization.legal_status_fr or "") in PUBLIC_BODIES


def service(service, page_url, provider_url, phones, schedules):
    """A Service (a GovernmentService when its organization is a public body)."""
    provider = service.organization
    return _kept(
        {
            "@context": SCHEMA,
            "@type": "GovernmentService" if is_public_body(provider) else "Service",
            "name": service.name,
            "description": service.description,
            "url": page_url,
            "provider": {"@type": "Organization", "name": provider.name, "url": provider_url},
            "areaServed": areas_served(service),
            "availableChannel": channels(service, phones),
            "hoursAvailable": opening_hours(schedules),
            "isAccessibleForFree": True if service.is_free else None,
        }
    )


def script(data):
    """`data` as a <script type="application/ld+json"> element: nothing in the text can close
    the element or open an HTML comment in it."""
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace("</", "<\\/").replace("<!--", "<\\u0021--")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308

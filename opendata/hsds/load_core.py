"""Import steps for the main records: organizations, locations, services."""

import datetime

from resources.models import (
    Location,
    Organization,
    Service,
    ServiceAtLocation,
)
from resources.models.directory import VerificationSource
from search import lookups

from .history import CONFIDENTIAL_FIELDS
from .profile import PREFIX, SERVICE_TEXT_FIELDS, get_text

X = PREFIX
# What a confidential location's exports leave empty (docs/hsds-profile.md): its street,
# postal code, coordinates and transit directions, per language.
WITHHELD = tuple(sorted(CONFIDENTIAL_FIELDS - {"transportation"}))
# `x211_clear` names (HSDS properties) → the fields they empty.
CLEARABLE = {
    "address_1": ("address_1",),
    "address_2": ("address_2",),
    "postal_code": ("postal_code",),
    "latitude": ("latitude", "longitude"),
    "longitude": ("latitude", "longitude"),
    "transportation": ("transportation_fr", "transportation_en"),
}


def parse_date(value):
    return datetime.date.fromisoformat(str(value)[:10])


class CoreLoading:
    def load_organizations(self):
        for row in self.rows("organizations"):
            org, created = self.fetch(Organization, row["id"])
            self.texts(
                "organizations",
                org,
                row,
                {f: f for f in ("name", "alternate_name", "legal_status", "description")},
                required=("name", "description"),
            )
            org.email = row.get("email", "")
            org.website = row.get("website", "")
            year = row.get("year_incorporated")
            org.year_incorporated = int(year) if isinstance(year, (int, float)) else None
            org.is_active = row.get(f"{X}active", True) is not False
            if not self.verification(org, "organizations", row, f"{X}assured_date"):
                continue
            org.assurer = row.get(f"{X}assurer", "")
            self.slug(org, row, org.name_fr)
            self.save("organizations", row, org, created)

    def location_owner(self, row):
        """The organization of a location: named, or else that of a service offered there."""
        org = self.known(Organization, row.get("organization_id"))
        if org:
            return org
        for sal in self.t.get("service_at_location", {}).values():
            if sal.get("location_id") != row["id"]:
                continue
            service = self.t.get("services", {}).get(sal.get("service_id"))
            org = service and self.known(Organization, service.get("organization_id"))
            if org:
                self.warn("locations", row, "organization taken from a service offered there")
                return org
        return None

    def load_locations(self):
        addresses, accessibility = {}, {}
        for address in self.rows("addresses"):
            addresses.setdefault(address.get("location_id"), []).append(address)
        for item in self.rows("accessibility"):
            accessibility.setdefault(item.get("location_id"), []).append(item)
        for row in self.rows("locations"):
            location, created = self.fetch(Location, row["id"])
            org = self.location_owner(row)
            if org is None and row.get("organization_id"):
                message = f"unknown organization '{row['organization_id']}'"
                self.fail("locations", row, "organization_id", message)
                continue
            if org is None:
                # HSDS allows a location of no organization; we cannot keep one.
                self.warn("locations", row, "belongs to no organization: skipped")
                self.skipped.add(row["id"])
                continue
            location.organization = org
            location.location_type = row["location_type"]
            location.url = row.get("url", "")
            stored = {name: getattr(location, name) for name in WITHHELD}
            was_confidential = location.is_confidential
            self.texts(
                "locations",
                location,
                row,
                {"name": "name", "description": "description", "transportation": "transportation"},
            )
            if f"{X}confidential" in row:  # absent says nothing: the stored flag stays
                location.is_confidential = row[f"{X}confidential"] is True
            # Yes, no, or (absent) unknown: "no" only when the file says so.
            location.wheelchair_accessible = row.get(f"{X}wheelchair_accessible")
            self.place_location(location, row, addresses.get(row["id"], []))
            if not self.withhold(location, row, stored, was_confidential):
                continue
            if (location.latitude, location.longitude) != (stored["latitude"], stored["longitude"]):
                # A point the file moves is the file's: no longer placed by staff or geocoded.
                location.geocode_source, location.geocode_precision = "", None
            notes = [
                get_text(a, "description", self.lang) for a in accessibility.get(row["id"], [])
            ]
            for code in ("fr", "en"):
                text = "\n".join(n[code] for n in notes if n[code])
                setattr(location, f"accessibility_{code}", text)
            self.save("locations", row, location, created)

    def withhold(self, location, row, stored, was_confidential):
        """Confidential locations: an empty address, postal code, coordinates or transit text
        in the file means withheld (our exports never show them), so the stored value stays;
        only `x211_clear` empties them. Returns False after an error."""
        names = row.get(f"{X}clear") or []
        if isinstance(names, str):
            names = names.replace(",", " ").split()
        unknown = [n for n in names if n not in CLEARABLE] if isinstance(names, list) else [names]
        if unknown:
            choices = ", ".join(CLEARABLE)
            message = f"cannot clear {unknown[0]!r}: give a list of {choices}"
            self.fail("locations", row, f"{X}clear", message)
            return False
        cleared = {field for name in names for field in CLEARABLE[name]}
        if was_confidential or location.is_confidential:
            withheld = [
                name
                for name in WITHHELD
                if name not in cleared
                and getattr(location, name) in (None, "")
                and stored[name] not in (None, "")
            ]
            if was_confidential and not location.is_confidential and withheld:
                self.fail(
                    "locations",
                    row,
                    f"{X}confidential",
                    "false would publish the address this file withholds "
                    f"({', '.join(withheld)}): give the address with it, or clear it with "
                    f"{X}clear",
                )
                return False
            for name in withheld:
                setattr(location, name, stored[name])
        for name in cleared:
            setattr(location, name, None if name in ("latitude", "longitude") else "")
        return True

    def place_location(self, location, row, addresses):
        lat, lon = row.get("latitude"), row.get("longitude")
        if lat is not None and lon is not None and (abs(lat) > 90 or abs(lon) > 180):
            self.warn("locations", row, f"coordinates ({lat}, {lon}) out of range: dropped")
            lat = lon = None
        location.latitude, location.longitude = (lat, lon) if lon is not None else (None, None)
        if location.latitude is None:
            location.longitude = None
        address = next(
            (a for a in addresses if a.get("address_type") != "postal"),
            addresses[0] if addresses else {},
        )
        location.address_1 = address.get("address_1", "")
        location.address_2 = address.get("address_2", "")
        postal_code = address.get("postal_code", "")
        if len(postal_code) > 7:
            self.warn("locations", row, f"postal code '{postal_code}' too long: dropped")
            postal_code = ""
        location.postal_code = postal_code
        city = address.get("city", "")
        location.municipality = lookups.municipality(city) if city else None
        if city and location.municipality is None:
            self.warn("locations", row, f"city '{city}' is not in the gazetteer: no municipality")

    def load_services(self):
        documents = {}
        for item in self.rows("required_documents"):
            documents.setdefault(item.get("service_id"), []).append(
                get_text(item, "document", self.lang)
            )
        for row in self.rows("services"):
            service, created = self.fetch(Service, row["id"])
            org = self.known(Organization, row.get("organization_id"))
            if org is None:
                reference = row.get("organization_id")
                message = f"unknown organization '{reference}'" if reference else "missing"
                self.fail("services", row, "organization_id", message)
                continue
            service.organization = org
            fields = {f: f for f in SERVICE_TEXT_FIELDS}
            self.texts("services", service, row, fields, required=("name", "description"))
            docs = documents.get(row["id"], [])
            for code in ("fr", "en"):
                text = "\n".join(d[code] for d in docs if d[code])
                setattr(service, f"required_documents_{code}", text)
            service.url = row.get("url", "")
            service.email = row.get("email", "")
            service.status = row["status"]
            if f"{X}is_free" in row:  # absent says nothing: staff's flag stays
                service.is_free = row[f"{X}is_free"] is True
            service.assurer = row.get("assurer_email") or row.get(f"{X}assurer", "")
            if not self.verification(service, "services", row, "assured_date"):
                continue
            if not self.service_numbers(service, row):
                continue
            self.slug(service, row, service.name_fr)
            self.save("services", row, service, created)

    def service_numbers(self, service, row):
        ages = {}
        for name in ("minimum_age", "maximum_age"):
            value = row.get(name)
            if value is not None and (value < 0 or value > 130 or value != int(value)):
                self.fail("services", row, name, f"{value} is not an age")
                return False
            ages[name] = None if value is None else int(value)
        if None not in ages.values() and ages["minimum_age"] > ages["maximum_age"]:
            self.fail("services", row, "minimum_age", "greater than maximum_age")
            return False
        service.minimum_age, service.maximum_age = ages["minimum_age"], ages["maximum_age"]
        return True

    def verification(self, record, table, row, date_property):
        """A record's verification stamp (its date, who confirmed it: staff or the
        organization); the staff account is never in a file, and stays as stored."""
        assured = row.get(date_property)
        try:
            record.assured_date = parse_date(assured) if assured else None
        except ValueError:
            self.fail(table, row, date_property, f"'{assured}' is not a date")
            return False
        source = row.get(f"{X}verification_source") or ""
        if source not in VerificationSource.values and source != "":
            self.fail(table, row, f"{X}verification_source", f"'{source}' is not a source")
            return False
        record.verification_source = source
        return True

    def stamp_services(self):
        """Keep `last_modified` as the source says (auto_now set it to now on save)."""
        for row in self.rows("services"):
            stamp = row.get("last_modified")
            service = self.objects.get(row["id"])
            if not stamp or not isinstance(service, Service):
                continue
            try:
                moment = datetime.datetime.fromisoformat(stamp)
            except ValueError:
                self.fail("services", row, "last_modified", f"'{stamp}' is not a date-time")
                continue
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=datetime.UTC)
            Service.objects.filter(pk=service.pk).update(modified=moment)

    def load_service_at_locations(self):
        for row in self.rows("service_at_location"):
            if row.get("location_id") in self.skipped:
                self.warn("service_at_location", row, "its location was skipped: skipped")
                continue
            service = self.known(Service, row.get("service_id"))
            location = self.known(Location, row.get("location_id"))
            for name, found in (("service_id", service), ("location_id", location)):
                if found is None:
                    self.fail("service_at_location", row, name, f"unknown '{row.get(name)}'")
            if service is None or location is None:
                continue
            sal = self.known(ServiceAtLocation, row["id"])
            sal = (
                sal or ServiceAtLocation.objects.filter(service=service, location=location).first()
            )
            created = sal is None
            sal = sal or ServiceAtLocation()
            sal.uuid, sal.service, sal.location = row["id"], service, location
            self.texts("service_at_location", sal, row, {"description": "description"})
            self.save("service_at_location", row, sal, created)

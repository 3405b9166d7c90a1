"""Tables ↔ nested HSDS JSON objects.

Export nests the tables into full service and organization objects (the compiled schemas);
import flattens anyone's nested objects back into tables, each record once by id, a child
taking its parent's id when it does not name it (a phone listed under a service belongs to it).
"""

from .profile import PREFIX

# Nested array or object property → (table, schema entity).
CHILDREN = {
    "accessibility": ("accessibility", "accessibility"),
    "addresses": ("addresses", "address"),
    "attributes": ("attributes", "attribute"),
    "contacts": ("contacts", "contact"),
    "cost_options": ("cost_options", "cost_option"),
    "funding": ("funding", "funding"),
    "languages": ("languages", "language"),
    "location": ("locations", "location"),
    "locations": ("locations", "location"),
    "metadata": ("metadata", "metadata"),
    "organization": ("organizations", "organization"),
    "organization_identifiers": ("organization_identifiers", "organization_identifier"),
    "phones": ("phones", "phone"),
    "program": ("programs", "program"),
    "programs": ("programs", "program"),
    "required_documents": ("required_documents", "required_document"),
    "schedules": ("schedules", "schedule"),
    "service": ("services", "service"),
    "service_areas": ("service_areas", "service_area"),
    "service_at_locations": ("service_at_location", "service_at_location"),
    "taxonomy_detail": ("taxonomies", "taxonomy"),
    "taxonomy_term": ("taxonomy_terms", "taxonomy_term"),
}
# A single nested object is referenced by its parent through this property.
REFERENCES = {
    "location": "location_id",
    "organization": "organization_id",
    "program": "program_id",
    "service": "service_id",
    "taxonomy_detail": "taxonomy_id",
    "taxonomy_term": "taxonomy_term_id",
}
SINGULAR = {
    "organizations": "organization",
    "services": "service",
    "locations": "location",
    "service_at_location": "service_at_location",
    "phones": "phone",
    "contacts": "contact",
    "taxonomy_terms": "taxonomy_term",
    "taxonomies": "taxonomy",
    "schedules": "schedule",
    "service_areas": "service_area",
    "addresses": "address",
    "accessibility": "accessibility",
    "languages": "language",
    "attributes": "attribute",
    "required_documents": "required_document",
    "programs": "program",
}


class Tables:
    """An index of table rows by a reference column, built once."""

    def __init__(self, tables):
        self.tables = tables
        self._indexes = {}

    def children(self, table, column, parent_id):
        key = (table, column)
        if key not in self._indexes:
            index = {}
            for row in self.tables.get(table, []):
                if row.get(column):
                    index.setdefault(row[column], []).append(row)
            self._indexes[key] = index
        return self._indexes[key].get(parent_id, [])

    def by_id(self, table, ident):
        return (self.children(table, "id", ident) or [None])[0]


def _with(row, **arrays):
    return {**row, **{k: v for k, v in arrays.items() if v}}


class Nester:
    def __init__(self, tables):
        self.t = Tables(tables)

    def metadata(self, ident):
        return self.t.children("metadata", "resource_id", ident)

    def attributes(self, entity, ident):
        """A record's attributes, each with its term nested (as HSDS nests them)."""
        return [
            _with(a, taxonomy_term=self.t.by_id("taxonomy_terms", a["taxonomy_term_id"]))
            for a in self.t.children("attributes", "link_id", ident)
            if a.get("link_entity", entity) == entity
        ]

    def location(self, row):
        ident = row["id"]
        return _with(
            row,
            addresses=self.t.children("addresses", "location_id", ident),
            accessibility=self.t.children("accessibility", "location_id", ident),
            phones=self.phones("location_id", ident),
            schedules=self.schedules("location_id", ident),
            attributes=self.attributes("location", ident),
            metadata=self.metadata(ident),
        )

    def phones(self, column, ident):
        return [
            _with(
                p,
                languages=self.t.children("languages", "phone_id", p["id"]),
                attributes=self.attributes("phone", p["id"]),
                metadata=self.metadata(p["id"]),
            )
            for p in self.t.children("phones", column, ident)
        ]

    def schedules(self, column, ident):
        return [
            _with(
                s, attributes=self.attributes("schedule", s["id"]), metadata=self.metadata(s["id"])
            )
            for s in self.t.children("schedules", column, ident)
        ]

    def service(self, row, full=True):
        ident = row["id"]
        organization = self.t.by_id("organizations", row.get("organization_id"))
        if not full:
            return _with(row, organization=organization)
        sals = []
        for sal in self.t.children("service_at_location", "service_id", ident):
            location = self.t.by_id("locations", sal["location_id"])
            sals.append(
                _with(
                    sal,
                    schedules=self.schedules("service_at_location_id", sal["id"]),
                    attributes=self.attributes("service_at_location", sal["id"]),
                    metadata=self.metadata(sal["id"]),
                    location=location and self.location(location),
                )
            )
        return _with(
            row,
            organization=organization,
            phones=self.phones("service_id", ident),
            schedules=self.schedules("service_id", ident),
            service_areas=[
                _with(a, attributes=self.attributes("service_area", a["id"]))
                for a in self.t.children("service_areas", "service_id", ident)
            ],
            service_at_locations=sals,
            languages=self.t.children("languages", "service_id", ident),
            required_documents=self.t.children("required_documents", "service_id", ident),
            cost_options=[
                _with(
                    c,
                    attributes=self.attributes("cost_option", c["id"]),
                    metadata=self.metadata(c["id"]),
                )
                for c in self.t.children("cost_options", "service_id", ident)
            ],
            attributes=self.attributes("service", ident),
            metadata=self.metadata(ident),
        )

    def organization(self, row, full=True):
        ident = row["id"]
        if not full:
            return row
        locations = [
            self.location(loc) for loc in self.t.children("locations", "organization_id", ident)
        ]
        return _with(
            row,
            phones=self.phones("organization_id", ident),
            locations=locations,
            attributes=self.attributes("organization", ident),
            metadata=self.metadata(ident),
        )

    def term(self, row):
        return _with(row, metadata=self.metadata(row["id"]))


def documents(tables):
    """{file name: [objects]} of a JSON export."""
    nester = Nester(tables)
    return {
        "services.json": [nester.service(r) for r in tables["services"]],
        "organizations.json": [nester.organization(r) for r in tables["organizations"]],
        "taxonomies.json": list(tables["taxonomies"]),
        "taxonomy_terms.json": [nester.term(r) for r in tables["taxonomy_terms"]],
    }


def flatten(objects, table, into, origin="", places=None):
    """Add `objects` (nested HSDS objects of `table`) and all they contain to `into`
    ({table: {id: row}}); a record met again (HSDS repeats an organization in each of its
    services) fills the gaps of the first copy. Returns the problems as (table, id, field,
    message):
    a top-level record given twice, or copies of one record that disagree on a value.
    `places` ({(table, id): place}) remembers where each record was first met, across calls."""
    places = {} if places is None else places
    problems = []
    for number, obj in enumerate(objects):
        _flatten(obj, table, None, into, f"{origin}[{number}]", places, problems)
    return problems


def _flatten(obj, table, parent, into, place, places, problems):
    if not isinstance(obj, dict):
        return
    row = {}
    for key, value in obj.items():
        if key in CHILDREN and not key.startswith(PREFIX) and isinstance(value, (dict, list)):
            child_table = CHILDREN[key][0]
            here = (table, obj.get("id"))
            if isinstance(value, dict):
                if key in REFERENCES and value.get("id"):
                    row.setdefault(REFERENCES[key], value["id"])
                _flatten(value, child_table, here, into, f"{place}.{key}", places, problems)
            else:
                for number, item in enumerate(value):
                    _flatten(
                        item, child_table, here, into, f"{place}.{key}[{number}]", places, problems
                    )
        else:
            row[key] = value
    if parent is not None and parent[1]:
        parent_table, parent_id = parent
        singular = SINGULAR.get(parent_table, parent_table)
        if table == "attributes":
            row.setdefault("link_id", parent_id)
            row.setdefault("link_entity", singular)
        elif table == "metadata":
            row.setdefault("resource_id", parent_id)
            row.setdefault("resource_type", singular)
        elif table not in (
            "organizations",
            "locations",
            "taxonomy_terms",
            "taxonomies",
            "services",
        ):
            row.setdefault(f"{singular}_id", parent_id)
        elif table == "locations" and parent_table == "organizations":
            row.setdefault("organization_id", parent_id)
    ident = row.get("id")
    bucket = into.setdefault(table, {})
    key = ident if isinstance(ident, str) else f"#{len(bucket)}"
    top = parent is None
    if key not in bucket:
        bucket[key] = row
        places[(table, key)] = (place, top)
        return
    first, first_top = places.get((table, key), ("?", False))
    if top and first_top:
        problems.append((table, key, "id", f"given twice in the file: at {first} and at {place}"))
        return
    if top:
        places[(table, key)] = (place, True)
    kept = bucket[key]
    for name, value in row.items():
        if name not in kept:
            kept[name] = value
        elif kept[name] != value:
            problems.append((table, key, name, f"copies disagree: at {first} and at {place}"))

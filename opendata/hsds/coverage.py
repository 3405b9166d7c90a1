"""What an import keeps, and the report of what it does not: every property of a table that the
loading steps do not read is counted and reported by path (`services.fees: 10 record(s) not
stored`), properties HSDS 3.0 does not define apart (`... not an HSDS 3.0 property`).

KEPT lists, per table, the properties the loading steps read (load_core.py, load_details.py,
load_taxonomies.py), with the ones they read to find a record's place or owner. Keep it in step
with them: a test imports our own export and expects no line in the report.
"""

from . import validation
from .profile import PREFIX, SERVICE_TEXT_FIELDS

X = PREFIX
KEPT = {
    "organizations": {
        "id",
        "name",
        "alternate_name",
        "description",
        "email",
        "website",
        "legal_status",
        "year_incorporated",
        f"{X}slug",
        f"{X}active",
        f"{X}assured_date",
        f"{X}assurer",
        f"{X}verification_source",
    },
    "services": {
        "id",
        "organization_id",
        *SERVICE_TEXT_FIELDS,
        "url",
        "email",
        "status",
        "minimum_age",
        "maximum_age",
        "assured_date",
        "assurer_email",
        "last_modified",
        f"{X}slug",
        f"{X}is_free",
        f"{X}assurer",
        f"{X}verification_source",
    },
    "locations": {
        "id",
        "organization_id",
        "location_type",
        "url",
        "name",
        "description",
        "transportation",
        "latitude",
        "longitude",
        f"{X}confidential",
        f"{X}wheelchair_accessible",
        f"{X}clear",
    },
    # region, state_province and country follow from the city, which the gazetteer places.
    "addresses": {
        "id",
        "location_id",
        "address_1",
        "address_2",
        "city",
        "region",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    },
    "accessibility": {"id", "location_id", "description"},
    "service_at_location": {"id", "service_id", "location_id", "description"},
    "phones": {
        "id",
        "organization_id",
        "service_id",
        "location_id",
        "number",
        "extension",
        "type",
        "description",
        f"{X}position",
        f"{X}extension",
    },
    "schedules": {
        "id",
        "service_id",
        "location_id",
        "service_at_location_id",
        "valid_from",
        "valid_to",
        "freq",
        "wkst",
        "interval",
        "dtstart",
        "until",
        "count",
        "byday",
        "opens_at",
        "closes_at",
        "description",
        f"{X}schedule_id",
        f"{X}closed_on_holidays",
        f"{X}closures",
    },
    "service_areas": {
        "id",
        "service_id",
        "name",
        "description",
        "extent",
        "extent_type",
        f"{X}scope",
        f"{X}territory",
        f"{X}municipalities",
    },
    "languages": {"id", "service_id", "phone_id", "name", "code"},
    "cost_options": {
        "id",
        "service_id",
        "option",
        "amount",
        "currency",
        "amount_description",
        "valid_from",
        "valid_to",
    },
    # `label` is HSDS 3.1's; our exports write it as `x211_label` (HSDS 3.0 has no such field).
    "attributes": {
        "id",
        "link_id",
        "link_entity",
        "link_type",
        "taxonomy_term_id",
        "value",
        "label",
        f"{X}label",
    },
    # A feed's terms are kept as they are (load_taxonomies.py); for our own taxonomy's terms,
    # `taxonomy` and `language` are those of the taxonomy and the file.
    "taxonomy_terms": {
        "id",
        "taxonomy",
        "language",
        "taxonomy_id",
        "code",
        "name",
        "description",
        "parent_id",
        "term_uri",
        f"{X}airs_code",
        f"{X}position",
    },
    # Our sectors are one fixed taxonomy; a feed's taxonomies are kept.
    "taxonomies": {"id", "name", "description", "uri", "version"},
    "required_documents": {"id", "service_id", "document"},
    "metadata": {
        "id",
        "resource_id",
        "resource_type",
        "last_action_date",
        "last_action_type",
        "field_name",
        "previous_value",
        "replacement_value",
        "updated_by",
    },
}
# Our profile's extras read on any record: the language of the file and the fallback list.
EVERYWHERE = {f"{X}language", f"{X}fallback"}


def is_kept(table, name):
    if name in KEPT.get(table, ()) or name in EVERYWHERE:
        return True
    # The other language of a translated text: x211_<property>_fr, x211_<property>_en.
    if name.startswith(X) and name.endswith(("_fr", "_en")):
        return name[len(X) : -3] in KEPT.get(table, ())
    return False


def not_kept(tables):
    """["table.property: N record(s) not stored", ...] for every property with a value that no
    loading step reads (whole tables we do not store are reported by the importer)."""
    counts = {}
    for table, rows in tables.items():
        if table not in KEPT:
            continue
        for row in rows.values():
            for name, value in row.items():
                if value in (None, "", [], {}) or is_kept(table, name):
                    continue
                counts[(table, name)] = counts.get((table, name), 0) + 1
    lines = []
    for (table, name), count in sorted(counts.items()):
        schema = validation.load_schema(validation.TABLES[table])["properties"]
        known = name in schema or name.startswith(X)
        suffix = "" if known else " (not an HSDS 3.0 property)"
        lines.append(f"{table}.{name}: {count} record(s) not stored{suffix}")
    return lines

"""The spreadsheet's columns: which record and field each one fills (docs/spreadsheet-import.md).

One row per service, with its organization and (optionally) one location. A translated field
has a column per language (`_fr`, `_en`) and fills the model's field of that language
(modeltranslation's `name_fr`, `name_en`). Column names are lower case; their order is free.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    record: str  # "organization", "service", "location", or "" (read by the loader itself)
    field: str  # the model field it fills ("" for the ones the loader reads itself)
    kind: str = "text"  # text, integer, boolean, decimal


def _translated(record, prefix, field):
    return {f"{prefix}_{code}": Column(record, f"{field}_{code}") for code in ("fr", "en")}


COLUMNS = {
    # The organization: matched by organization_id, else by its French name.
    "organization_id": Column("", ""),
    **_translated("organization", "organization_name", "name"),
    **_translated("organization", "organization_description", "description"),
    "organization_website": Column("organization", "website"),
    "organization_email": Column("organization", "email"),
    "organization_phone": Column("", ""),
    # The service: matched by service_id, else by its organization and French name.
    "service_id": Column("", ""),
    **_translated("service", "service_name", "name"),
    **_translated("service", "service_description", "description"),
    **_translated("service", "eligibility", "eligibility_description"),
    **_translated("service", "fees", "fees_description"),
    **_translated("service", "application_process", "application_process"),
    "service_url": Column("service", "url"),
    "service_email": Column("service", "email"),
    "service_phone": Column("", ""),
    "service_phone_extension": Column("", ""),
    "is_free": Column("service", "is_free", "boolean"),
    "minimum_age": Column("service", "minimum_age", "integer"),
    "maximum_age": Column("service", "maximum_age", "integer"),
    "sectors": Column("", ""),
    # The location (optional): matched among its organization's by address and municipality.
    **_translated("location", "location_name", "name"),
    "address_1": Column("location", "address_1"),
    "address_2": Column("location", "address_2"),
    "municipality": Column("", ""),
    "postal_code": Column("location", "postal_code"),
    "latitude": Column("location", "latitude", "decimal"),
    "longitude": Column("location", "longitude", "decimal"),
}

REQUIRED_COLUMNS = ("organization_name_fr", "service_name_fr")
# The columns that make a row name a location.
LOCATION_COLUMNS = tuple(
    name for name, column in COLUMNS.items() if column.record == "location"
) + ("municipality",)

TRUE_WORDS = {"oui", "o", "yes", "y", "vrai", "true", "1", "x"}
FALSE_WORDS = {"non", "n", "no", "faux", "false", "0"}


def columns_of(record):
    """{column: Column} of the plain fields of `record`."""
    return {name: column for name, column in COLUMNS.items() if column.record == record}

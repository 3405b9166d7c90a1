"""Validation against the official HSDS 3.0 schemas (copied into ./schema, CC BY-SA 4.0).

The schema files reference each other by file name ("phone.json"); a registry serves them from
disk, so nothing is fetched. Draft 2020-12 with format checks (uuid, email...), by jsonschema-rs
(compiled; the pure-Python jsonschema took about 11 ms a service record, most of an import's
time: docs/hsds-profile.md).
"""

import functools
import json
from pathlib import Path

import jsonschema_rs

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
BASE_URI = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"

# Table name (tabular package, also our internal form) → schema file.
TABLES = {
    "organizations": "organization",
    "programs": "program",
    "services": "service",
    "service_at_location": "service_at_location",
    "locations": "location",
    "addresses": "address",
    "phones": "phone",
    "schedules": "schedule",
    "service_areas": "service_area",
    "languages": "language",
    "accessibility": "accessibility",
    "attributes": "attribute",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
    "metadata": "metadata",
    "contacts": "contact",
    "funding": "funding",
    "cost_options": "cost_option",
    "required_documents": "required_document",
    "organization_identifiers": "organization_identifier",
    "meta_table_descriptions": "meta_table_description",
}


def load_schema(name):
    with open(SCHEMA_DIR / f"{name}.json", encoding="utf-8") as handle:
        return json.load(handle)


@functools.cache
def _registry():
    return jsonschema_rs.Registry(
        [
            (BASE_URI + path.name, load_schema(path.stem))
            for path in SCHEMA_DIR.glob("*.json")
            if path.stem in TABLES.values()
        ],
        draft=jsonschema_rs.Draft202012,
    )


@functools.cache
def validator(entity):
    """A validator for one HSDS object (nested objects checked through their own schemas)."""
    return jsonschema_rs.Draft202012Validator(
        {"$ref": BASE_URI + f"{entity}.json"}, registry=_registry(), validate_formats=True
    )


@functools.cache
def columns(entity):
    """The flat (one-to-one) fields of an entity, in the official order: its CSV columns."""
    return [
        name
        for name, spec in load_schema(entity)["properties"].items()
        if spec.get("type") in ("string", "number", "integer", "boolean")
    ]


@functools.cache
def tabular_required(entity):
    schema = load_schema(entity)
    return list(schema.get("required", [])) + list(schema.get("tabular_required", []))


def errors(entity, obj):
    """[(field path, message)] for one object; empty when valid."""
    found = []
    for error in sorted(validator(entity).iter_errors(obj), key=lambda e: list(e.instance_path)):
        path = ".".join(str(p) for p in error.instance_path) or "(object)"
        found.append((path, error.message))
    return found


def check_document(entity, obj):
    """Raise ValueError listing every schema violation of `obj` (used on our own exports)."""
    problems = errors(entity, obj)
    if problems:
        ident = obj.get("id", "?") if isinstance(obj, dict) else "?"
        listed = "; ".join(f"{path}: {message}" for path, message in problems[:10])
        raise ValueError(f"{entity} {ident} does not validate against HSDS 3.0: {listed}")

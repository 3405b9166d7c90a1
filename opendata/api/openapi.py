"""Our OpenAPI description: the official HSDS 3.0 one (opendata/hsds/schema/openapi.json),
made self-contained (the HSDS schemas as components, no remote $ref) and completed with what
this API does: our profile's `x211_` properties, `lang`, bounds of page sizes, 400 and 404."""

import copy
import functools

from django.conf import settings

from ..hsds.validation import BASE_URI, load_schema
from . import params

PROFILE_PATH = settings.BASE_DIR / "docs" / "hsds-profile.md"
ENTITIES = [
    "accessibility",
    "address",
    "attribute",
    "contact",
    "cost_option",
    "funding",
    "language",
    "location",
    "metadata",
    "organization",
    "organization_identifier",
    "phone",
    "program",
    "required_document",
    "schedule",
    "service",
    "service_area",
    "service_at_location",
    "taxonomy",
    "taxonomy_term",
]
# Keywords of the HSDS files that are not JSON Schema (data-package and documentation hints).
NOT_SCHEMA = {
    "name",
    "constraints",
    "core",
    "datapackage_metadata",
    "datapackage_type",
    "tabular_required",
    "path",
    "example",
}
REFS = {
    "compiled/service.json": "service",
    "compiled/service_list.json": "service_list",
    "compiled/organization.json": "organization",
    "compiled/organization_list.json": "organization_list",
    "compiled/service_at_location_list.json": "service_at_location_list",
    "taxonomy.json": "taxonomy",
    "taxonomy_term.json": "taxonomy_term",
}
TEXT, FLAG, INT = {"type": "string"}, {"type": "boolean"}, {"type": "integer"}
COMMON_EXTRAS = {
    "x211_fallback": {
        "type": "array",
        "items": TEXT,
        "description": "Standard fields holding French text because no English text exists.",
    },
}
EXTRAS = {
    "organization": {
        "x211_slug": TEXT,
        "x211_active": FLAG,
        "x211_language": TEXT,
        "x211_assured_date": {"type": "string", "format": "date"},
        "x211_assurer": TEXT,
        "x211_verification_source": {"type": "string", "enum": ["staff", "organization"]},
    },
    "service": {
        "x211_slug": TEXT,
        "x211_is_free": FLAG,
        "x211_language": TEXT,
        "x211_assurer": TEXT,
        "x211_verification_source": {"type": "string", "enum": ["staff", "organization"]},
    },
    "location": {"x211_confidential": FLAG, "x211_wheelchair_accessible": FLAG},
    "phone": {"x211_position": INT, "x211_extension": TEXT},
    "schedule": {
        "x211_schedule_id": {"type": "string", "format": "uuid"},
        "x211_closed_on_holidays": FLAG,
        "x211_closures": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["start_date", "end_date"],
                "properties": {"start_date": TEXT, "end_date": TEXT, "reason": TEXT},
            },
        },
    },
    "service_area": {
        "x211_scope": {"enum": ["local", "mrc", "region", "metro", "province"]},
        "x211_territory": TEXT,
        "x211_municipalities": {"type": "array", "items": TEXT},
    },
    "taxonomy_term": {"x211_airs_code": TEXT, "x211_position": INT, "x211_language": TEXT},
}
ERROR = {
    "type": "object",
    "required": ["error", "status"],
    # `parameter` names the bad query parameter; null (or absent) when no one parameter is at
    # fault (a request too large, an unknown address, a server or database error).
    "properties": {"error": TEXT, "status": INT, "parameter": {"type": ["string", "null"]}},
}


def clean(schema):
    """A HSDS schema file as plain JSON Schema with references into components."""
    if isinstance(schema, list):
        return [clean(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key in NOT_SCHEMA:
            continue
        if key == "properties":
            out[key] = {name: clean(spec) for name, spec in value.items()}
        elif key == "$ref":
            out[key] = "#/components/schemas/" + value.removesuffix(".json")
        else:
            out[key] = clean(value)
    return out


def with_profile(entity, schema):
    schema["properties"].update({**COMMON_EXTRAS, **EXTRAS.get(entity, {})})
    schema["patternProperties"] = {
        "^x211_.+_(fr|en)$": {"type": "string", "description": "The other language's text."}
    }
    return schema


def list_schema(entity, keep_objects):
    full = components_base()[entity]
    schema = copy.deepcopy(full)
    schema["properties"] = {
        name: spec
        for name, spec in full["properties"].items()
        if "$ref" not in spec and spec.get("type") != "array" or name in keep_objects
    }
    return schema


@functools.cache
def components_base():
    return {e: with_profile(e, clean(load_schema(e))) for e in ENTITIES}


def schemas():
    found = dict(components_base())
    found["service_list"] = list_schema("service", {"organization", "program"})
    found["service_list"]["properties"]["organization"] = {
        "$ref": "#/components/schemas/organization_list"
    }
    found["organization_list"] = list_schema("organization", set())
    found["service_at_location_list"] = list_schema("service_at_location", {"location"})
    found["service_at_location_list"]["properties"]["service"] = {
        "$ref": "#/components/schemas/service_list"
    }
    found["Error"] = ERROR
    return found


def rewrite_refs(node):
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith(BASE_URI):
            node["$ref"] = "#/components/schemas/" + REFS[ref.removeprefix(BASE_URI)]
        for value in node.values():
            rewrite_refs(value)
    elif isinstance(node, list):
        for value in node:
            rewrite_refs(value)


def error_response(description):
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


@functools.cache
def document():
    spec = copy.deepcopy(load_schema("openapi"))
    rewrite_refs(spec)
    spec["info"] = {
        "title": "Répertoire 211 — MRC de L'Assomption: HSDS 3.0 API",
        "version": "1.0.0",
        "summary": "Read-only Open Referral HSDS 3.0 API of the bilingual 211 directory.",
        "description": (
            "Organizations, services, locations and sectors of the Répertoire 211, in French "
            "or English (`lang=` or Accept-Language). Profile: /api/profile (x211_ properties "
            "carry the other language and what HSDS lacks). HSDS schemas © Open Referral, "
            "CC BY-SA 4.0."
        ),
        "license": {"name": "CC BY-SA 4.0", "identifier": "CC-BY-SA-4.0"},
    }
    spec["servers"] = [{"url": "/api"}]
    components = spec["components"]
    components["schemas"].update(schemas())
    page_params = components["parameters"]
    page_params["page"]["schema"] = {"type": "integer", "minimum": 1, "maximum": 1_000_000}
    page_params["per_page"]["schema"] = {
        "type": "integer",
        "minimum": 1,
        "maximum": params.MAX_PER_PAGE,
    }
    page_params["modified_after"]["schema"] = {"type": "string", "format": "date-time"}
    page_params["proximity"]["schema"] = {"type": "number", "exclusiveMinimum": 0}
    page_params["proximity"]["description"] += " Needs `postcode`."
    page_params["lang"] = {
        "name": "lang",
        "in": "query",
        "required": False,
        "description": "Language of the standard fields (default: Accept-Language, then fr).",
        "schema": {"enum": ["fr", "en"]},
    }
    sal = spec["paths"]["/service_at_locations/{id}"]["get"]["responses"]["200"]
    sal["content"]["application/json"]["schema"] = {
        "$ref": "#/components/schemas/service_at_location"
    }
    for path, item in spec["paths"].items():
        for parameter in item.get("parameters", []):
            parameter["schema"] = {"type": "string", "format": "uuid"}
        operation = item["get"]
        operation.setdefault("parameters", []).append({"$ref": "#/components/parameters/lang"})
        operation["responses"]["400"] = error_response("A parameter has a bad value.")
        operation["responses"]["429"] = {
            **error_response(
                "Too many requests from this client (RATELIMIT_API, docs/security.md)."
            ),
            "headers": {
                "Retry-After": {
                    "description": "Seconds to wait before asking again.",
                    "schema": {"type": "integer", "minimum": 1},
                }
            },
        }
        if "{id}" in path:
            operation["responses"]["404"] = error_response("No record has this id.")
    return spec


def openapi_document(request):
    return document()

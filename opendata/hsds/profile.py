"""The Répertoire 211 HSDS profile: stable ids, language handling and the `x211_` extras.

HSDS 3.0 has no translation mechanism, so an export puts one language in the standard fields and
carries the other in `x211_<field>_<lang>` properties (docs/hsds-profile.md). Objects we store
without a UUID of their own (an address, a service's language, a sector link) get a UUID derived
from their owner's, so every export of the same data gives the same ids.
"""

import uuid

from modeltranslation.translator import translator

HSDS_VERSION = "3.0"
PREFIX = "x211_"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
NAMESPACE = uuid.UUID("6f2c1d8e-0b1a-5c7e-9a44-2110a55e0211")
# Our sectors form one taxonomy; its id is fixed so that every export names it the same way.
TAXONOMY_ID = str(uuid.uuid5(NAMESPACE, "taxonomy/sectors"))
TAXONOMY_NAMES = {
    "fr": ("Secteurs du Répertoire 211", "Secteurs et sous-secteurs des ressources du Répertoire."),
    "en": ("Répertoire 211 sectors", "Sectors and subsectors of the directory's resources."),
}
LANGUAGE_CODES = {"fr": "fra", "en": "eng"}
# The service texts that map one to one to HSDS `service` fields (both ways).
SERVICE_TEXT_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "alert",
    "eligibility_description",
    "fees_description",
    "application_process",
    "interpretation_services",
)


# Our extras (`x211_<name>`): their type, and their items' type for arrays. An import refuses
# a value of another type; a CSV package reads its cells back with them. Translated texts
# (`x211_<field>_fr`, `x211_<field>_en`) are strings. A `x211_clear` cell may be plain names.
EXTRA_TYPES = {
    "active": ("boolean",),
    "airs_code": ("string",),
    "assurer": ("string",),
    "clear": ("array", "string"),
    "closed_on_holidays": ("boolean",),
    "closures": ("array", "object"),
    "confidential": ("boolean",),
    "extension": ("string",),
    "fallback": ("array", "string"),
    "is_free": ("boolean",),
    "label": ("string",),
    "language": ("string",),
    "municipalities": ("array", "string"),
    "position": ("integer",),
    "schedule_id": ("string",),
    "scope": ("string",),
    "slug": ("string",),
    "territory": ("string",),
    "wheelchair_accessible": ("boolean",),
}
PYTHON_TYPES = {"array": list, "boolean": bool, "object": dict, "string": str}


def extra_problem(name, value):
    """Why the value of our extra `name` is not of its type, or None (also for names that are
    not ours: they are never read)."""
    short = name[len(PREFIX) :]
    if short not in EXTRA_TYPES and not short.endswith(("_fr", "_en")):
        return None
    kind, *items = EXTRA_TYPES.get(short, ("string",))
    if kind == "integer":
        fine = isinstance(value, int) and not isinstance(value, bool)
    else:
        fine = isinstance(value, PYTHON_TYPES[kind]) or (
            short == "clear" and isinstance(value, str)
        )
    if not fine:
        return f"{value!r:.60} is not of type '{kind}'"
    if kind == "array" and items:
        wrong = [v for v in value if not isinstance(v, PYTHON_TYPES[items[0]])]
        if wrong:
            return f"{wrong[0]!r:.60} is not of type '{items[0]}'"
    return None


def derived_id(owner_uuid, *parts):
    """A stable UUID for a record we keep inside its owner (address, language, sector link)."""
    return str(uuid.uuid5(NAMESPACE, "/".join([str(owner_uuid), *map(str, parts)])))


def other_language(language):
    return "en" if language == "fr" else "fr"


def translated_fields(model):
    try:
        return set(translator.get_options_for_model(model).all_fields)
    except Exception:  # noqa: BLE001 - a model without translation options has none
        return set()


def put_text(row, obj, field, language, hsds_name=None):
    """Write a translated field: `language` in the standard property (English falling back to
    French, listed in `x211_fallback`), the other language in `x211_<name>_<other>`."""
    name = hsds_name or field
    own = getattr(obj, f"{field}_{language}") or ""
    other = getattr(obj, f"{field}_{other_language(language)}") or ""
    if not own and language != DEFAULT_LANGUAGE and other:
        row.setdefault(f"{PREFIX}fallback", []).append(name)
        own = other
    if own:
        row[name] = own
    if other:
        row[f"{PREFIX}{name}_{other_language(language)}"] = other


def get_text(row, name, language):
    """{`name_fr`: ..., `name_en`: ...} read back from a row written by put_text (or anyone's)."""
    other = other_language(language)
    fallback = name in (row.get(f"{PREFIX}fallback") or [])
    return {
        language: "" if fallback else (row.get(name) or ""),
        other: row.get(f"{PREFIX}{name}_{other}") or "",
    }


def set_text(obj, field, texts):
    for code, value in texts.items():
        setattr(obj, f"{field}_{code}", value)


def compact(row):
    """Drop empty values: HSDS objects omit what they do not know."""
    return {k: v for k, v in row.items() if v not in ("", None, [], {})}

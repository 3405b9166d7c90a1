"""`import_hsds --mapping FILE`: another feed's own property names onto ours.

A feed written by another tool may carry what our profile's extras carry under names of its
own: a `name_en` field, a `confidential` or `is_free` flag. The mapping file is a JSON object,
table by table (`"*"` for every table), of their property → ours:

    {"locations": {"confidential": "x211_confidential", "name_en": "x211_name_en"},
     "services": {"free": "x211_is_free", "description_en": "x211_description_en"}}

A target is one of our extras (docs/hsds-profile.md) or a property HSDS 3.0 defines for that
table. Values mapped onto a yes/no extra may be written true/false, yes/no, oui/non or 1/0.
The mapping is applied to every record, nested ones included, after the official schemas are
checked (so it cannot supply a required property) and before our own checks: the extras'
types and the confidentiality hints.
"""

import json
from pathlib import Path

from . import validation
from .profile import EXTRA_TYPES, PREFIX

TRUE = {"true", "yes", "oui", "1", "y", "o"}
FALSE = {"false", "no", "non", "0", "n"}


class MappingError(Exception):
    pass


def _target_ok(table, target):
    if target.startswith(PREFIX):
        short = target[len(PREFIX) :]
        return short in EXTRA_TYPES or short.endswith(("_fr", "_en"))
    entity = validation.TABLES.get(table)
    return entity is not None and target in validation.load_schema(entity)["properties"]


def read_mapping(path):
    """{table: {their property: ours}} from a mapping file; MappingError says what is wrong."""
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MappingError(f"{path}: not readable JSON ({exc})") from None
    if not isinstance(data, dict):
        raise MappingError(f"{path}: expected an object of tables")
    for table, pairs in data.items():
        if table != "*" and table not in validation.TABLES:
            raise MappingError(f"{path}: '{table}' is not an HSDS table")
        if not isinstance(pairs, dict) or not all(isinstance(v, str) for v in pairs.values()):
            raise MappingError(f"{path}: {table}: expected an object of property names")
        for theirs, ours in pairs.items():
            tables = validation.TABLES if table == "*" else [table]
            if not any(_target_ok(t, ours) for t in tables):
                raise MappingError(
                    f"{path}: {table}.{theirs}: '{ours}' is neither one of our extras nor an "
                    f"HSDS 3.0 property of {table}"
                )
    return data


def _value(ours, value):
    kind = EXTRA_TYPES.get(ours[len(PREFIX) :], ("string",))[0] if ours.startswith(PREFIX) else ""
    if kind == "boolean" and isinstance(value, (str, int)) and not isinstance(value, bool):
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
    return value


def apply(mapping, tables):
    """Rename mapped properties in every row of `tables`; returns the problems as
    (table, id, property, message)."""
    problems = []
    for table, rows in tables.items():
        pairs = {**mapping.get("*", {}), **mapping.get(table, {})}
        if not pairs:
            continue
        for ident, row in rows.items():
            for theirs, ours in pairs.items():
                if theirs not in row:
                    continue
                value = _value(ours, row.pop(theirs))
                if ours in row and row[ours] != value:
                    problems.append((table, ident, theirs, f"maps onto {ours}, given too"))
                    continue
                row[ours] = value
    return problems

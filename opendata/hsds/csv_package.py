"""The HSDS tabular data package: one CSV file per table and its `datapackage.json`.

Columns are the official fields in the official order, then our `x211_` extras (sorted);
the datapackage describes both. Lists and objects in extras are JSON in their cell.
"""

import copy
import csv
import io
import json

from .profile import EXTRA_TYPES, PREFIX
from .validation import SCHEMA_DIR, TABLES, columns, load_schema

FILE_NAMES = {
    table: load_schema(entity).get("path", f"{table}.csv") for table, entity in TABLES.items()
}


def extra_type(name):
    return EXTRA_TYPES.get(name[len(PREFIX) :], ("string",))[0]


def table_columns(table, rows):
    official = columns(TABLES[table])
    extras = sorted({k for row in rows for k in row if k not in official})
    return official, extras


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def write_table(table, rows):
    official, extras = table_columns(table, rows)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(official + extras)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in official + extras])
    return out.getvalue()


def datapackage(tables, language):
    """The official datapackage, limited to the tables we write, with our extra fields."""
    with open(SCHEMA_DIR / "datapackage.json", encoding="utf-8") as handle:
        package = json.load(handle)
    package = copy.deepcopy(package)
    resources = []
    for resource in package["resources"]:
        table = next((t for t, path in FILE_NAMES.items() if path == resource["path"]), None)
        if table not in tables:
            continue
        _, extras = table_columns(table, tables[table])
        for name in extras:
            resource["schema"]["fields"].append(
                {"name": name, "type": extra_type(name), "x211_profile": True}
            )
        resources.append(resource)
    package["resources"] = resources
    package[f"{PREFIX}language"] = language
    package[f"{PREFIX}profile"] = "docs/hsds-profile.md"
    return package


def _number(text):
    try:
        return int(text)
    except ValueError:
        return float(text)


def typed(table, row):
    """A CSV row (all text) with HSDS and profile types restored; empty cells dropped."""
    entity = load_schema(TABLES[table])
    schema, required = entity["properties"], entity.get("required", [])
    out = {}
    for name, text in row.items():
        if name is None or text is None:
            continue
        if text == "":
            # An empty cell is an absent value, except for a required text (an empty string).
            if name in required and schema[name].get("type") == "string":
                out[name] = ""
            continue
        kind = schema[name].get("type") if name in schema else extra_type(name)
        try:
            if kind in ("number", "integer"):
                out[name] = _number(text)
            elif kind == "boolean":
                out[name] = {"true": True, "false": False}.get(text.lower(), text)
            elif kind in ("array", "object") and name.startswith(PREFIX):
                out[name] = json.loads(text)
            else:
                out[name] = text
        except (ValueError, RecursionError):
            # Left as text: validation reports the wrong type (a cell nested too deeply for
            # the JSON reader is no list either).
            out[name] = text
    return out


# Python's csv module refuses cells over 128 KiB with an error naming no column; the import's
# own size rule (text_limits) names the record and field, so cells up to this size are read.
CELL_LIMIT = 64 * 1024 * 1024
csv.field_size_limit(max(csv.field_size_limit(), CELL_LIMIT))


def read_table(handle, table, origin=""):
    """(typed rows, errors): a file the csv module cannot read is an error with its line."""
    reader = csv.DictReader(handle)
    rows, errors = [], []
    try:
        rows.extend(typed(table, row) for row in reader)
    except csv.Error as exc:
        errors.append(f"{origin or table}: line {reader.line_num}: not readable CSV ({exc})")
    return rows, errors

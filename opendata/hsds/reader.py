"""Read an HSDS 3.0 source into tables ({table: {id: row}}) and list what breaks the schemas.

Accepted: our exports (a folder of JSON files, or a CSV package), anyone's JSON (one object,
a list, an API page with `contents`, the tabular form keyed by CSV file name) or CSV files.
"""

import json
import math
import re
import uuid
from pathlib import Path

from resources.text_limits import ANY_IMPORTED_TEXT

from . import csv_package, nesting, validation
from .mapping import apply as apply_mapping
from .profile import PREFIX, extra_problem

# HSDS objects nest about ten levels deep (service → service_at_locations → location →
# schedules → metadata, with their arrays); a file nested deeper is refused before it is read.
MAX_DEPTH = 32

# File-name words → the entity its objects are (checked most specific first).
NAME_HINTS = [
    ("service_at_location", "service_at_location"),
    ("taxonomy_term", "taxonomy_term"),
    ("taxonom", "taxonomy"),
    ("organization", "organization"),
    ("location", "location"),
    ("service", "service"),
]
ENTITY_TABLES = {entity: table for table, entity in validation.TABLES.items()}
# What we do not store: a schema violation there cannot harm our data, so it is only a warning
# (the official tabular example itself gives numbers for text identifiers).
NOT_STORED_ENTITIES = {
    "contact",
    "funding",
    "program",
    "organization_identifier",
    "meta_table_description",
}
NOT_STORED_FIELDS = {
    "organization": {"tax_status", "tax_id", "logo", "uri", "parent_organization_id"},
    "location": {"alternate_name", "external_identifier", "external_identifier_type"},
    "service": {"program_id", "wait_time", "fees", "accreditations", "licenses"},
}


def hazards(value, path=""):
    """[(path, message)] for what no import takes: nesting deeper than MAX_DEPTH, a number that
    is not finite (JSON's NaN, Infinity), a text longer than ANY_IMPORTED_TEXT or holding a NUL
    character (PostgreSQL stores none)."""
    found, stack = [], [(value, path, 0)]
    while stack:
        item, where, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth >= MAX_DEPTH:
                found.append((where, f"nested more than {MAX_DEPTH} levels deep"))
                continue
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                step = f"{where}[{key}]" if isinstance(item, list) else f"{where}.{key}"
                stack.append((child, step.lstrip("."), depth + 1))
        elif isinstance(item, float) and not math.isfinite(item):
            found.append((where, f"{item} is not a number"))
        elif isinstance(item, str) and len(item) > ANY_IMPORTED_TEXT:
            found.append((where, f"{len(item)} characters: no text may exceed {ANY_IMPORTED_TEXT}"))
        elif isinstance(item, str) and "\x00" in item:
            found.append((where, "contains a NUL character"))
    return sorted(found)


def deepest_point(text):
    """(line, column) where `text` (JSON) first nests deeper than MAX_DEPTH, or None."""
    depth = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                return line, match.start() - text.rfind("\n", 0, match.start())
        elif token in "]}":
            depth -= 1
    return None


class Source:
    def __init__(self):
        self.tables = {}
        self.errors = []
        self.warnings = []
        self.language = None
        # Where each record was first met ({(table, id): (place, top level)}): a record given
        # twice in one import is refused with both places.
        self.places = {}

    def serious(self, entity, found, obj):
        """Keep the violations that matter; the others become warnings."""
        kept = []
        for path, message in found:
            field = path.split(".")[0]
            if entity in NOT_STORED_ENTITIES or field in NOT_STORED_FIELDS.get(entity, ()):
                self.warnings.append(f"{entity} {obj.get('id', '?')}: {path}: {message} (ignored)")
            else:
                kept.append((path, message))
        return kept

    def problem(self, entity, obj, path, message):
        ident = obj.get("id", "?") if isinstance(obj, dict) else "?"
        self.errors.append(f"{entity} {ident}: {path}: {message}")

    def safe(self, entity, obj, place):
        """False (with the errors) for an object no import takes (see hazards)."""
        found = hazards(obj)
        for path, message in found:
            self.problem(entity, obj, path or place, message)
        return not found

    def add_objects(self, entity, objects, origin=""):
        good = []
        for number, obj in enumerate(objects):
            if not isinstance(obj, dict):
                self.errors.append(f"{entity}: (object): expected an object, got {obj!r:.60}")
                continue
            if not self.safe(entity, obj, f"{origin}[{number}]"):
                continue
            found = self.serious(entity, validation.errors(entity, obj), obj)
            for path, message in found:
                self.problem(entity, obj, path, message)
            if not found:
                good.append(obj)
        table = ENTITY_TABLES[entity]
        for where, ident, field, message in nesting.flatten(
            good, table, self.tables, origin or table, self.places
        ):
            self.errors.append(f"{validation.TABLES[where]} {ident}: {field}: {message}")

    def add_rows(self, table, rows, origin=""):
        """Flat rows of a table (CSV or tabular JSON): schema plus tabular required columns."""
        entity = validation.TABLES[table]
        bucket = self.tables.setdefault(table, {})
        for number, row in enumerate(rows, start=2):
            place = f"{origin or table} row {number}"
            if not self.safe(entity, row, place):
                continue
            found = self.serious(entity, validation.errors(entity, row), row)
            found += [
                (column, "required column is empty")
                for column in validation.tabular_required(entity)
                if column not in row and column not in validation.load_schema(entity)["required"]
            ]
            for path, message in found:
                self.errors.append(f"{table} {row.get('id', f'row {number}')}: {path}: {message}")
            if found:
                continue
            first = self.places.get((table, row["id"]))
            if first:
                self.errors.append(
                    f"{table} {row['id']}: id: given twice in the file: at {first[0]} and at "
                    f"{place}"
                )
                continue
            self.places[(table, row["id"])] = (place, True)
            bucket[row["id"]] = row


def guess_entity(name, obj):
    lowered = name.lower()
    for word, entity in NAME_HINTS:
        if word in lowered:
            return entity
    if isinstance(obj, dict):
        if "service_id" in obj and "location_id" in obj:
            return "service_at_location"
        if "status" in obj:
            return "service"
        if "location_type" in obj:
            return "location"
        if "taxonomy_id" in obj or "parent_id" in obj or "code" in obj:
            return "taxonomy_term"
    return "organization"


def read_json(source, path):
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        source.errors.append(f"{path.name}: not readable JSON ({exc})")
        return
    except RecursionError:
        line, column = deepest_point(text) or (1, 1)
        source.errors.append(
            f"{path.name}: line {line} column {column}: nested more than {MAX_DEPTH} levels deep"
        )
        return
    if isinstance(data, dict) and data and all(str(k).endswith(".csv") for k in data):
        for file_name, rows in data.items():
            table = table_for_file(file_name)
            if table and isinstance(rows, list):
                rows = [r for r in rows if isinstance(r, dict)]
                source.add_rows(table, rows, f"{path.name} {file_name}")
        return
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]
    objects = data if isinstance(data, list) else [data]
    entity = guess_entity(path.name, objects[0] if objects else None)
    source.add_objects(entity, objects, path.name)


def table_for_file(file_name):
    stem = Path(file_name).name
    for table, name in csv_package.FILE_NAMES.items():
        if name == stem:
            return table
    return None


def read_csv(source, path):
    table = table_for_file(path.name)
    if table is None:
        source.errors.append(f"{path.name}: not an HSDS table (unknown file name)")
        return
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows, errors = csv_package.read_table(handle, table, path.name)
    except (OSError, UnicodeDecodeError) as exc:
        source.errors.append(f"{path.name}: not readable ({exc})")
        return
    source.errors.extend(errors)
    source.add_rows(table, rows, path.name)


def read_source(path, mapping=None):
    """The tables of `path`, with `mapping` (mapping.py) applied before our own checks."""
    path = Path(path)
    source = Source()
    if not path.exists():
        source.errors.append(f"{path}: no such file or folder")
        return source
    files = sorted(path.iterdir()) if path.is_dir() else [path]
    package = path / "datapackage.json" if path.is_dir() else None
    if package and package.is_file():
        # Only our profile's language is read from it; a missing or odd one is no error.
        try:
            described = json.loads(package.read_text(encoding="utf-8"))
            source.language = described.get("x211_language")
        except (OSError, json.JSONDecodeError, AttributeError):
            pass
    for file in files:
        if file.suffix == ".csv":
            read_csv(source, file)
        elif file.suffix == ".json" and file.name != "datapackage.json":
            read_json(source, file)
    if not any(source.tables.values()) and not source.errors:
        source.errors.append(f"{path}: no HSDS data found")
    normalize_ids(source)
    for table, ident, name, message in apply_mapping(mapping or {}, source.tables):
        source.errors.append(f"{table} {ident}: {name}: {message}")
    check_extras(source)
    check_privacy_hints(source)
    return source


# Words in a property's name that suggest it hides a record (a shelter's address), in the
# spellings HSDS tools and French or English feeds use.
PRIVACY_HINTS = ("confiden", "private", "prive", "privé", "hidden", "secret", "masqu", "cach")


def check_privacy_hints(source):
    """Refuse a file with a property that looks like a confidentiality flag this import does not
    read: importing it would publish what the feed means to hide. Our own flag is
    `x211_confidential`."""
    found = {}
    for table, rows in source.tables.items():
        for ident, row in rows.items():
            for name in row:
                lowered = name.lower()
                if name != f"{PREFIX}confidential" and any(h in lowered for h in PRIVACY_HINTS):
                    found.setdefault((table, name), []).append(ident)
    for (table, name), idents in sorted(found.items()):
        source.errors.append(
            f"{table} {idents[0]}: {name}: looks like a confidentiality flag, which this import "
            f"does not read ({len(idents)} record(s)); importing would publish what it hides. "
            f'Map it: --mapping with {{"{table}": {{"{name}": "{PREFIX}confidential"}}}}, or '
            "remove it (docs/hsds-profile.md)"
        )


def normalize_ids(source):
    """UUIDs in their canonical form (lower case, RFC 4122), whichever case a feed writes them
    in, so that a reference meets the record it names."""

    def canonical(value):
        if isinstance(value, str) and len(value) == 36 and value != value.lower():
            try:
                return str(uuid.UUID(value))
            except ValueError:
                return value
        return value

    for table, rows in source.tables.items():
        fixed = {}
        for ident, row in rows.items():
            for name, value in row.items():
                if name == "id" or name.endswith("_id"):
                    row[name] = canonical(value)
            fixed[canonical(ident)] = row
        source.tables[table] = fixed


def check_extras(source):
    """Our `x211_` extras of every record, nested ones included, are of their type."""
    for table, rows in source.tables.items():
        for row in rows.values():
            for name, value in row.items():
                problem = name.startswith(PREFIX) and extra_problem(name, value)
                if problem:
                    source.errors.append(f"{table} {row.get('id', '?')}: {name}: {problem}")

"""Read an HSDS 3.0 source into tables ({table: {id: row}}) and list what breaks the schemas.

Accepted: our exports (a folder of JSON files, or a CSV package), anyone's JSON (one object,
a list, an API page with `contents`, the tabular form keyed by CSV file name) or CSV files.
"""

import json
from pathlib import Path

from . import csv_package, nesting, validation

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
    "cost_option",
    "program",
    "organization_identifier",
    "meta_table_description",
}
NOT_STORED_FIELDS = {
    "organization": {"tax_status", "tax_id", "logo", "uri", "parent_organization_id"},
    "location": {"url", "alternate_name", "external_identifier", "external_identifier_type"},
    "service": {"program_id", "wait_time", "fees", "accreditations", "licenses"},
}


class Source:
    def __init__(self):
        self.tables = {}
        self.errors = []
        self.warnings = []
        self.language = None

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

    def add_objects(self, entity, objects):
        good = []
        for obj in objects:
            if not isinstance(obj, dict):
                self.errors.append(f"{entity}: (object): expected an object, got {obj!r:.60}")
                continue
            found = self.serious(entity, validation.errors(entity, obj), obj)
            for path, message in found:
                self.problem(entity, obj, path, message)
            if not found:
                good.append(obj)
        nesting.flatten(good, ENTITY_TABLES[entity], self.tables)

    def add_rows(self, table, rows):
        """Flat rows of a table (CSV or tabular JSON): schema plus tabular required columns."""
        entity = validation.TABLES[table]
        bucket = self.tables.setdefault(table, {})
        for number, row in enumerate(rows, start=2):
            found = self.serious(entity, validation.errors(entity, row), row)
            found += [
                (column, "required column is empty")
                for column in validation.tabular_required(entity)
                if column not in row and column not in validation.load_schema(entity)["required"]
            ]
            for path, message in found:
                self.errors.append(f"{table} {row.get('id', f'row {number}')}: {path}: {message}")
            if not found:
                bucket.setdefault(row["id"], row)


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
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        source.errors.append(f"{path.name}: not readable JSON ({exc})")
        return
    if isinstance(data, dict) and data and all(str(k).endswith(".csv") for k in data):
        for file_name, rows in data.items():
            table = table_for_file(file_name)
            if table and isinstance(rows, list):
                source.add_rows(table, [r for r in rows if isinstance(r, dict)])
        return
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]
    objects = data if isinstance(data, list) else [data]
    entity = guess_entity(path.name, objects[0] if objects else None)
    source.add_objects(entity, objects)


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
            rows = csv_package.read_table(handle, table)
    except (OSError, UnicodeDecodeError) as exc:
        source.errors.append(f"{path.name}: not readable ({exc})")
        return
    source.add_rows(table, rows)


def read_source(path):
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
    return source

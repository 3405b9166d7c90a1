"""`export_hsds`: the directory as HSDS 3.0 JSON files or the CSV tabular data package.

Every object or row written is first validated against the official schemas; keys are sorted
and records ordered by id so that two exports of the same data are byte-identical.
"""

import json
from pathlib import Path

from django.utils import translation

from . import csv_package, nesting, validation
from .tables import directory_tables

JSON_ENTITIES = {
    "services.json": "service",
    "organizations.json": "organization",
    "taxonomies.json": "taxonomy",
    "taxonomy_terms.json": "taxonomy_term",
}


def dumps(data):
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def render_json(tables):
    """{file name: text}, every object checked against its schema."""
    files = {}
    for name, objects in nesting.documents(tables).items():
        for obj in objects:
            validation.check_document(JSON_ENTITIES[name], obj)
        files[name] = dumps(objects)
    return files


def render_csv(tables, language):
    files = {}
    for table, rows in tables.items():
        entity = validation.TABLES[table]
        for row in rows:
            validation.check_document(entity, row)
            missing = [c for c in validation.tabular_required(entity) if c not in row]
            if missing:
                raise ValueError(f"{table} {row['id']} lacks {', '.join(missing)}")
        files[csv_package.FILE_NAMES[table]] = csv_package.write_table(table, rows)
    files["datapackage.json"] = dumps(csv_package.datapackage(tables, language))
    return files


def export_directory(path, file_format="json", language="fr"):
    """Write the export into the folder `path`; returns the paths written."""
    # Labels written from code (a service area's scope) follow the export's language.
    with translation.override(language):
        tables = directory_tables(language)
    files = render_csv(tables, language) if file_format == "csv" else render_json(tables)
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in sorted(files.items()):
        target = folder / name
        target.write_text(text, encoding="utf-8", newline="")
        written.append(target)
    return written

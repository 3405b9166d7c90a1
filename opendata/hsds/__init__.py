"""Open Referral HSDS 3.0: export, import and the shapes the API serves (docs/hsds-profile.md).

profile.py   ids, languages and the `x211_` extras of our profile
rows.py      one record → HSDS table rows; tables.py the directory (or a page) as tables
nesting.py   tables ↔ nested JSON objects; csv_package.py tables ↔ CSV data package
export.py    export_hsds; reader.py + importer.py + load_*.py import_hsds
history.py   change history ↔ `metadata`; validation.py the official schemas (./schema)
"""

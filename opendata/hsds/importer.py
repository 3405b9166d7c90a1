"""`import_hsds`: an HSDS source into our records, in one transaction, all or nothing.

Records keep their HSDS ids (UUIDs): importing again updates them, and a record the file gives
as we hold it is not written at all (re-importing our own export changes nothing). Every
problem is listed with its table, record id and field; one error rolls everything back. What
an import empties is listed (`cleared`), so that a dry run shows it. What we cannot store
(contacts, funding, programs...) is skipped with a warning. See docs/hsds-profile.md.
"""

import csv
import datetime
from collections import Counter
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from resources.text_limits import too_long

from . import history
from .coverage import not_kept
from .load_core import CoreLoading
from .load_details import DetailLoading
from .load_taxonomies import TaxonomyLoading
from .profile import DEFAULT_LANGUAGE, LANGUAGES, PREFIX, get_text, set_text
from .reader import read_source

UNSUPPORTED = (
    "contacts",
    "funding",
    "programs",
    "organization_identifiers",
    "meta_table_descriptions",
)


class ImportFailed(Exception):
    def __init__(self, errors):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


class Loader(TaxonomyLoading, CoreLoading, DetailLoading):
    def __init__(self, tables, language, sector_map=None, tick=None):
        self.t = tables
        self.lang = language
        self.sector_map = sector_map or {}
        self.tick = tick or (lambda: None)
        self.errors, self.warnings = [], []
        self.counts = Counter()
        self.objects = {}
        self.sectors = {}  # term id → our Sector (ours, or a feed's term mapped to one)
        self.terms = {}  # term id → a feed's TaxonomyTerm
        self.skipped = set()
        # "table id: field" of every value this import empties (a dry run lists them).
        self.cleared = []
        # (model, pk) → (created, content changed) of every record this import wrote.
        self.written = {}

    def run(self):
        for table in UNSUPPORTED:
            if self.t.get(table):
                self.warnings.append(f"{table}: {len(self.t[table])} record(s) not stored")
        self.warnings.extend(not_kept(self.t))
        self.load_taxonomy_terms()
        self.load_organizations()
        self.load_locations()
        self.load_services()
        self.load_service_at_locations()
        self.load_phones()
        self.load_schedules()
        self.load_service_areas()
        self.load_languages()
        self.load_cost_options()
        self.load_attributes()
        self.load_metadata()
        self.stamp_services()
        if not self.errors:
            self.write_versions()

    # Helpers shared by the loading steps ------------------------------------------------------

    def rows(self, table):
        return [self.t[table][k] for k in sorted(self.t.get(table, {}))]

    def fail(self, table, row, field, message):
        self.errors.append(f"{table} {row.get('id', '?')}: {field}: {message}")

    def warn(self, table, row, message):
        self.warnings.append(f"{table} {row.get('id', '?')}: {message}")

    def known(self, model, ident):
        """The record with HSDS id `ident`: imported now, or already in the database."""
        if not ident:
            return None
        obj = self.objects.get(ident)
        if isinstance(obj, model):
            return obj
        try:
            obj = model.objects.filter(uuid=ident).first()
        except ValidationError:
            return None  # not a UUID: the schema check reports it
        return self.remember(obj) if obj is not None else None

    def was_stored(self, obj):
        """Whether `obj` was in the database before this import (else the import created it)."""
        return hasattr(obj, "_stored_before_import")

    def remember(self, obj):
        """Note what a stored record holds before the import, to tell what the import changes."""
        if not hasattr(obj, "_stored_before_import"):
            obj._stored_before_import = field_values(obj)
        return obj

    def clear(self, table, row, field):
        self.cleared.append(f"{table} {row.get('id', '?')}: {field}")

    def set_many(self, table, row, obj, relation, values):
        """Set a many-to-many relation, listing it when the import empties it."""
        manager = getattr(obj, relation)
        if not values and manager.exists():
            self.clear(table, row, relation)
        manager.set(values)

    def fetch(self, model, ident):
        obj = self.known(model, ident)
        return (obj, False) if obj else (model(uuid=ident), True)

    def texts(self, table, obj, row, fields, required=()):
        """Set translated fields of `obj` (a record of HSDS `table`) from a row (`fields`:
        {model field: HSDS name}); a text longer than the field allows (text_limits) is an
        error, and the record is then not saved."""
        for field, name in fields.items():
            values = get_text(row, name, self.lang)
            if field in required and not values["fr"]:
                # French is required here: foreign English-only text stands in for it.
                values["fr"] = values["en"]
            for code, value in values.items():
                problem = too_long(type(obj), f"{field}_{code}", value)
                if problem:
                    own = name if code == self.lang else f"{PREFIX}{name}_{code}"
                    self.fail(table, row, own, problem)
                    obj._import_refused = True
            set_text(obj, field, values)

    def plain(self, table, obj, row, fields):
        """Set untranslated text fields of `obj` from a row ({model field: HSDS name}): a value
        that is not a text, or longer than the field allows, is an error (record not saved)."""
        for field, name in fields.items():
            value = row.get(name)
            value = "" if value is None else value
            problem = (
                f"{value!r:.60} is not a text"
                if not isinstance(value, str)
                else too_long(type(obj), field, value)
            )
            if problem:
                self.fail(table, row, name, problem)
                obj._import_refused = True
                continue
            setattr(obj, field, value)

    def slug(self, obj, row, source):
        unique_slug(obj, row.get(f"{PREFIX}slug") or slugify(source))

    def save(self, table, row, obj, created, exclude=()):
        """Validate and save `obj` (its history version comes at the end, write_versions). A
        record the file gives as it is stored is not written (counted unchanged); the fields it
        empties are listed."""
        if getattr(obj, "_import_refused", False):
            return False  # its error is listed already
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.fail(table, row, field, " ".join(messages))
            return False
        before = None if created else getattr(obj, "_stored_before_import", None)
        changed = []
        if before is not None:
            after = field_values(obj)
            changed = []
            for name, value in after.items():
                if value in (None, "") and before.get(name) in (None, ""):
                    setattr(obj, name, before.get(name))  # empty either way: keep it as stored
                elif value != before.get(name):
                    changed.append(name)
            if not changed:
                self.objects[str(obj.uuid)] = obj
                self.counts[f"{table} unchanged"] += 1
                self.tick()
                return True
            for name in changed:
                if before[name] not in (None, "") and after[name] in (None, ""):
                    self.clear(table, row, name)
        try:
            with transaction.atomic():
                if hasattr(obj, "save_without_historical_record"):
                    obj.save_without_historical_record()
                else:
                    obj.save()
        except (IntegrityError, DataError) as exc:
            self.fail(table, row, "(record)", str(exc).splitlines()[0])
            return False
        self.objects[str(obj.uuid)] = obj
        self.counts[f"{table} {'created' if created else 'updated'}"] += 1
        if hasattr(type(obj), "history"):
            key = (type(obj), obj.pk)
            was_created, had_changed = self.written.get(key, (created, False))
            # A new id alone is no new content.
            content = created or any(name not in ("id", "uuid") for name in changed)
            self.written[key] = (was_created, had_changed or content)
        self.tick()
        return True

    def write_versions(self):
        """The import's own history versions (docs/hsds-profile.md, "Change history"), once
        every step has written, so that they hold what the records finally hold.

        A record whose history the file's metadata describes keeps that history, and gains a
        version only when it does not end with what the record now holds. Any other record
        the import created gets a "+" version, one whose content it changed a "~" version. The
        import's versions are signed with the directory's name (settings.DIRECTORY_NAME) and
        linked to no account; two queries and one insert per model."""
        described = {str(row.get("resource_id")) for row in self.rows("metadata")}
        moment = timezone.now()
        by_model = {}
        for (model, pk), state in self.written.items():
            by_model.setdefault(model, {})[pk] = state
        for model, states in by_model.items():
            objects = model.objects.in_bulk(list(states))
            stored = history.history_rows(model, list(objects.values()))
            versions = {"+": [], "~": []}
            for pk, obj in objects.items():
                created, changed = states[pk]
                rows = stored.get(pk, [])
                if str(obj.uuid) in described:
                    needed = not rows or history.differs(rows[-1], obj)
                else:
                    needed = changed
                if not needed:
                    continue
                obj._history_user = None
                if rows:
                    # After the versions it follows, whatever dates the file gave them.
                    later = rows[-1].history_date + datetime.timedelta(microseconds=1)
                    obj._history_date = max(moment, later)
                versions["+" if created and not rows else "~"].append(obj)
            for kind, objs in versions.items():
                model.history.bulk_history_create(
                    objs,
                    update=kind == "~",
                    default_change_reason=history.signature(),
                    default_date=moment,
                    batch_size=500,
                )


def unique_slug(obj, wanted):
    """Give `obj` the slug `wanted`, or, when another record of its model holds it, `wanted-2`,
    `wanted-3`...: the HSDS and the spreadsheet imports' rule."""
    model = type(obj)
    limit = model._meta.get_field("slug").max_length
    base = (wanted or model._meta.model_name)[:limit]
    candidate, number = base, 1
    while model.objects.filter(slug=candidate).exclude(pk=obj.pk).exists():
        number += 1
        candidate = f"{base[: limit - 4]}-{number}"
    obj.slug = candidate


def field_values(obj):
    """What `obj` holds, field by field (its timestamps aside)."""
    return {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.name not in ("created", "modified")
    }


def read_sector_map(path):
    """A CSV mapping file: `term` (HSDS term id or code) → `sector` (our sector slug)."""
    if not path:
        return {}
    with open(Path(path), encoding="utf-8-sig", newline="") as handle:
        return {row["term"].strip(): row["sector"].strip() for row in csv.DictReader(handle)}


def source_language(source, language):
    if language:
        return language
    if source.language in LANGUAGES:
        return source.language
    seen = {
        row[f"{PREFIX}language"]
        for table in source.tables.values()
        for row in table.values()
        if row.get(f"{PREFIX}language") in LANGUAGES
    }
    return seen.pop() if len(seen) == 1 else DEFAULT_LANGUAGE


def total_records(tables):
    return sum(len(rows) for rows in tables.values())


def import_path(path, dry_run=False, language=None, sector_map=None, progress=None, mapping=None):
    """Import `path`; returns the Loader (counts, warnings). Raises ImportFailed on errors,
    with nothing changed. `progress(total)` gives a callable ticked once per record saved;
    `mapping` ({table: {their property: ours}}, see mapping.py) renames a feed's properties."""
    from resources import generation
    from search import indexing

    source = read_source(path, mapping)
    if source.errors:
        raise ImportFailed(source.errors)
    tick = progress(total_records(source.tables)) if progress else None
    # The search index follows every save (search/signals.py): thousands of refreshes for one
    # import, most of its time; they are held, and the touched services refreshed once.
    with transaction.atomic(), indexing.deferred_refresh() as touched:
        loader = Loader(source.tables, source_language(source, language), sector_map, tick)
        loader.warnings.extend(source.warnings)
        loader.run()
        if loader.errors:
            raise ImportFailed(loader.errors)
        if dry_run:
            touched.clear()
            transaction.set_rollback(True)
    if not dry_run:
        # Its saves change the content generation already; its few queryset updates do not.
        generation.bump()
    return loader

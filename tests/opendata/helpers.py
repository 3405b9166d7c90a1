"""Helpers for the HSDS tests: read an export folder, empty the directory like a new site."""

import hashlib
from pathlib import Path

from django.apps import apps
from django.core.management import call_command

from resources.models import (
    Attribute,
    CostOption,
    Location,
    Organization,
    Phone,
    Schedule,
    Sector,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
)
from search import indexing

# Every model with change history (resources/translation.py).
HISTORY_MODELS = (
    Organization,
    Service,
    Location,
    ServiceAtLocation,
    Phone,
    ServiceArea,
    Schedule,
    CostOption,
    Sector,
)


def read_folder(path):
    return {p.name: p.read_bytes() for p in sorted(Path(path).iterdir())}


def empty_directory():
    """A new site: reference data only (the same sectors, with the same ids, as every site
    installing the directory; a feed giving our sectors other ids is tested apart, in
    test_foreign_feeds.py: the import never changes a reference sector's id)."""
    with indexing.deferred_refresh():  # one refresh of the index, not one per deleted row
        Organization.objects.all().delete()
    for model in HISTORY_MODELS:
        model.history.model.objects.all().delete()
    Taxonomy.objects.all().delete()  # a feed's terms and attributes with them
    Attribute.objects.all().delete()


def assert_round_trip_identical(tmp_path, file_format, language):
    """Export, import into an emptied directory, export again: the files are byte-identical."""
    first, second = tmp_path / "first", tmp_path / "second"
    call_command("export_hsds", first, format=file_format, language=language)
    empty_directory()
    call_command("import_hsds", first)
    call_command("export_hsds", second, format=file_format, language=language)
    before, after = read_folder(first), read_folder(second)
    assert before.keys() == after.keys()
    for name in before:
        assert before[name] == after[name], name


def listing_checksum():
    """A digest of every row of the listing tables, their change history and their links
    (every column, primary keys included): equal digests mean an unchanged directory."""
    digest = hashlib.sha256()
    config = apps.get_app_config("resources")
    for model in sorted(config.get_models(include_auto_created=True), key=lambda m: m.__name__):
        digest.update(model.__name__.encode())
        names = [field.attname for field in model._meta.concrete_fields]
        for row in model._base_manager.order_by("pk").values_list(*names):
            digest.update(repr(row).encode())
    return digest.hexdigest()

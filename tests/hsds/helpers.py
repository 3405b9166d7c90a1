"""Helpers for the HSDS tests: read an export folder, empty the directory like a new site."""

import uuid
from pathlib import Path

from resources.models import Organization, Sector


def read_folder(path):
    return {p.name: p.read_bytes() for p in sorted(Path(path).iterdir())}


def empty_directory():
    """What a freshly migrated site has: reference data only, sectors with ids of their own."""
    for model in (Organization, *Organization.history.model.__mro__[:0]):
        model.objects.all().delete()
    from resources.models import (
        Location,
        Phone,
        Schedule,
        Service,
        ServiceArea,
        ServiceAtLocation,
    )

    for model in (Organization, Service, Location, ServiceAtLocation, Phone, ServiceArea, Schedule):
        model.history.model.objects.all().delete()
    Sector.history.model.objects.all().delete()
    for sector in Sector.objects.all():
        Sector.objects.filter(pk=sector.pk).update(uuid=uuid.uuid4())

"""Keep the search index in step with staff edits (a derived table: the index listens to the
listings, which know nothing of it). Bulk loads save with `raw=True` and are skipped: the demo
loader sends `directory_loaded` instead, and the index is rebuilt whole; after any other bulk
write, run `rebuild_search_index`."""

import contextlib
import copy
import time

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from resources import generation
from resources.models import (
    Location,
    Municipality,
    OpeningPeriod,
    Organization,
    Phone,
    Schedule,
    ScheduleClosure,
    Sector,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from resources.signals import directory_loaded

from . import counts, indexing


def _services_of_schedule(schedule):
    if schedule.service_id:
        return [schedule.service_id]
    if schedule.service_at_location_id:
        return ServiceAtLocation.objects.filter(pk=schedule.service_at_location_id).values_list(
            "service_id", flat=True
        )
    return ServiceAtLocation.objects.filter(location_id=schedule.location_id).values_list(
        "service_id", flat=True
    )


def _services_of_phone(phone):
    """The services whose card may show it (resources.calls): its own service, the services
    offered at its place, its organization's services."""
    ids = {phone.service_id} if phone.service_id else set()
    if phone.location_id:
        ids.update(
            ServiceAtLocation.objects.filter(location_id=phone.location_id).values_list(
                "service_id", flat=True
            )
        )
    if phone.organization_id:
        ids.update(
            Service.objects.filter(organization_id=phone.organization_id).values_list(
                "pk", flat=True
            )
        )
    return ids


AFFECTED = {
    Service: lambda s: [s.pk],
    Organization: lambda o: o.services.values_list("pk", flat=True),
    Location: lambda loc: loc.service_at_locations.values_list("service_id", flat=True),
    ServiceAtLocation: lambda sal: [sal.service_id],
    ServiceArea: lambda area: [area.service_id],
    Schedule: _services_of_schedule,
    OpeningPeriod: lambda period: _services_of_schedule(period.schedule),
    # A closure keeps its schedule's periods out of the whole hours (search.models).
    ScheduleClosure: lambda closure: _services_of_schedule(closure.schedule),
    Sector: lambda sector: Service.objects.in_sector(sector).values_list("pk", flat=True),
    Phone: _services_of_phone,  # a result shows a number to call
    Municipality: lambda municipality: ServiceAtLocation.objects.filter(
        location__municipality=municipality
    ).values_list("service_id", flat=True),  # a result names its places
}


# What reading a record's owner raises when the owner went first in a cascade.
OWNER_GONE = (Schedule.DoesNotExist, Service.DoesNotExist, Organization.DoesNotExist)

# Records that belong to others through a foreign key staff can change (a number given to another
# service, a place's offer moved to another service): the services the record left must lose
# it from their cards too, not only those it joins.
MOVABLE = (Phone, ServiceAtLocation, ServiceArea, Schedule, OpeningPeriod, ScheduleClosure)


@receiver(pre_save)
def note_former_owners(sender, instance, raw=False, **kwargs):
    """Before an edit of a MOVABLE record changes one of its owners: the services its stored
    row affected, for refresh_after_change (one query per edit of these records)."""
    if raw or sender not in MOVABLE or instance._state.adding or instance.pk is None:
        return
    keys = [f.attname for f in sender._meta.concrete_fields if f.is_relation]
    stored = sender._base_manager.filter(pk=instance.pk).values(*keys).first()
    if not stored or all(stored[key] == getattr(instance, key) for key in keys):
        return
    former = copy.copy(instance)
    former._state = copy.copy(instance._state)
    former._state.fields_cache = {}  # its related objects are the new owners': read afresh
    for key, value in stored.items():
        setattr(former, key, value)
    with contextlib.suppress(*OWNER_GONE):
        instance._former_services = set(AFFECTED[sender](former))


@receiver(post_save)
@receiver(post_delete)
def refresh_after_change(sender, instance, raw=False, **kwargs):
    affected = AFFECTED.get(sender)
    if affected is None or raw:
        return
    # Taken whatever follows, so that a later save of the same instance never reads it again.
    former = instance.__dict__.pop("_former_services", set())
    try:
        ids = list(affected(instance))
    except OWNER_GONE:
        return  # the owner went first in a cascade; its own signal refreshes
    ids = list(former.union(ids))
    if ids:
        indexing.refresh_touched(ids)
    if sender in (Sector, Municipality):  # which counts a service goes to may have changed
        counts.recompute()


@receiver(m2m_changed, sender=Service.sectors.through)
@receiver(m2m_changed, sender=Service.languages.through)
@receiver(m2m_changed, sender=ServiceArea.municipalities.through)
def refresh_after_relation_change(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:
        ids = (
            Service.objects.filter(sectors__in=[instance.pk]).values_list("pk", flat=True)
            if isinstance(instance, Sector)
            else []
        )
    elif isinstance(instance, ServiceArea):
        ids = [instance.service_id]
    else:
        ids = [instance.pk]
    ids = list(ids)
    if ids:
        indexing.refresh_touched(ids)


@receiver(directory_loaded)
def rebuild_after_a_bulk_load(sender, stdout=None, **kwargs):
    started = time.perf_counter()
    count = indexing.refresh()
    generation.bump()  # the cached pages may show the old index (resources/generation.py)
    if stdout is not None:
        stdout.write(f"{count} services indexed in {time.perf_counter() - started:.1f} s.")

"""What every page shows: the 2-1-1 line with its live status (its hours are data).

The line's record and hours are read once and kept in memory (every page shows them: four
queries a page otherwise). Saving or deleting a service, schedule, period or closure drops this
process's copy at once and when its transaction commits; other processes reload theirs within
MAX_AGE_SECONDS. Whether the line is open is worked out on each request.
"""

import time

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.functional import SimpleLazyObject

from .models import OpeningPeriod, Schedule, ScheduleClosure, Service

MAX_AGE_SECONDS = 60

_kept = {"line": None, "loaded_at": 0.0}


def _line():
    """(service or None, its schedules with periods and closures)."""
    if _kept["line"] is None or time.monotonic() - _kept["loaded_at"] > MAX_AGE_SECONDS:
        service = (
            Service.objects.filter(slug=settings.HELPLINE_SERVICE_SLUG)
            .prefetch_related("schedules__periods", "schedules__closures")
            .first()
        )
        schedules = list(service.schedules.all()) if service else []
        _kept.update(line=(service, schedules), loaded_at=time.monotonic())
    return _kept["line"]


def forget_helpline(**kwargs):
    """Drop the kept line (a receiver of the models' signals; also for tests)."""
    _kept["line"] = None
    if kwargs.get("sender") is not None:
        transaction.on_commit(forget_helpline)


def _helpline():
    service, schedules = _line()
    if service is None:
        return None
    return {
        "service": service,
        "is_open": any(s.is_open_at() for s in schedules),
        "always_open": any(s.is_always_open for s in schedules),
    }


def helpline(request):
    # Lazy: pages that do not show the banner (the admin) read nothing.
    return {"helpline": SimpleLazyObject(_helpline)}


for _model in (Service, Schedule, OpeningPeriod, ScheduleClosure):
    post_save.connect(forget_helpline, sender=_model, dispatch_uid=f"helpline-{_model.__name__}")
    post_delete.connect(
        forget_helpline, sender=_model, dispatch_uid=f"helpline-{_model.__name__}-delete"
    )

"""What every page shows: the 2-1-1 line with its live status (its hours are data).

The line's record and hours are kept in memory (resources/memory.py): every page shows them, four
queries a page otherwise. Whether the line is open is worked out on each request.
"""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .memory import KeptInMemory
from .models import OpeningPeriod, Schedule, ScheduleClosure, Service


def _load_line():
    """(service or None, its schedules with periods and closures)."""
    service = (
        Service.objects.filter(slug=settings.HELPLINE_SERVICE_SLUG)
        .prefetch_related("schedules__periods", "schedules__closures")
        .first()
    )
    return service, list(service.schedules.all()) if service else []


_line = KeptInMemory(
    "helpline", _load_line, models=(Service, Schedule, OpeningPeriod, ScheduleClosure)
)


def _helpline():
    service, schedules = _line.get()
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

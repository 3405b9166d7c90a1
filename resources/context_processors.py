"""What every page shows: the 2-1-1 line with its live status (its hours are data)."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .models import Service


def _helpline():
    service = (
        Service.objects.filter(slug=settings.HELPLINE_SERVICE_SLUG)
        .prefetch_related("schedules__periods", "schedules__closures")
        .first()
    )
    if service is None:
        return None
    schedules = list(service.schedules.all())
    return {
        "service": service,
        "is_open": any(s.is_open_at() for s in schedules),
        "always_open": any(s.is_always_open for s in schedules),
    }


def helpline(request):
    # Lazy: pages that do not show the banner (the admin) cost no query.
    return {"helpline": SimpleLazyObject(_helpline)}

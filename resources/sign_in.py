"""Staff sign-in: the page a locked-out sign-in gets (django-axes; docs/staff.md)."""

from axes.helpers import get_cool_off, get_failure_limit
from django.shortcuts import render


def locked_out(request, original_response, credentials):
    """The page a sign-in gets once its account is locked from its address: a 429 that says
    how many failures locked it and for how long (settings.AXES_LOCKOUT_CALLABLE)."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "admin/locked_out.html", context, status=429)

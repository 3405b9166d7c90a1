"""The page a verification request's link opens (resources/verification.py, docs/verification.md):
no account, the signed link alone. It shows the organization's listing in both languages; the
organization confirms it in one click or proposes changes field by field.

Never kept: not in the page cache's pages (directory211/page_cache.py), marked for the offline
cache (resources.safety) and `private, no-store`; `noindex` for robots. Its POSTs draw on the
rate limit of every POST (directory211/security.py). A tampered, unknown, expired or used link
gets a clear 404 or 410 page, never a 500.
"""

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from . import verification
from .safety import not_kept_offline


def _private(response):
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The link is the key: never sent to another site (not "no-referrer", under which a
    # browser sends `Origin: null` with the form and Django's CSRF check refuses it).
    response["Referrer-Policy"] = "same-origin"
    return not_kept_offline(response)


@require_http_methods(["GET", "HEAD", "POST"])
def verification_page(request, token):
    try:
        verification_request = verification.read_link(token)
    except verification.LinkRefused as refused:
        response = render(
            request,
            "resources/verification/refused.html",
            {"reason": refused.reason},
            status=refused.status,
        )
        return _private(response)
    organization = verification.listing(verification_request.organization)
    action = request.POST.get("action") if request.method == "POST" else None
    data = request.POST if action == "propose" else None
    forms = verification.record_forms(organization, data)
    note = request.POST.get("note", "")[:2000].strip() if data is not None else ""
    if action == "confirm":
        verification.confirm(verification_request)
        return _private(render(request, "resources/verification/thanks.html", {"confirmed": True}))
    valid = data is not None and all(form.is_valid() for form in forms)
    changed = [form for form in forms if valid and form.changes()]
    if changed or (valid and note):
        count = verification.propose(verification_request, changed, note)
        context = {"confirmed": False, "count": count, "note": bool(note)}
        return _private(render(request, "resources/verification/thanks.html", context))
    context = {
        "organization": organization,
        "verification_request": verification_request,
        "note": note,
        "errors": data is not None and not valid,
        "nothing_changed": valid,
        **verification.page_sections(organization, {form.record: form for form in forms}),
    }
    status = 400 if context["errors"] else 200
    return _private(render(request, "resources/verification/page.html", context, status=status))

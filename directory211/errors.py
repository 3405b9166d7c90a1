"""Error pages that need nothing but the process: no database, no cache, no context processor
(the 2-1-1 banner reads the line's record), so a visitor still gets the 2-1-1 and crisis
numbers when the database is what failed. The API answers in JSON, as its other errors do."""

import sys

from django.http import (
    HttpResponseBadRequest,
    HttpResponseNotFound,
    HttpResponseServerError,
    JsonResponse,
)
from django.template import loader

from .outage import is_database_outage, outage_response


def _api(request):
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    """A body too large, too many fields, a query string too long (docs/security.md)."""
    if _api(request):
        return JsonResponse(
            {"error": "Bad request: too large or malformed", "status": 400, "parameter": None},
            status=400,
        )
    return HttpResponseBadRequest(loader.get_template("400.html").render({}))


def page_not_found(request, exception=None):
    if _api(request):
        return JsonResponse({"error": "Not found", "status": 404, "parameter": None}, status=404)
    return HttpResponseNotFound(loader.get_template("404.html").render({}))


def server_error(request):
    # Django calls this while handling the exception: a database outage raised outside a view
    # (in a middleware, say) still gets the outage page.
    if is_database_outage(sys.exc_info()[1]):
        return outage_response(request)
    if _api(request):
        return JsonResponse({"error": "Server error", "status": 500, "parameter": None}, status=500)
    return HttpResponseServerError(loader.get_template("500.html").render({}))

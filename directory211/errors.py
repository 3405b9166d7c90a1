"""Error pages that need nothing but the process: no database, no cache, no context processor
(the 2-1-1 banner reads the line's record), so a visitor still gets the 2-1-1 and crisis
numbers when the database is what failed. The API answers in JSON, as its other errors do."""

import sys

from django.http import HttpResponse
from django.template import loader

from opendata.api.http import error as api_error


def answer(request, status, message, template, context=None):
    """An error answer: for the API, its own JSON error (opendata.api.http.error, with its CORS
    headers); for a page, `template` rendered from `context` alone."""
    if request.path.startswith("/api/"):
        return api_error(status, message)
    return HttpResponse(loader.get_template(template).render(context or {}), status=status)


def bad_request(request, exception=None):
    """A body too large, too many fields, a query string too long (docs/security.md)."""
    return answer(request, 400, "Bad request: too large or malformed", "400.html")


def page_not_found(request, exception=None):
    return answer(request, 404, "Not found", "404.html")


def server_error(request):
    # Django calls this while handling the exception: a database outage raised outside a view
    # (in a middleware, say) still gets the outage page. (Imported here: outage answers
    # through `answer`.)
    from .outage import is_database_outage, outage_response

    if is_database_outage(sys.exc_info()[1]):
        return outage_response(request)
    return answer(request, 500, "Server error", "500.html")

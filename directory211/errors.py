"""Error pages that need nothing but the process: no database, no cache, no context processor
(the 2-1-1 banner reads the line's record), so a visitor still gets the 2-1-1 and crisis
numbers when the database is what failed. The API answers in JSON, as its other errors do."""

from django.http import HttpResponseNotFound, HttpResponseServerError, JsonResponse
from django.template import loader


def _api(request):
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    if _api(request):
        return JsonResponse({"error": "Not found", "status": 404, "parameter": None}, status=404)
    return HttpResponseNotFound(loader.get_template("404.html").render({}))


def server_error(request):
    if _api(request):
        return JsonResponse({"error": "Server error", "status": 500, "parameter": None}, status=500)
    return HttpResponseServerError(loader.get_template("500.html").render({}))

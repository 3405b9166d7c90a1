"""JSON responses of the API: the HSDS page envelope, errors, CORS and conditional GET.

Responses carry a strong ETag (a hash of the body, per language): a client sending it back
in If-None-Match gets a 304. Last-Modified is not sent: schedules, phones and sectors have
no modification time, so a date could claim "unchanged" wrongly.
"""

import functools
import hashlib
import json
import math

from django.http import Http404, HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers

from . import params

CACHE_SECONDS = 300


def dumps(data):
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Accept-Language, If-None-Match"
    response["Access-Control-Expose-Headers"] = "ETag, Content-Language"
    return response


def error(status, message, parameter=None):
    body = {"error": message, "status": status}
    if parameter:
        body["parameter"] = parameter
    response = HttpResponse(dumps(body), status=status, content_type="application/json")
    return cors(response)


def json_response(request, data, language):
    body = dumps(data).encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    conditional = get_conditional_response(request, etag=etag)
    response = conditional or HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response["Content-Language"] = language
    patch_vary_headers(response, ["Accept-Language"])
    return cors(response)


def envelope(contents, total, page, per_page):
    """The HSDS page object around `contents` (one page of `total` items)."""
    pages = max(1, math.ceil(total / per_page))
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": not contents,
        "contents": contents,
    }


def api_view(view):
    """Read-only, CORS-open JSON view: GET and HEAD answer, OPTIONS is the preflight, bad
    parameters are 400 and unknown records 404, all as JSON. The view gets the language."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            return cors(HttpResponse(status=204))
        if request.method not in ("GET", "HEAD"):
            response = error(405, "this API is read-only: GET only")
            response["Allow"] = "GET, HEAD, OPTIONS"
            return response
        try:
            language = params.language(request)
            with translation.override(language):
                data = view(request, language, *args, **kwargs)
        except params.BadParameter as exc:
            return error(400, exc.message, exc.name)
        except Http404:
            return error(404, "no record with this id")
        if isinstance(data, HttpResponse):
            return cors(data)
        return json_response(request, data, language)

    return wrapper

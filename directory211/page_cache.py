"""Whole public pages kept in the shared cache for anonymous visitors (docs/caching.md).

A page is kept under its address (scheme, host, path and query) and its language, with the
directory's content generation it was rendered under (resources/generation.py), which any edit
changes: a page of an older generation is never served, so an edit shows at once. It is
kept `PAGE_CACHE_SECONDS` (at most 60), and a browser or proxy is told to keep it only for what
is left of that: a page, its 2-1-1 banner (open or closed) and its "open now" marks are never
more than a minute old wherever they are read.

Kept: 200 answers to GET and HEAD of the pages in `PAGES`, that set no cookie, to requests that
carry neither a session cookie (staff) nor a position (`lat`, `lon`: never stored). Everything
else goes through untouched; a public page asked with a session cookie is marked
`private, no-store`. Kept pages carry a weak ETag, answered with 304 when a client has it.

A page is kept twice: as rendered and compressed with gzip, once, when it is kept. A client that
accepts gzip is served the compressed copy (`Content-Encoding: gzip`, its own ETag), any other
the plain one; both say `Vary: Accept-Encoding`. GZipMiddleware, above, leaves an answer that has
its encoding alone: a hit costs no compression (docs/caching.md, "Figures").

One request renders a page that is missing (the others wait for it, up to WAIT_SECONDS) or about
to expire (the others keep serving the kept copy meanwhile): a popular page is not rendered by
every worker at once after an edit or at its expiry.
"""

import gzip
import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language_from_request

from resources import generation

# The pages kept (URL names): the public pages whose content is the directory's.
PAGES = frozenset(
    {
        "resources:home",
        "resources:sector-detail",
        "resources:municipality-detail",
        "resources:organization-detail",
        "resources:service-detail",
        "search:results",
        "about",
        "privacy",
        "accessibility",
        "sitemap",
        "robots-txt",
    }
)
# Outside the language prefixes, only these paths are looked up (no cache read for the rest).
UNPREFIXED = frozenset({"/sitemap.xml", "/robots.txt"})
# The 2-1-1 banner says whether the line is open now: never more than a minute old.
MAX_SECONDS = 60
# A request that finds the page missing while another renders it waits this long at most.
WAIT_SECONDS = 3.0
POLL_SECONDS = 0.02
# In its last seconds a kept page is rendered again by one request; the others serve it still.
REFRESH_AHEAD_SECONDS = 10
LOCK_SECONDS = 10
# Cookies that may change a page or mark a person: their requests are never served a kept page.
PERSONAL_COOKIES = ("messages",)
# Vary values a kept page may carry: the key holds the language, GZip follows the encoding, and
# the request has no session cookie.
HARMLESS_VARY = {"accept-language", "accept-encoding", "cookie"}
# Set for each answer, never kept.
NOT_KEPT = {
    "cache-control",
    "content-encoding",
    "content-length",
    "etag",
    "expires",
    "last-modified",
    "set-cookie",
    "vary",
}
# Notes a view puts on its response for an outer middleware, kept with the page and put back on
# each answer served from the cache: the search to count (search/unmet_needs.py).
KEPT_ATTRIBUTES = ("search_stat",)
# As GZipMiddleware reads Accept-Encoding, and its smallest body worth compressing.
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
GZIP_MIN_BYTES = 200


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = min(settings.PAGE_CACHE_SECONDS, MAX_SECONDS)
        if seconds <= 0 or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if _personal(request):
            response = self.get_response(request)
            if _is_page(request):
                patch_cache_control(response, private=True, no_store=True)
                patch_vary_headers(response, ["Cookie"])
            return response
        key = _key(request)
        if key is None:
            return self.get_response(request)
        token, entry = generation.current_and(key)
        lock = f"{key}:lock"
        now = time.time()
        if _valid(entry, token, now):
            if now < entry["expires"] - REFRESH_AHEAD_SECONDS or not cache.add(
                lock, 1, LOCK_SECONDS
            ):
                return _replay(request, entry)
            return self._render(request, key, token, seconds, lock)
        if cache.add(lock, 1, LOCK_SECONDS):
            return self._render(request, key, token, seconds, lock)
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            entry = cache.get(key)
            if _valid(entry, token, time.time()):
                return _replay(request, entry)
            if cache.get(lock) is None:
                break  # the page it rendered was not one to keep
        return self._render(request, key, token, seconds)

    def _render(self, request, key, token, seconds, lock=None):
        try:
            response = self.get_response(request)
            if not _keepable(request, response):
                return response
            entry = _entry(response, token, seconds)
            cache.set(key, entry, seconds)
            return _replay(request, entry)
        finally:
            if lock is not None:
                cache.delete(lock)


def _personal(request):
    names = (settings.SESSION_COOKIE_NAME, *PERSONAL_COOKIES)
    return any(name in request.COOKIES for name in names)


def _is_page(request):
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name in PAGES


def _key(request):
    """The page's key; None for a request never served from the cache. The address is hashed:
    a query is never a key in clear. The generation is in the entry, not in the key, so that
    one read (`generation.current_and`) brings both."""
    path = request.path_info
    if path not in UNPREFIXED and not any(
        path.startswith(f"/{code}/") for code, _name in settings.LANGUAGES
    ):
        return None
    if "lat" in request.GET or "lon" in request.GET:
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None  # answered 400 below
    language = get_language_from_request(request, check_path=True)
    address = f"{request.scheme}://{host}{request.get_full_path()} {language}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"page:{digest}"


def _keepable(request, response):
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    return (
        _is_page(request)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and vary <= HARMLESS_VARY
    )


def _valid(entry, token, now):
    """Whether `entry` is a page of the current generation `token`, not expired."""
    return entry is not None and entry.get("generation") == token and now < entry["expires"]


def _entry(response, token, seconds):
    """What is kept of a page: its status, headers, body and ETag, plus the body compressed
    with gzip (None when too small or no smaller) and that body's own ETag."""
    content = response.content
    tag = hashlib.md5(content, usedforsecurity=False).hexdigest()
    zipped = None
    if len(content) >= GZIP_MIN_BYTES:
        zipped = gzip.compress(content, compresslevel=6, mtime=0)
        if len(zipped) >= len(content):
            zipped = None
    vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
    return {
        "generation": token,
        "status": response.status_code,
        "headers": [(k, v) for k, v in response.items() if k.lower() not in NOT_KEPT],
        "vary": vary,
        "content": content,
        "etag": f'W/"{tag}"',
        "gzip": zipped,
        "gzip_etag": f'W/"{tag}-gzip"',
        "expires": time.time() + seconds,
        "attributes": {
            name: getattr(response, name) for name in KEPT_ATTRIBUTES if hasattr(response, name)
        },
    }


def _replay(request, entry):
    """The kept page, compressed for a client that accepts gzip; 304 when the client has it
    already."""
    zipped = entry.get("gzip")
    if zipped is not None and ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response = HttpResponse(zipped, status=entry["status"])
        response["Content-Encoding"] = "gzip"
        etag = entry["gzip_etag"]
    else:
        response = HttpResponse(entry["content"], status=entry["status"])
        etag = entry["etag"]
    for header, value in entry["headers"]:
        response[header] = value
    response["Content-Length"] = str(len(response.content))
    left = max(0, int(entry["expires"] - time.time()))
    patch_cache_control(response, public=True, max_age=left)
    vary = [*entry.get("vary", ()), "Cookie"]
    if zipped is not None:
        vary.append("Accept-Encoding")
    patch_vary_headers(response, vary)
    response["ETag"] = etag
    answer = get_conditional_response(request, etag=etag, response=response) or response
    for name, value in entry.get("attributes", {}).items():
        setattr(answer, name, value)
    return answer

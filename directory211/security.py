"""Security middleware (docs/security.md): the Content-Security-Policy with the map's tile
server, the Permissions-Policy header, the query string's size, and per-client rate limits.

Rate limits count requests per client in the default cache with django-ratelimit's fixed
windows: the search results page, the API and every POST (the admin's forms and sign-in, the
language switch) each have their own budget (settings RATELIMIT_SEARCH, RATELIMIT_API,
RATELIMIT_POST). Past it, a page answers a bilingual 429 page and the API a JSON 429, both with
`Retry-After` (the seconds left in the window). A client is told apart by its address
(`client_address`); the counters' keys are hashes, so no address is stored in clear. When the
cache cannot be reached, requests go through (a Redis outage must not close the site).
"""

import ipaddress
import logging

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.exception import response_for_exception
from django.utils.cache import patch_vary_headers
from django_ratelimit.core import get_usage

from resources.maps import tile_origin

from .errors import answer

logger = logging.getLogger(__name__)

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class QueryStringTooLong(SuspiciousOperation):
    """A query string longer than QUERY_STRING_MAX_LENGTH: a 400, as Django answers a body too
    large or too many fields (handler400)."""


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the tile server's origin added to img-src."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        origin = tile_origin()
        if origin and not report_only:
            update = dict(parts.update or {})
            update["img-src"] = [*update.get("img-src", []), origin]
            parts.update = update
        return parts


def permissions_policy():
    return ", ".join(f"{name}={allow}" for name, allow in settings.PERMISSIONS_POLICY.items())


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; `X-Robots-Tag: noindex` on the admin's (robots.txt
    does not name the admin's path, which may be a secret one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", permissions_policy())
        if request.path_info.startswith("/" + settings.ADMIN_URL):
            response.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response


def client_address(request):
    """The client's address as the rate limits count it.

    REMOTE_ADDR, unless TRUSTED_PROXY_COUNT says that many reverse proxies of ours stand in
    front: then the address the outermost of them saw, read from the right of X-Forwarded-For
    (each proxy appends the address it received the request from), so that a client cannot
    choose its own by sending the header. IPv6 addresses count by /64, a household's or an
    office's usual block."""
    remote = request.META.get("REMOTE_ADDR", "")
    chain = [remote]
    if settings.TRUSTED_PROXY_COUNT > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        chain = [a.strip() for a in forwarded.split(",") if a.strip()] + chain
        chain = chain[-(settings.TRUSTED_PROXY_COUNT + 1) :]
    for candidate in (chain[0], remote):
        try:
            address = ipaddress.ip_address(candidate)
        except ValueError:
            continue
        if address.version == 6:
            return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
        return str(address)
    return "unknown"


def rate_group(request):
    """Which budget a request draws on, or None: every POST, the API, the results page."""
    if request.method in UNSAFE_METHODS:
        return "post"
    match = request.resolver_match
    if match is None:
        return None
    if "api" in match.namespaces:
        return "api"
    if match.view_name == "search:results":
        return "search"
    return None


def too_many_requests(request, group, retry_after):
    message = f"too many requests: try again in {retry_after} seconds"
    response = answer(request, 429, message, "429.html", {"retry_after": retry_after})
    if group != "api":
        patch_vary_headers(response, ["Accept-Language"])
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class RequestLimitsMiddleware:
    """A query string longer than QUERY_STRING_MAX_LENGTH is refused with a 400 (in the
    visitor's language, before any view reads it); then the rate limits."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if len(request.META.get("QUERY_STRING", "")) > settings.QUERY_STRING_MAX_LENGTH:
            refused = QueryStringTooLong("query string longer than QUERY_STRING_MAX_LENGTH")
            return response_for_exception(request, refused)  # handler400
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        group = rate_group(request)
        if group is None or not settings.RATELIMIT_ENABLE:
            return None
        try:
            usage = get_usage(
                request,
                group=group,
                key=lambda _group, req: client_address(req),
                rate=getattr(settings, f"RATELIMIT_{group.upper()}"),
                increment=True,
            )
        except Exception:  # the cache is down: let the request through rather than refuse all
            logger.warning("rate limits not counted: the cache cannot be reached", exc_info=True)
            return None
        if usage is None or not usage["should_limit"]:
            return None
        return too_many_requests(request, group, max(1, usage["time_left"]))


def sign_in_address(request):
    """The client address django-axes counts sign-in failures by (settings.AXES_CLIENT_IP_CALLABLE):
    the rate limits' `client_address`, or None for a request that has none (a sign-in made in
    code, as the test client's force_login: a database column of IP addresses refuses
    "unknown")."""
    address = client_address(request)
    return None if address == "unknown" else address

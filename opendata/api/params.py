"""Query-string parameters of the API: each parsed once, a bad value is a 400 with its name."""

import datetime
import uuid

from django.conf import settings
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime

from search.text import MAX_QUERY_CHARS

MAX_PER_PAGE = 500
DEFAULT_PER_PAGE = 50


class BadParameter(Exception):
    def __init__(self, name, message):
        super().__init__(message)
        self.name = name
        self.message = message


def integer(request, name, default, minimum, maximum):
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, f"'{raw[:40]}' is not a whole number") from None
    if not minimum <= value <= maximum:
        raise BadParameter(name, f"must be between {minimum} and {maximum}")
    return value


def page(request):
    return (
        integer(request, "page", 1, 1, 1_000_000),
        integer(request, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
    )


def identifier(request, name):
    """An HSDS id (UUID) or None when absent."""
    raw = request.GET.get(name, "")
    if raw == "":
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise BadParameter(name, f"'{raw[:40]}' is not a UUID") from None


def boolean(request, name):
    raw = request.GET.get(name, "").lower()
    if raw in ("", "false", "0"):
        return False
    if raw in ("true", "1"):
        return True
    raise BadParameter(name, "must be true or false")


def moment(request, name):
    """An ISO 8601 date or date-time (local time when it names no zone) or None."""
    raw = request.GET.get(name, "")
    if raw == "":
        return None
    try:
        value = parse_datetime(raw)
        if value is None:
            day = parse_date(raw)
            value = day and datetime.datetime.combine(day, datetime.time())
    except ValueError:
        value = None
    if value is None:
        raise BadParameter(name, f"'{raw[:40]}' is not an ISO 8601 date or date-time")
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        # In UTC: PostgreSQL refuses odd offsets (+23:40) that Python accepts.
        return value.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        raise BadParameter(name, "out of the range of dates") from None


def number(request, name):
    raw = request.GET.get(name, "")
    if raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadParameter(name, f"'{raw[:40]}' is not a number") from None
    if not 0 < value <= 1_000_000:
        raise BadParameter(name, "must be a distance in metres, above 0 and at most 1000000")
    return value


def text(request, name, limit=MAX_QUERY_CHARS):
    """Free text, with control characters (a NUL byte PostgreSQL refuses...) taken out, at most
    as long as the search's own limit on a query."""
    raw = "".join(c if c.isprintable() else " " for c in request.GET.get(name, ""))
    return " ".join(raw.split())[:limit]


def language(request):
    """`lang=` when given, else the Accept-Language header; French by default."""
    raw = request.GET.get("lang", "")
    codes = [code for code, _ in settings.LANGUAGES]
    if raw:
        if raw not in codes:
            raise BadParameter("lang", f"must be one of {', '.join(codes)}")
        return raw
    found = translation.get_language_from_request(request)
    return found if found in codes else settings.LANGUAGE_CODE

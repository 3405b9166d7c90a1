"""Unmet needs: what people search for, and how little they find (docs/corrections-and-
unmet-needs.md). What a 211 reports to community planners.

Every search of the results page (its first page, a GET with some parameter) is counted by
day, scrubbed query, understood sectors (search.needs), municipality, language and result
count: never a position, an address, a session or a browser. The count happens in
`SearchCountMiddleware`, outside the page cache, so a page served from the cache counts too:
the results view notes the search on its response (`note`), the page cache keeps that note
with the page (directory211.page_cache.KEPT_ATTRIBUTES), and the middleware counts it.

No database write on the request path: counters live in Django's cache (Redis in production,
shared by every worker), one per distinct search and day. A flush (`flush`: the
`flush_search_stats` command, meant for cron, and the admin report when it opens) adds them
to `SearchNeedStat` rows in batches and subtracts what it wrote from the counters (a search
counted meanwhile stays for the next flush). Counters not flushed within `KEPT_DAYS` expire.
"""

import contextlib
import hashlib
import json
import logging
import re
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language

from resources.models import Municipality

from .text import strip_control_characters

logger = logging.getLogger(__name__)

# A query is never shown, nor exported, when seen fewer times than this (per row of the report).
MIN_SEEN = 3
# The report's "low result" searches: fewer results than this (search.views.FEW suggests sectors).
LOW = 5
# Counters and their index live this long in the cache: a flush at least once in that time.
KEPT_DAYS = 8
MAX_QUERY = 120
# How many cache keys a flush reads at once.
BATCH = 500
LOCK_SECONDS = 300

# --- Scrubbing -----------------------------------------------------------------------------

EMAIL = re.compile(r"\S+@\S+")
WEB = re.compile(r"(?:https?://|www\.)\S+", re.I)
POSTAL_CODE = re.compile(r"\b[a-z]\d[a-z][\s-]?\d[a-z]\d\b", re.I)
STREET = (
    r"(?:rue|avenue|av|ave|boulevard|boul|blvd|bd|chemin|ch|rang|montée|montee|route|rte|"
    r"place|pl|croissant|impasse|terrasse|allée|allee|street|st|road|rd|drive|dr|lane|way|crescent)"
)
# A civic number and a street: « 123 rue Notre-Dame », « 45b, boul. Iberville »: to the next comma.
NUMBERED_ADDRESS = re.compile(rf"\b\d+\s*[a-z]?\b[\s,]*(?:\w+\s+)?{STREET}\b\.?[^,;]*", re.I)
# A street word followed by a capitalized name, as typed: « rue Notre-Dame », « chemin du Roy ».
NAMED_STREET = re.compile(
    rf"\b(?i:{STREET})\b\.?\s+(?:(?i:de la|de|du|des|of|the)\s+)?[A-ZÀ-Ý][^,;]*"
)
# Anything shaped like a phone number: digits with spaces, dots, dashes, brackets, a +.
PHONE = re.compile(r"\+?\(?\d[\d\s().\-]{4,}\d")
DIGITS = re.compile(r"\d+")
# What is left is words: letters, apostrophes and inner hyphens.
NOT_A_WORD = re.compile(r"[^\w'’\-]+|_")


def scrub(raw):
    """The query as it is counted: lower case, without emails, web addresses, postal codes,
    street addresses, phone numbers or any digit; words only, at most MAX_QUERY characters."""
    text = strip_control_characters(raw or "")
    for pattern in (EMAIL, WEB, POSTAL_CODE, NUMBERED_ADDRESS, NAMED_STREET, PHONE, DIGITS):
        text = pattern.sub(" ", text)
    text = NOT_A_WORD.sub(" ", text.lower())
    words = [w.strip("-'’") for w in text.split()]
    return " ".join(w for w in words if w)[:MAX_QUERY].strip()


# --- Counting (request path: cache only) -----------------------------------------------------


def note(response, request, found, need_sectors):
    """Mark the results page `response` with its search, to be counted by the middleware:
    only a first page asked with some parameter."""
    data = found.form.cleaned_data
    if not request.GET or (data.get("page") or 1) != 1 or response.status_code != 200:
        return response
    municipality = found.criteria.municipality
    response.search_stat = {
        "query": scrub(data.get("q") or ""),
        "sectors": " ".join(sorted(s.slug for s in need_sectors if s is not None)),
        "municipality": getattr(municipality, "slug", "") or "",
        "language": (get_language() or "fr")[:2],
        "results": int(found.outcome.total),
    }
    return response


class SearchCountMiddleware:
    """Counts the search a response carries (`note`), whether rendered or replayed from the
    page cache: placed before directory211.page_cache.PageCacheMiddleware. Never fails a
    page: a cache that cannot be reached loses the count, not the visitor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        stat = getattr(response, "search_stat", None)
        if stat and request.method == "GET":
            try:
                count(stat)
            except Exception:
                logger.warning("search not counted: the cache cannot be reached")
        return response


def _day_keys(day):
    return f"unmet:n:{day}", f"unmet:k:{day}:"


def count(stat, day=None):
    """One search more for `stat` today, in the cache."""
    day = (day or timezone.localdate()).isoformat()
    row = {**stat, "day": day}
    digest = hashlib.sha256(json.dumps(row, sort_keys=True).encode()).hexdigest()[:32]
    counter = f"unmet:c:{digest}"
    timeout = KEPT_DAYS * 86400
    if not cache.add(counter, 1, timeout):
        try:
            cache.incr(counter)
            return
        except ValueError:  # expired between the two: a new one
            cache.set(counter, 1, timeout)
    # A new search today: listed in the day's index (an atomic sequence, then its slot).
    sequence, slot_prefix = _day_keys(day)
    cache.add(sequence, 0, timeout)
    slot = cache.incr(sequence)
    cache.set(f"{slot_prefix}{slot}", {**row, "counter": counter}, timeout)


# --- Flushing (a command or the admin report, never a public page) -----------------------------


def flush(today=None):
    """Add the counters of the last KEPT_DAYS days to SearchNeedStat; the number of searches
    written. One flush at a time (a lock in the cache); returns None when another runs."""
    from .models import SearchNeedStat

    if not cache.add("unmet:flush-lock", 1, LOCK_SECONDS):
        return None
    written = 0
    try:
        today = today or timezone.localdate()
        slugs = dict(Municipality.objects.values_list("slug", "pk"))
        for back in range(KEPT_DAYS):
            sequence, slot_prefix = _day_keys((today - timedelta(days=back)).isoformat())
            last = cache.get(sequence) or 0
            for start in range(1, last + 1, BATCH):
                slots = cache.get_many(
                    [f"{slot_prefix}{n}" for n in range(start, min(start + BATCH, last + 1))]
                )
                rows = list(slots.values())
                counts = cache.get_many([row["counter"] for row in rows])
                pending = [(row, counts.get(row["counter"]) or 0) for row in rows]
                pending = [(row, n) for row, n in pending if n > 0]
                with transaction.atomic():
                    for row, n in pending:
                        stat, _created = SearchNeedStat.objects.get_or_create(
                            day=row["day"],
                            query=row["query"],
                            sectors=row["sectors"],
                            municipality_id=slugs.get(row["municipality"]),
                            language=row["language"],
                            results=row["results"],
                        )
                        SearchNeedStat.objects.filter(pk=stat.pk).update(searches=F("searches") + n)
                for row, n in pending:
                    # Expired meanwhile: nothing left to subtract from.
                    with contextlib.suppress(ValueError):
                        cache.decr(row["counter"], n)
                    written += n
    finally:
        cache.delete("unmet:flush-lock")
    return written


# --- The report (staff) ----------------------------------------------------------------------

KINDS = ("zero", "low")
# Rows shown per week on the page (the CSV has them all).
TOP = 20


def report_rows(kind="zero", weeks=8, municipality=None, today=None):
    """[{week, municipality, query, sectors, language, searches, results}]: the searches of
    the last `weeks` weeks with no result (`kind` "zero") or fewer than LOW ("low"), by week,
    municipality and query, most searched first; a row seen fewer than MIN_SEEN times is
    left out, whatever asks for it."""
    from django.db.models import Max, Sum
    from django.db.models.functions import TruncWeek

    from .models import SearchNeedStat

    today = today or timezone.localdate()
    start = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    rows = SearchNeedStat.objects.filter(day__gte=start)
    if kind == "zero":
        rows = rows.filter(results=0)
    else:
        rows = rows.filter(results__gte=1, results__lt=LOW)
    if municipality is not None:
        rows = rows.filter(municipality=municipality)
    return list(
        rows.annotate(week=TruncWeek("day"))
        .values("week", "municipality__name", "query", "sectors", "language")
        .annotate(searches=Sum("searches"), results=Max("results"))
        .filter(searches__gte=MIN_SEEN)
        .order_by("-week", "-searches", "query", "municipality__name")
    )

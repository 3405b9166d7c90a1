"""The outage page: when the database cannot be reached, every public page answers 503 with a
page in both languages that keeps the 2-1-1 and crisis numbers, and the API answers JSON 503.

Only errors that say the database is unreachable count (a refused or lost connection, a wait
that timed out, a server shutting down, too many connections, SQLite's locked file): a bug that
raises another database error stays a 500. The page needs no database, cache or context
processor and is never cached. `OutageMiddleware` catches failures in views and in rendering
(a context processor such as the 2-1-1 banner's runs then); `errors.server_error` catches the
rest, such as a middleware's.

A hung database costs each request the client-side timeouts (about 2.5 s, settings.py), which
would hold every worker in a surge. So after a failure that took that long, this process answers
the outage page at once for PAUSE_SECONDS before it tries the database again; a refused
connection fails in milliseconds and pauses nothing. docs/outage-and-backups.md.
"""

import sqlite3
import time
import types

from django.db import InterfaceError, OperationalError
from django.utils.cache import add_never_cache_headers

from .errors import answer

RETRY_AFTER_SECONDS = 30
PAUSE_SECONDS = 5
SLOW_FAILURE_SECONDS = 1
# Answer without a database until then (time.monotonic()); per process.
_pause = types.SimpleNamespace(until=0.0)

# SQLSTATE classes of an unreachable server: 08 connection exception, 53 insufficient resources
# (too many connections), 57P admin or crash shutdown, "cannot connect now" while starting.
_OUTAGE_SQLSTATES = ("08", "53", "57P")
_SQLITE_OUTAGE_CODES = {
    getattr(sqlite3, name, None)
    for name in ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR")
} - {None}


def _says_unreachable(error):
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if isinstance(cause, sqlite3.Error):
        return getattr(cause, "sqlite_errorcode", None) in _SQLITE_OUTAGE_CODES
    # psycopg: no SQLSTATE means the client failed (refused, closed, timed out).
    sqlstate = getattr(cause, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith(_OUTAGE_SQLSTATES)


def is_database_outage(exception):
    """Whether `exception`, or one it was raised from or while handling, says the database
    cannot be reached."""
    seen = set()
    while exception is not None and id(exception) not in seen:
        if _says_unreachable(exception):
            return True
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return False


def outage_response(request):
    response = answer(request, 503, "Service unavailable", "503.html")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def end_pause():
    _pause.until = 0.0


class OutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        if started < _pause.until and request.path not in ("/healthz", "/readyz"):
            return outage_response(request)
        request.outage_clock = started
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_outage(exception):
            return None
        now = time.monotonic()
        if now - getattr(request, "outage_clock", now) >= SLOW_FAILURE_SECONDS:
            _pause.until = now + PAUSE_SECONDS
        return outage_response(request)

"""The outage page: when the database cannot be reached, every public page answers 503 with a
page in both languages that keeps the 2-1-1 and crisis numbers, and the API answers JSON 503.

Only errors that say the database is unreachable count (a refused or lost connection, a wait
that timed out, a server shutting down, too many connections, SQLite's locked file): a bug that
raises another database error stays a 500. The page needs no database, cache or context
processor and is never cached. `OutageMiddleware` catches failures in views and in rendering
(a context processor such as the 2-1-1 banner's runs then); `errors.server_error` catches the
rest, such as a middleware's. docs/outage-and-backups.md.
"""

import sqlite3

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

RETRY_AFTER_SECONDS = 30

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
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": "Service unavailable", "status": 503, "parameter": None}, status=503
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render({}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class OutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            return outage_response(request)
        return None

"""A URL configuration for the outage-page tests: the site's, plus views whose database fails."""

from django.db import DatabaseError, OperationalError, ProgrammingError
from django.urls import path

from directory211.urls import handler404, handler500, urlpatterns  # noqa: F401


def _raising(error):
    def view(request):
        raise error

    return view


def unreachable_cause():
    """A Django OperationalError as the PostgreSQL backend raises it for a refused connection."""
    import psycopg

    try:
        try:
            raise psycopg.OperationalError("connection refused")
        except psycopg.OperationalError as cause:
            raise OperationalError("connection refused") from cause
    except OperationalError as error:
        return error


urlpatterns = [
    path("fr/base-absente/", _raising(unreachable_cause())),
    path("en/database-gone/", _raising(unreachable_cause())),
    path("api/database-gone", _raising(unreachable_cause())),
    path("fr/bogue-sql/", _raising(ProgrammingError("syntax error"))),
    path("fr/autre-erreur/", _raising(DatabaseError("a bug, not an outage"))),
    *urlpatterns,
]

"""Read replicas: public reads go to a replica, everything else to the primary (docs/deploy.md).

Installed only when `DATABASE_REPLICA_URLS` names replicas (aliases `replica1`, `replica2`...).
The router cannot see the request, so `ReplicaReadsMiddleware` says, per request, whether its
reads may go to a replica, in a context variable; without it (management commands, the shell,
the search index's writes, tests calling code directly) every query goes to the primary.

A request reads from a replica only when all of these hold: its method is GET or HEAD (a POST
and anything else may write); its path is not the admin's (`ADMIN_URL`); no one is signed in
(staff see what they just saved, and the admin's "view on site" lands on a public page as
staff); and nothing in it has written yet (after a write, the rest of the request reads the
primary), nor is the primary in a transaction. The choice is per request and holds no state
between requests: no cookie, no "stick to the primary" window. None is needed today because
every write comes from a signed-in staff member or a POST, both served by the primary; a future
anonymous form whose next page must show what it saved should redirect to a page read from the
primary (or sign the choice into a short-lived cookie) rather than rely on replication being
faster than the visitor.

One replica is chosen at random per request and kept for all its reads, so a page is read from
one consistent snapshot (a results page and its count never mix two replicas' lag).
"""

import contextvars
import random

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

# None: read from the primary. Otherwise the alias of the replica this request reads from.
_replica = contextvars.ContextVar("replica", default=None)


def replica_aliases():
    """The replica aliases settings.py made from `DATABASE_REPLICA_URLS`, in order."""
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


def admin_prefix():
    return "/" + getattr(settings, "ADMIN_URL", "admin/").strip("/") + "/"


def may_read_from_replica(request):
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path_info.startswith(admin_prefix()):
        return False
    # A visitor without a session cookie is anonymous: no session read to find out.
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        user = getattr(request, "user", None)
        if user is None or user.is_authenticated:
            return False
    return True


class ReplicaReadsMiddleware:
    """Lets a public read-only request read from a replica (after AuthenticationMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        replicas = replica_aliases()
        if not replicas or not may_read_from_replica(request):
            return self.get_response(request)
        token = _replica.set(random.choice(replicas))
        try:
            return self.get_response(request)
        finally:
            _replica.reset(token)


def read_alias():
    """The alias this context's reads use: its replica, unless it wrote or is in a transaction
    on the primary (whose own writes a replica would not show)."""
    replica = _replica.get()
    if replica is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return replica


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        # Anything after a write in this request reads its own writes from the primary.
        _replica.set(None)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, replicated

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS

"""The directory's content generation: a token in the shared cache that changes whenever the
directory changes, so that whatever is cached under it (whole public pages, the counts they show)
is never served after an edit.

Any save or delete of a model of a watched app (the listings; the search app adds its own, the
lexicon) and any change of their many-to-many links changes it, once per transaction, when it
commits (a page rendered meanwhile shows the data before it, under the old token); the thread that
writes sees a new token at its next read, so a transaction reads its own writes. Bulk writes send
no model signal: `bump()` is called at their end (`directory_loaded`, the imports, the search
index rebuild, the benchmark generator), and after `migrate`. The token is random, never a
counter: if the cache loses it, the new one matches no old entry. Nothing old is deleted: entries
under an old token expire by their own timeout.

With a cache local to each process (`locmemcache://`, the default), another process learns of an
edit only when its own entries expire: production with several workers uses a shared cache
(Redis, see docs/caching.md).
"""

import threading
import uuid

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from .signals import directory_loaded

KEY = "directory:generation"
# Cached values under a generation live this long at most (an hour): they are dropped by the
# generation changing, the timeout only frees the memory of the old ones.
TIMEOUT = 3600

WATCHED_APPS = {"resources"}

_state = threading.local()


def watch(app_label):
    """Make writes to the models of `app_label` change the generation (the search app's
    lexicon; the listings are watched from the start)."""
    WATCHED_APPS.add(app_label)


def current():
    """The current token (a new one if the cache has none, or if this thread wrote to the
    directory since it last read it: a transaction reads its own writes)."""
    if getattr(_state, "dirty", False):
        _state.dirty = False
        bump()
    token = cache.get(KEY)
    if token is None:
        cache.add(KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(KEY)
    return token


def current_and(key):
    """(the current token, the cached value of `key` or None), read together: one round trip
    to the cache (the page cache's hit, directory211/page_cache.py)."""
    if getattr(_state, "dirty", False):
        _state.dirty = False
        bump()
    values = cache.get_many([KEY, key])
    token = values.get(KEY)
    if token is None:
        return current(), None  # a new token: nothing was kept under it
    return token, values.get(key)


def bump(**_signal):
    """A new token: everything cached under the previous one is out of date."""
    cache.set(KEY, uuid.uuid4().hex, timeout=None)


def cached(name, compute, timeout=TIMEOUT):
    """`compute()`, kept in the cache under `name` for the current generation."""
    key = f"directory:{current()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def _changed(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    if sender._meta.app_label not in WATCHED_APPS or kwargs.get("action", "post_").startswith(
        "pre_"
    ):
        return
    connection = connections[using]
    if not connection.in_atomic_block:
        bump()
        return
    _state.dirty = True
    # Once per transaction: the list of commit hooks is a new one after a commit or rollback.
    hooks = connection.run_on_commit
    if getattr(_state, "hooks", None) is not hooks:
        _state.hooks = hooks
        connection.on_commit(bump)


def _changed_links(sender, instance, **kwargs):
    _changed(instance.__class__, **kwargs)


post_save.connect(_changed, dispatch_uid="generation-save")
post_delete.connect(_changed, dispatch_uid="generation-delete")
m2m_changed.connect(_changed_links, dispatch_uid="generation-links")
directory_loaded.connect(bump, dispatch_uid="generation-load")
post_migrate.connect(bump, dispatch_uid="generation-migrate")

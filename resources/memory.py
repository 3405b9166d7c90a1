"""Small data that every request reads, kept in memory by each process.

A `KeptInMemory` value is loaded on first use and kept. A save or delete of one of the models it
is built from (or a change of a listed many-to-many link) drops this process's copy at once and
again when the transaction commits; the server's other processes reload theirs once it is
MAX_AGE_SECONDS old. Users: the search's reference data (search/lookups.py), the names of the
gazetteer's MRCs and regions (resources/models/reference.py) and the 2-1-1 line's record
(resources/context_processors.py).
"""

import threading
import time

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

MAX_AGE_SECONDS = 60

_every = []


class KeptInMemory:
    def __init__(self, name, load, models, links=()):
        self._load, self._value, self._loaded_at = load, None, 0.0
        self._lock = threading.Lock()
        for model in models:
            for signal in (post_save, post_delete):
                signal.connect(
                    self.forget, sender=model, weak=False, dispatch_uid=f"{name}-{signal}-{model}"
                )
        for through in links:
            m2m_changed.connect(
                self.forget, sender=through, weak=False, dispatch_uid=f"{name}-{through}"
            )
        _every.append(self)

    def get(self):
        value = self._value
        if value is None or time.monotonic() - self._loaded_at > MAX_AGE_SECONDS:
            with self._lock:
                value = self._load()
                self._value, self._loaded_at = value, time.monotonic()
        return value

    def forget(self, **signal):
        self._value = None
        if signal.get("sender") is not None:
            transaction.on_commit(self.forget)


def forget_all():
    """Drop every kept value (tests: a rolled-back test must not leave its rows in memory)."""
    for kept in _every:
        kept.forget()

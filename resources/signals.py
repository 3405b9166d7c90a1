"""Signals the listings send for the layers above them (search, open data), which listen instead
of being called: the listings import nothing from them (tests/test_architecture.py)."""

from django.dispatch import Signal

# Sent after a bulk load written with `raw` saves or bulk inserts, which model signals do not
# announce (the demo loader). Keyword arguments: `stdout`, where a receiver may report what it
# did. Receivers rebuild what they derive from the whole directory (the search index).
directory_loaded = Signal()

"""WSGI entry point."""

import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory211.settings")

application = get_wsgi_application()

# What is loaded by now (code, URL patterns, model metadata) lives as long as the process. Frozen,
# it is no longer walked by every full garbage collection: those paused a search page 55-70 ms
# (about one search in ten at 100,000 services); 15-20 ms once frozen. See bench_search.
import_module(settings.ROOT_URLCONF)
gc.freeze()

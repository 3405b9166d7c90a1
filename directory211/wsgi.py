"""WSGI entry point."""

import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from directory211.warm import warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory211.settings")

application = get_wsgi_application()

# What every first request would otherwise build in each process: the URL patterns of both
# languages, the translation catalogues and the public pages' compiled templates (the cached
# loader keeps them). Loaded here, once: with gunicorn's preload_app (directory211/gunicorn.conf.py)
# a worker forked from the master, at start or when it replaces one (max_requests), answers its
# first requests as fast as its hundredth. No database is touched.
warm_up()

# What is loaded by now (code, URL patterns, model metadata) lives as long as the process. Frozen,
# it is no longer walked by every full garbage collection: those paused a search page 55-70 ms
# (about one search in ten at 100,000 services); 15-20 ms once frozen. See bench_search.
import_module(settings.ROOT_URLCONF)
gc.freeze()

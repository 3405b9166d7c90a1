"""The production cache: `CACHE_URL=redis://...` is Django's own Redis backend, and the page cache
and its content generation work through a real Redis server (shared by every worker).

Needs a Redis server at TEST_REDIS_URL (default redis://127.0.0.1:6379/0): skipped without one,
except under CI (`CI` set, `.ci/run` starts one), where it fails. The test's keys carry their own
prefix and are deleted at its end; nothing else in the database is touched (never `cache.clear()`,
which would empty the whole Redis database)."""

import os
import uuid

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resources import generation
from tests.conftest import settings_in_child
from tests.factories import make_service

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def cache_setting(url):
    """The CACHES setting the site's settings make of CACHE_URL=`url` (a fresh process)."""
    return settings_in_child("settings.CACHES['default']", CACHE_URL=url)


def test_redis_urls_are_djangos_own_redis_backend():
    assert cache_setting("redis://127.0.0.1:6379/1") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
    }
    assert cache_setting("rediscache://127.0.0.1:6379/2?max_connections=20") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/2",
        "OPTIONS": {"max_connections": 20},
    }
    assert cache_setting("locmemcache://")["BACKEND"].endswith("LocMemCache")


@pytest.fixture
def redis_cache(settings):
    server = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        server.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"No Redis server at {REDIS_URL} (CI is set)")
        pytest.skip(f"No Redis server at {REDIS_URL}")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.PAGE_CACHE_SECONDS = 60
    yield server
    keys = list(server.scan_iter(f"{prefix}:*"))
    if keys:
        server.delete(*keys)


@pytest.mark.django_db
def test_pages_are_kept_in_redis_and_an_edit_shows_at_once(client, redis_cache):
    service = make_service(sectors=["food-banks"], municipalities=["charlemagne"], name_fr="Frigo")
    url = "/fr/secteurs/food/"
    assert "Frigo" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        warm = client.get(url)
    assert len(queries) == 0 and "Frigo" in warm.content.decode()
    prefix = django_settings.CACHES["default"]["KEY_PREFIX"]
    token = redis_cache.get(f"{prefix}:1:{generation.KEY}")
    assert token is not None
    assert list(redis_cache.scan_iter(f"{prefix}:1:page:*"))
    service.name_fr = "Frigo partagé"
    service.save()
    assert "Frigo partagé" in client.get(url).content.decode()
    assert redis_cache.get(f"{prefix}:1:{generation.KEY}") != token

"""Shared test set-up: translations compiled once, French active by default."""

import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.conf import settings
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections, transaction
from django.db.backends.base.creation import BaseDatabaseCreation
from django.test import override_settings
from django.utils import translation

from resources import generation
from resources.catalogues import compile_catalogues
from resources.memory import forget_all
from resources.models import Municipality


def restore_migrated_data(django_db_blocker):
    """Put back the rows the migrations load (reference data: municipalities, sectors,
    languages), which a transactional test's flush removes, for the tests that run after."""
    with django_db_blocker.unblock():
        for connection in connections.all():
            if hasattr(connection, "_test_serialized_contents"):
                connection.creation.deserialize_db_from_string(connection._test_serialized_contents)


def _restore_in_bulk(self, data):
    """Django's `deserialize_db_from_string` (what `serialized_rollback` and
    `restore_migrated_data` run before and after transactional tests), one multi-row INSERT per
    table instead of a save and a many-to-many `set()` per row (about 6,000 rows and 5,000 links:
    seconds per browser test otherwise). The same rows with the same primary keys, inserted
    `raw` as the deserializer's save does (timestamps kept as serialized; a row already there
    is saved over, as Django does). What the `raw` saves' post_save receivers would do is done
    once at the end: the data kept in memory dropped, the cached pages' generation bumped.
    tests/test_restore_in_bulk.py checks that a restore gives back exactly the serialized rows."""
    alias = self.connection.alias
    rows, links, present = defaultdict(list), defaultdict(list), {}
    with transaction.atomic(using=alias), self.connection.constraint_checks_disabled():
        for deserialized in serializers.deserialize("json", StringIO(data), using=alias):
            instance = deserialized.object
            model = type(instance)
            if model not in present:  # rows a flush left or post_migrate made (permissions)
                present[model] = set(model._base_manager.using(alias).values_list("pk", flat=True))
            if instance.pk in present[model] or model._meta.parents or deserialized.deferred_fields:
                # Updated in place; multi-table inheritance; natural keys: Django's own way.
                deserialized.save()
                continue
            rows[model].append(instance)
            for name, targets in (deserialized.m2m_data or {}).items():
                field = model._meta.get_field(name)
                through = field.remote_field.through
                source = through._meta.get_field(field.m2m_field_name()).attname
                target = through._meta.get_field(field.m2m_reverse_field_name()).attname
                links[through] += [through(**{source: instance.pk, target: pk}) for pk in targets]
        for model, instances in [*rows.items(), *links.items()]:
            # A link's own id is not serialized: the database numbers it, as `set()` lets it.
            fields = [
                f for f in model._meta.local_concrete_fields if model in rows or not f.primary_key
            ]
            size = max(self.connection.ops.bulk_batch_size(fields, instances), 1)
            for start in range(0, len(instances), size):
                model._base_manager.using(alias)._insert(
                    instances[start : start + size], fields=fields, using=alias, raw=True
                )
        tables = {model._meta.db_table for model in [*present, *links]}
        self.connection.check_constraints(table_names=tables)
    forget_all()
    generation.bump()


@pytest.fixture(scope="session", autouse=True)
def _reference_data_restored_in_bulk():
    original = BaseDatabaseCreation.deserialize_db_from_string
    BaseDatabaseCreation.deserialize_db_from_string = _restore_in_bulk
    yield
    BaseDatabaseCreation.deserialize_db_from_string = original


def child_environment():
    """This process's environment for a child process (a server, a command), without what the
    browser tests set for themselves (DJANGO_ALLOW_ASYNC_UNSAFE, which `check --deploy` refuses)."""
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def settings_in_child(expression, **variables):
    """The JSON value of `expression` (over `settings`) as the site's settings make it in a
    fresh process given the environment `variables` (the suite's own DATABASE_* and CACHE_URL
    left out)."""
    environment = {
        k: v for k, v in child_environment().items() if not k.startswith(("DATABASE", "CACHE_URL"))
    }
    environment.update(variables, DJANGO_SETTINGS_MODULE="directory211.settings")
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({expression}, default=str))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def pytest_sessionstart(session):
    compile_catalogues()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A `replica1` alias standing in for a read replica: a second connection to the test
    database (a test mirror, as replication would show the primary's rows). No router sends
    anything to it unless a test installs one (tests/test_db_router.py)."""
    from django.conf import settings

    if "replica1" not in settings.DATABASES:
        settings.DATABASES["replica1"] = {
            **settings.DATABASES["default"],
            "TEST": {**settings.DATABASES["default"].get("TEST", {}), "MIRROR": "default"},
        }
        connections.configure_settings(None)


@pytest.fixture(scope="session", autouse=True)
def _plain_http():
    """Tests run with production settings (DEBUG off), which redirect every request to HTTPS;
    the test client and the live server speak plain HTTP. Session-wide so that it is in force
    when the live server builds its middleware (SecurityMiddleware reads the setting once)."""
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(scope="session", autouse=True)
def _pages_not_kept():
    """Whole pages are not kept in the cache (directory211/page_cache.py), so that each request
    renders and the query counts mean something; tests/test_page_cache.py turns it on."""
    with override_settings(PAGE_CACHE_SECONDS=0):
        yield


@pytest.fixture(autouse=True)
def _nothing_kept_in_memory():
    """Each test starts without the data kept in memory (resources/memory.py: the search's
    reference data, the 2-1-1 line's record; a rolled-back test must not leave its sectors or
    synonyms there for the next), nor in the cache (search.suggestions counts per place)."""
    forget_all()
    cache.clear()
    yield
    forget_all()
    cache.clear()


@pytest.fixture
def admin_user(django_user_model):
    """pytest-django's (behind `admin_client`), without the deliberately slow password hashing:
    the client signs in with force_login."""
    return django_user_model.objects.create_superuser("admin", "admin@example.org", None)


@pytest.fixture(autouse=True)
def _french_by_default():
    with translation.override("fr"):
        yield


# Markers whose tests run only when a `-m` expression names them.
OPT_IN_MARKERS = ("fuzz", "relevance_detail", "demo_pages")
# A parametrized test marked `browser_matrix` runs its whole matrix (devices × languages ×
# pages) only when a `-m` expression names the marker; otherwise a fair sample of it.
SAMPLED_MARKERS = ("browser_matrix",)


def fair_sample(items):
    """Of the parametrized `items` of one test, a fixed few that give every value of every
    parameter at least once (2 of devices × languages, 4 of 4 pages × 2 languages): picked one
    at a time, the combination bringing the most values not yet given, then the one whose
    values were given the fewest times, then the first collected."""
    uses, kept, remaining = Counter(), [], list(items)

    def values(item):
        return {(name, repr(value)) for name, value in item.callspec.params.items()}

    def score(item):
        return (
            sum(uses[value] == 0 for value in values(item)),
            -sum(uses[value] for value in values(item)),
        )

    while remaining:
        best = max(remaining, key=score)
        if not score(best)[0]:
            break
        uses.update(values(best))
        kept.append(best)
        remaining.remove(best)
    return kept


def pytest_collection_modifyitems(config, items):
    """Tests using `demo_data` run last, so that no other test sees the demo directory. Long
    fuzzing runs (marked `fuzz`) and the relevance suite query by query (`relevance_detail`)
    run only when a `-m` expression names them; a browser matrix (`browser_matrix`), a fair
    sample of it unless named."""
    for marker in SAMPLED_MARKERS:
        if marker not in (config.option.markexpr or ""):
            matrices = defaultdict(list)
            for item in items:
                if item.get_closest_marker(marker) and hasattr(item, "callspec"):
                    matrices[(item.path, item.originalname)].append(item)
            left_out = []
            for matrix in matrices.values():
                sample = fair_sample(matrix)
                left_out += [item for item in matrix if item not in sample]
            config.hook.pytest_deselected(items=left_out)
            items[:] = [item for item in items if item not in left_out]
    for marker in OPT_IN_MARKERS:
        if marker not in (config.option.markexpr or ""):
            kept = [item for item in items if item.get_closest_marker(marker) is None]
            config.hook.pytest_deselected(items=[item for item in items if item not in kept])
            items[:] = kept
    items.sort(key=lambda item: "demo_data" in getattr(item, "fixturenames", ()))
    # In parallel runs (pytest-xdist, `--dist loadgroup`), the demo tests go to one worker as
    # one unit, dispatched last since they are collected last: no worker runs another test
    # after its demo directory is loaded.
    for item in items:
        if "demo_data" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("demo"))


@pytest.fixture(scope="session")
def demo_data(django_db_setup, django_db_blocker):
    """The whole fictional demo directory (fixtures/demo/*.json), loaded once per test session
    through `manage.py load_demo_data` (which also rebuilds the search index, about 10 s).

    Use it from `@pytest.mark.django_db` tests; each still runs in its own savepoint, rolled back
    at its end, so it may edit demo records. The load happens inside a transaction that stays
    open until the end of the session and is then rolled back (as Django's setUpTestData does
    for a class), so the database, even a kept one (`--reuse-db`), is left as it was; that is why
    the tests using it run after all the others. Not with `transaction=True` or `live_server`:
    their flush cannot run inside that transaction. Returns the command's summary line.
    """
    output, session = StringIO(), transaction.atomic()
    with django_db_blocker.unblock():
        session.__enter__()
        try:
            if not Municipality.objects.exists():
                # A transactional test run earlier in this process flushed the reference data
                # the migrations load, which the demo directory names.
                restore_migrated_data(django_db_blocker)
            call_command("load_demo_data", stdout=output)
        except BaseException:
            session.__exit__(*sys.exc_info())
            raise
    yield output.getvalue()
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        session.__exit__(None, None, None)

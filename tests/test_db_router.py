"""Read replicas (directory211/db_router.py): public reads go to a replica, everything else to the
primary. The `replica1` alias (tests/conftest.py) is a second connection to the test database,
so which connection ran a query tells where it went. The tests commit their rows
(`transaction=True`) as a replica only sees committed ones."""

from contextlib import ExitStack, contextmanager

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from directory211.db_router import ReplicaReadsMiddleware
from resources.models import Organization, Sector
from tests.conftest import restore_migrated_data, settings_in_child
from tests.factories import locate, make_service

pytestmark = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", "replica1"]
)

ROUTER = ["directory211.db_router.PrimaryReplicaRouter"]


@pytest.fixture(scope="module", autouse=True)
def _reference_data_back(django_db_blocker):
    """The flush after the last transactional test removed the migrated reference data: put it
    back for the tests that run after this module (as the browser tests do)."""
    yield
    restore_migrated_data(django_db_blocker)


@pytest.fixture
def replicas():
    with override_settings(DATABASE_ROUTERS=ROUTER):
        yield


@pytest.fixture
def service():
    service = make_service(sectors=["food"], municipalities=["repentigny"], name_fr="Banque Ouest")
    locate(service)
    return service


@contextmanager
def queries():
    """The SQL each connection ran in the block: {"default": [...], "replica1": [...]}."""
    with ExitStack() as stack:
        captured = {
            alias: stack.enter_context(CaptureQueriesContext(connections[alias]))
            for alias in ("default", "replica1")
        }
        ran = {}
        yield ran
    ran.update({alias: [q["sql"] for q in c.captured_queries] for alias, c in captured.items()})


def public_urls(service):
    return [
        "/fr/",
        "/en/",
        f"/fr/services/{service.slug}/",
        "/fr/recherche/?q=banque",
        "/fr/recherche/?q=banque&place=J6A",
        "/fr/recherche/?sector=food",
        "/fr/secteurs/food/",
        "/api/services?search=banque",
    ]


def test_public_pages_read_from_the_replica(client, replicas, service):
    for url in public_urls(service):
        with queries() as ran:
            response = client.get(url)
        assert response.status_code == 200, url
        assert ran["replica1"], url
        assert ran["default"] == [], (url, ran["default"])


def test_a_public_search_finds_through_the_replica(client, replicas, service):
    with queries() as ran:
        response = client.get("/fr/recherche/?q=banque")
    assert "Banque Ouest" in response.content.decode()
    assert any("search_" in sql for sql in ran["replica1"])


def test_without_replicas_everything_reads_the_primary(client, service):
    assert settings.DATABASE_ROUTERS == []
    for url in public_urls(service):
        with queries() as ran:
            assert client.get(url).status_code == 200, url
        assert ran["default"], url
        assert ran["replica1"] == [], url


def test_the_admin_reads_and_writes_the_primary(admin_client, replicas, service):
    with queries() as ran:
        assert admin_client.get("/admin/resources/service/").status_code == 200
        assert admin_client.get(f"/admin/resources/service/{service.pk}/change/").status_code == 200
    assert ran["default"] and ran["replica1"] == []


def test_staff_read_public_pages_from_the_primary(admin_client, replicas, service):
    """What staff just saved shows on the public page ("view on site") at once."""
    with queries() as ran:
        assert admin_client.get(f"/fr/services/{service.slug}/").status_code == 200
    assert ran["default"] and ran["replica1"] == []


def test_the_admin_path_is_read_from_the_primary_for_anyone(client, replicas, service):
    """A visitor with a session but not signed in, on the admin's login page: the session is
    read from the primary, as is anything under the admin's path."""
    session = client.session
    session["seen"] = True
    session.save()
    with queries() as ran:
        assert client.get("/admin/login/").status_code == 200
    assert ran["default"] and ran["replica1"] == []
    # The same visitor on a public page reads from the replica.
    with queries() as ran:
        assert client.get("/fr/").status_code == 200
    assert ran["replica1"]


@override_settings(ADMIN_URL="ailleurs/")
def test_a_post_reads_and_writes_the_primary(client, replicas, django_user_model):
    """Outside the admin's path too (it is moved away here): a POST may write."""
    django_user_model.objects.create_user("equipe", password="mot-de-passe-long-123")
    with queries() as ran:
        response = client.post(
            "/admin/login/", {"username": "equipe", "password": "mot-de-passe-long-123"}
        )
    assert response.status_code in (200, 302)
    assert ran["default"] and ran["replica1"] == []
    assert any("auth_user" in sql for sql in ran["default"])


def test_a_request_that_wrote_reads_its_own_writes_from_the_primary(replicas):
    def view(request):
        Sector.objects.count()  # before any write: the replica
        Organization.objects.create(slug="ecrit", name_fr="Écrit", description_fr="Test.")
        assert Organization.objects.filter(slug="ecrit").exists()  # its own write: the primary
        return HttpResponse()

    request = RequestFactory().get("/fr/")
    request.user = AnonymousUser()
    with queries() as ran:
        ReplicaReadsMiddleware(view)(request)
    assert [sql for sql in ran["replica1"] if "resources_sector" in sql]
    assert [sql for sql in ran["default"] if "INSERT" in sql]
    assert [sql for sql in ran["default"] if "SELECT" in sql and "resources_organization" in sql]
    assert not [sql for sql in ran["replica1"] if "resources_organization" in sql]


def test_commands_and_the_search_index_use_the_primary(replicas, service):
    with queries() as ran:
        call_command("rebuild_search_index", verbosity=0)
        service.name_fr = "Banque Est"
        service.save()  # the index follows through signals
    assert ran["default"] and ran["replica1"] == []


def settings_of(**env):
    """(DATABASES, DATABASE_ROUTERS) as the settings make them from `env` (a fresh process)."""
    return settings_in_child("[settings.DATABASES, settings.DATABASE_ROUTERS]", **env)


@pytest.mark.django_db(transaction=False)
def test_replica_urls_make_aliases_with_the_primary_options():
    databases, routers = settings_of(
        DATABASE_URL="postgres://app:secret@primary:5432/dir211?sslmode=require",
        DATABASE_REPLICA_URLS=(
            "postgres://reader:s1@replica-a:5432/dir211,"
            "postgres://reader:s2@replica-b:6432/dir211?application_name=lecture"
        ),
    )
    assert list(databases) == ["default", "replica1", "replica2"]
    assert routers == ROUTER
    first, second = databases["replica1"], databases["replica2"]
    assert (first["HOST"], first["USER"], first["PASSWORD"]) == ("replica-a", "reader", "s1")
    assert (second["HOST"], second["PORT"]) == ("replica-b", 6432)
    for replica in (first, second):
        assert replica["OPTIONS"]["options"] == databases["default"]["OPTIONS"]["options"]
        assert "-c jit=off" in replica["OPTIONS"]["options"]
        assert replica["OPTIONS"]["sslmode"] == "require"
        assert replica["CONN_MAX_AGE"] == databases["default"]["CONN_MAX_AGE"]
    assert second["OPTIONS"]["application_name"] == "lecture"


@pytest.mark.django_db(transaction=False)
def test_no_replica_urls_no_router_and_transaction_pooling_sends_no_startup_options():
    databases, routers = settings_of(DATABASE_URL="postgres://app@primary:5432/dir211")
    assert list(databases) == ["default"] and routers == []
    assert databases["default"]["DISABLE_SERVER_SIDE_CURSORS"] is False
    databases, _ = settings_of(
        DATABASE_URL="postgres://app@pgbouncer:6432/dir211", DATABASE_TRANSACTION_POOLING="true"
    )
    assert databases["default"]["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert "options" not in databases["default"].get("OPTIONS", {})

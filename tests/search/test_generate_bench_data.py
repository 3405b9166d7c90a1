"""`generate_bench_data`: synthetic services for the scale benchmark of search."""

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from resources.counts import live_home_counts
from resources.models import (
    Location,
    OpeningPeriod,
    Organization,
    Schedule,
    Sector,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from search import indexing
from search.bench import data
from search.bench.data import MONTREAL, REPENTIGNY, SOUTHERN_QUEBEC, in_bench_box
from search.bench.vocabulary import load_vocabulary
from search.models import (
    SearchCard,
    SearchEntry,
    SearchOpening,
    SearchTerm,
    SectorListing,
    ServiceCount,
)
from tests.factories import locate, make_schedule, make_service

pytestmark = pytest.mark.django_db


def generate(services=200, seed=1, no_index=True, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "generate_bench_data",
        services=services,
        seed=seed,
        no_index=no_index,
        stdout=out,
        stderr=err,
        **options,
    )
    return out.getvalue() + err.getvalue()


def bench_services():
    return Service.objects.filter(slug__startswith="bench-")


def snapshot():
    """What must not change between two runs with the same seed."""
    return {
        "services": list(bench_services().order_by("slug").values_list("slug", "uuid", "name_fr")),
        "organizations": list(
            Organization.objects.filter(slug__startswith="bench-")
            .order_by("slug")
            .values_list("slug", "uuid")
        ),
        "locations": list(
            Location.objects.filter(organization__slug__startswith="bench-")
            .order_by("uuid")
            .values_list("uuid", "latitude", "longitude", "postal_code", "municipality__slug")
        ),
        "texts": list(
            bench_services()
            .order_by("slug")
            .values_list("description_fr", "description_en", "status", "assured_date")
        ),
        "sectors": sorted(bench_services().values_list("slug", "sectors__slug")),
        "languages": sorted(bench_services().values_list("slug", "languages__code")),
        "areas": sorted(
            bench_services().values_list(
                "slug", "service_areas__scope", "service_areas__municipalities__slug"
            )
        ),
        "periods": sorted(
            OpeningPeriod.objects.filter(schedule__service__in=bench_services()).values_list(
                "schedule__service__slug", "weekday", "opens_at", "closes_at"
            )
        ),
    }


def test_makes_the_requested_services_with_about_one_organization_per_three():
    output = generate()

    assert bench_services().count() == 200
    organizations = Organization.objects.filter(slug__startswith="bench-").count()
    assert 50 <= organizations <= 100
    assert "200 services" in output


def test_every_service_has_its_links_areas_and_mostly_schedules():
    generate()

    services = bench_services()
    assert not services.filter(sectors__isnull=True).exists()
    assert not Sector.objects.filter(services__in=services, parent__isnull=True).exists()
    assert not services.exclude(languages__code="fra").exists()
    assert ServiceArea.objects.filter(service__in=services).count() == 200
    with_schedule = services.filter(schedules__isnull=False).distinct().count()
    assert 150 <= with_schedule < 200
    assert not Schedule.objects.filter(service__in=services, periods__isnull=True).exists()
    periods = OpeningPeriod.objects.filter(schedule__service__in=services)
    kinds = {(p.opens_at.strftime("%H:%M"), p.closes_at.strftime("%H:%M")) for p in periods}
    assert {("09:00", "12:00"), ("18:00", "21:00"), ("00:00", "00:00")} <= kinds
    local = ServiceArea.objects.filter(service__in=services, scope="local")
    assert local.count() > 100
    assert not local.filter(municipalities__isnull=True).exists()


def test_every_service_has_french_and_english_name_and_about_a_kilobyte_of_text():
    generate()

    for service in bench_services():
        assert service.name_fr and service.name_en
        assert service.description_fr and service.description_en
        text = service.name_fr + service.name_en + service.description_fr + service.description_en
        assert len(text) > 800, service.slug


def test_coordinates_lie_in_southern_quebec_with_the_repentigny_and_montreal_concentration():
    generate(services=600)

    points = list(  # one row per service and place, as the search index holds them
        ServiceAtLocation.objects.filter(
            service__in=bench_services(), location__latitude__isnull=False
        ).values_list("location__latitude", "location__longitude")
    )
    south, north, west, east = SOUTHERN_QUEBEC
    assert len(points) > 400
    assert all(south <= lat <= north and west <= lon <= east for lat, lon in points)
    near = [p for p in points if in_bench_box(*p, REPENTIGNY) or in_bench_box(*p, MONTREAL)]
    assert 0.3 <= len(near) / len(points) <= 0.5


def test_locations_have_a_municipality_a_postal_code_and_confidential_ones_no_address():
    generate(services=600)

    locations = Location.objects.filter(organization__slug__startswith="bench-")
    physical = locations.filter(location_type="physical")
    assert not physical.filter(municipality__isnull=True).exists()
    for location in physical.filter(is_confidential=False):
        assert re.fullmatch(r"[GHJ]\d[A-Z] \d[A-Z]\d", location.postal_code)
    confidential = physical.filter(is_confidential=True)
    assert confidential.exists()
    assert not confidential.exclude(address_1="", postal_code="", latitude__isnull=True).exists()
    assert locations.filter(location_type="virtual").exists()
    near_repentigny = physical.filter(
        latitude__range=(45.73, 45.75), longitude__range=(-73.47, -73.43)
    )
    assert not near_repentigny.exclude(
        municipality__slug__in=["repentigny", "charlemagne"]
    ).exists()


def test_the_same_seed_gives_the_same_records_after_clear():
    generate()
    first = snapshot()

    generate(clear=True)

    assert snapshot() == first
    assert ServiceAtLocation.objects.filter(service__in=bench_services()).exists()


def test_writes_with_copy_on_postgresql_and_bulk_create_elsewhere():
    output = generate(services=20)

    path = "COPY" if connection.vendor == "postgresql" else "bulk_create"
    assert f"Écriture : {path}." in output
    assert bench_services().count() == 20
    # The ids came from the tables' sequences: the ORM's next rows take the following ones.
    later = make_service(sectors=["food-banks"])
    assert later.pk > max(bench_services().values_list("pk", flat=True))


def test_generating_again_with_clear_gives_the_same_index_and_counts(client):
    make_service(sectors=["food-banks"], scope="mrc")
    output = generate(services=60, no_index=False)
    assert "index: write entries" in output
    first = index_snapshot()

    generate(services=60, no_index=False, clear=True)

    assert index_snapshot() == first
    assert first["entries"] and first["counts"]
    sectors = {s.pk: s.service_count for s in client.get("/fr/").context["sectors"]}
    assert sectors == live_home_counts()["sectors"]


def index_snapshot():
    return {
        "entries": sorted(
            SearchEntry.objects.values_list(
                "service__slug",
                "latitude",
                "longitude",
                "sector_keys",
                "served_keys",
                "body_text",
                "body_en_text",
            )
        ),
        "openings": sorted(
            SearchOpening.objects.values_list("service__slug", "weekday", "opens", "closes")
        ),
        "cards": sorted(
            (slug, json.loads(data)["name"])
            for slug, data in SearchCard.objects.values_list("service__slug", "data")
        ),
        "counts": sorted(ServiceCount.objects.values_list("kind", "key", "services")),
    }


def test_another_seed_gives_other_records():
    generate()
    first = snapshot()

    generate(seed=2, clear=True)

    assert snapshot()["locations"] != first["locations"]


def test_clear_removes_only_bench_records():
    kept = make_service(sectors=["food-banks"], scope="local", municipalities=["repentigny"])
    location = locate(kept)
    make_schedule([(0, "09:00", "17:00")], service=kept)
    generate()

    output = generate(services=0, clear=True)

    assert "Supprimé" in output
    assert not Organization.objects.filter(slug__startswith="bench-").exists()
    assert not Location.objects.filter(organization__slug__startswith="bench-").exists()
    assert not OpeningPeriod.objects.filter(schedule__service__slug__startswith="bench-").exists()
    assert list(Service.objects.all()) == [kept]
    assert list(kept.service_at_locations.values_list("location", flat=True)) == [location.pk]
    assert kept.schedules.get().periods.count() == 1
    assert kept.service_areas.get().municipalities.get().slug == "repentigny"
    assert list(kept.sectors.values_list("slug", flat=True)) == ["food-banks"]


def test_indexes_the_services_then_clear_removes_their_index_rows_too():
    kept = make_service(sectors=["food-banks"])
    output = generate(services=30, no_index=False)

    assert "search index" in output
    assert SearchEntry.objects.filter(service__slug__startswith="bench-").exists()

    generate(services=0, clear=True)

    assert not SearchEntry.objects.filter(service__slug__startswith="bench-").exists()
    assert not SearchOpening.objects.filter(service__slug__startswith="bench-").exists()
    assert SearchEntry.objects.filter(service=kept).exists()


def test_bench_records_leave_no_change_history():
    generate()
    generate(services=0, clear=True)

    assert not Service.history.exists()
    assert not Organization.history.exists()
    assert not Location.history.exists()


def test_refuses_to_add_to_existing_bench_records_without_clear():
    generate(services=20)

    with pytest.raises(CommandError, match="--clear"):
        generate(services=20)
    assert bench_services().count() == 20


def test_refuses_a_negative_count():
    with pytest.raises(CommandError, match="--services"):
        generate(services=-1)


def test_composes_services_from_the_demo_directory_when_present(tmp_path):
    demo = {
        "organizations": [
            {
                "slug": "x",
                "name": {"fr": "Garde-manger fictif", "en": "Fictional pantry"},
                "services": [
                    {
                        "name": {"fr": "Marché solidaire Zéphyrin", "en": "Zephyrin market"},
                        "description": {"fr": "Légumes à bas prix.", "en": "Cheap vegetables."},
                        "sectors": ["low-cost-groceries"],
                    }
                ],
            }
        ]
    }
    (tmp_path / "food.json").write_text(json.dumps(demo), encoding="utf-8")
    (tmp_path / "half-written.json").write_text('{"organizations": [', encoding="utf-8")

    output = generate(services=400, demo_dir=str(tmp_path))

    assert "half-written.json" in output

    demo_services = bench_services().filter(name_fr__startswith="Marché solidaire Zéphyrin")
    assert demo_services.exists()
    service = demo_services.first()
    assert "Légumes à bas prix." in service.description_fr
    assert "Cheap vegetables." in service.description_en
    assert service.sectors.filter(slug="low-cost-groceries").exists()


def test_falls_back_to_the_built_in_vocabulary_without_demo_files(tmp_path):
    generate(demo_dir=str(tmp_path))

    built_in = {topic.name_fr for topic in load_vocabulary(tmp_path)[0]}
    assert len(built_in) > 100
    assert {service.name_fr.split(" (")[0] for service in bench_services()} <= built_in


def whole_index():
    """Every column of the index tables but their ids, as the live indexer would write them."""

    def rows(model, *exclude):
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in exclude]
        return sorted(model.objects.values_list(*names), key=repr)

    return {
        "entries": rows(SearchEntry, "id"),
        "openings": rows(SearchOpening, "id"),
        "cards": rows(SearchCard),
        "terms": sorted(SearchTerm.objects.values_list("word", flat=True)),
        "counts": rows(ServiceCount, "id"),
        "listings": rows(SectorListing, "id"),
    }


def table_state(*tables):
    """{table: (pages, pages all-visible, its index definitions)} after the load's ANALYZE."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relpages, c.relallvisible,"
            " array(SELECT indexdef FROM pg_indexes i WHERE i.tablename = c.relname ORDER BY 1)"
            " FROM pg_class c WHERE c.relname = ANY(%s)",
            [list(tables)],
        )
        return {name: (pages, visible, indexes) for name, pages, visible, indexes in cursor}


BIG_TABLES = (
    "resources_service",
    "resources_openingperiod",
    "search_searchentry",
    "search_sectorlisting",
    "search_servicecount",
)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY FREEZE is PostgreSQL's")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_load_of_only_bench_rows_is_frozen_and_indexed_as_the_live_indexer_does():
    indexes = {name: state[2] for name, state in table_state(*BIG_TABLES).items()}
    counts_vacuumed = vacuum_count("search_servicecount")
    output = generate(services=80, no_index=False)

    assert "Écriture : COPY FREEZE." in output
    for name, (pages, visible, definitions) in table_state(*BIG_TABLES).items():
        # Written frozen, their pages visible to all (the index-only scans need it) without a
        # VACUUM; the indexes dropped for the load are all there again. The counts, written by
        # the ORM, are vacuumed instead: whether a VACUUM may mark their page visible to all
        # depends on the snapshots other sessions hold, so the VACUUM itself is checked.
        if name == "search_servicecount":
            assert pages and vacuum_count(name) > counts_vacuumed, name
        else:
            assert pages and visible == pages, name
        assert definitions == indexes[name]
    loaded, by_slug = whole_index(), index_snapshot()
    assert loaded["entries"] and loaded["cards"] and loaded["terms"] and loaded["listings"]
    indexing.refresh()  # the live indexer, from the same directory rows
    assert whole_index() == loaded

    output = generate(services=80, no_index=False, clear=True)
    assert "(TRUNCATE)" in output
    assert index_snapshot() == by_slug


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_directory_with_other_records_keeps_them_and_the_row_by_row_delete():
    kept = make_service(sectors=["food-banks"])
    generate(services=30, no_index=False)
    vacuums = vacuum_count("resources_service")

    output = generate(services=30, no_index=False, clear=True)

    assert "FREEZE" not in output and "TRUNCATE" not in output
    assert Service.objects.filter(pk=kept.pk).exists()
    assert bench_services().count() == 30
    assert SearchEntry.objects.filter(service=kept).exists()
    # The VACUUM ANALYZE at the end. Not read from the pages it left visible to all: a snapshot
    # another session of the database holds meanwhile (autovacuum's own ANALYZE after the
    # load) keeps the newest rows from being marked, and made that check fail now and then.
    assert vacuum_count("resources_service") == vacuums + 1


def vacuum_count(table):
    """The explicit VACUUMs of `table` so far, from the statistics (read afresh)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT pg_stat_get_vacuum_count(%s::regclass)", [table])
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bulk path is PostgreSQL's")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_composing_processes_write_what_one_process_composes(monkeypatch):
    monkeypatch.setattr(data, "SERVICES_PER_BATCH", 25)  # five batches, composed two at a time
    output = generate(services=110)
    assert "Écriture : COPY FREEZE." in output
    in_processes = snapshot()
    service_ids = sorted(bench_services().values_list("pk", flat=True))

    with transaction.atomic():  # a caller's transaction: one process, batch after batch
        output = generate(services=110, clear=True)
    assert "FREEZE" not in output

    assert snapshot() == in_processes
    assert bench_services().count() == 110
    # Each batch's ids from its own range of the reserved ones, in batch order.
    assert len(set(service_ids)) == 110
    assert service_ids[25] - service_ids[0] == data.ID_STRIDE

"""The home page's counts, and the sectors a search with few results suggests first, come from
the aggregate the indexer keeps, equal to live counts."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resources.counts import live_home_counts
from resources.models import Municipality, Sector, Service, ServiceArea
from resources.querysets import in_sector_condition
from search.models import ServiceCount
from tests.factories import make_organization, make_service, municipality, sector

pytestmark = pytest.mark.django_db


def shown(client):
    """The counts the home page shows, and the SQL it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/fr/")
    assert response.status_code == 200
    counts = {
        "sectors": {s.pk: s.service_count for s in response.context["sectors"]},
        "municipalities": {m.pk: m.service_count for m in response.context["municipalities"]},
    }
    return counts, [q["sql"] for q in queries.captured_queries]


def live_place_counts():
    """{(top-level sector pk, municipality pk): listed services serving it in that sector}."""
    active = Service.objects.active()
    return {
        (top.pk, place.pk): active.serving(place)
        .filter(in_sector_condition(top))
        .distinct()
        .count()
        for top in Sector.objects.top_level()
        for place in Municipality.objects.all()
    }


def kept_place_counts():
    rows = ServiceCount.objects.filter(kind="s").exclude(place=0)
    return {(key, place): n for key, place, n in rows.values_list("key", "place", "services")}


def assert_shown_equals_live(client):
    counts, sql = shown(client)
    assert counts == live_home_counts()
    counted = [q for q in sql if "COUNT(" in q.upper() and "resources_service" in q]
    assert not counted  # nothing counted live over the directory
    assert kept_place_counts() == live_place_counts()
    return counts


@pytest.fixture
def directory():
    food = make_service(sectors=["food-banks"], municipalities=["repentigny"])
    both = make_service(sectors=["food-banks", "clothing"], scope="mrc")
    province = make_service(sectors=["food"], scope="province")
    call_command("rebuild_search_index", stdout=io.StringIO())
    return food, both, province


def test_the_home_page_reads_the_counts_the_rebuild_made(client, directory):
    counts = assert_shown_equals_live(client)

    assert ServiceCount.objects.exists()
    assert counts["sectors"][sector("food").pk] == 3
    assert counts["municipalities"][municipality("repentigny").pk] == 3


def test_counts_follow_staff_edits_at_once(client, directory):
    food, both, province = directory
    assert_shown_equals_live(client)

    food.sectors.set([sector("clothing")])
    assert_shown_equals_live(client)
    both.status = "inactive"
    both.save()
    assert_shown_equals_live(client)
    area = ServiceArea.objects.get(service=food)
    area.municipalities.set([municipality("charlemagne")])
    assert_shown_equals_live(client)
    province.service_areas.update(scope="region")
    province.save()
    assert_shown_equals_live(client)
    province.delete()
    assert_shown_equals_live(client)
    organization = make_organization()
    make_service(organization=organization, sectors=["food-banks"], scope="mrc")
    organization.is_active = False
    organization.save()
    counts = assert_shown_equals_live(client)
    assert counts["sectors"][sector("food").pk] == 0


def test_edits_of_the_rules_themselves_recount(client, directory):
    clothing = sector("clothing")
    clothing.parent = sector("food")
    clothing.save()
    assert_shown_equals_live(client)
    charlemagne = municipality("charlemagne")
    charlemagne.mrc_code = "99"
    charlemagne.save()
    counts, _ = shown(client)
    assert charlemagne.pk not in counts["municipalities"]
    repentigny = municipality("repentigny")
    Municipality.objects.filter(pk=repentigny.pk).update(region_code="99")
    repentigny.refresh_from_db()
    repentigny.save()
    assert_shown_equals_live(client)


def test_before_any_rebuild_the_home_page_counts_live(client):
    make_service(sectors=["food-banks"], scope="mrc")
    ServiceCount.objects.all().delete()

    counts, _ = shown(client)

    assert counts == live_home_counts()
    assert counts["sectors"][Sector.objects.get(slug="food").pk] == 1


def suggested(client, **params):
    """The sectors a search suggests (slugs, in order), and the SQL it ran."""
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/fr/recherche/", params).content.decode()
    block = html.split("data-suggested-sectors")[1].split("</section>")[0]
    slugs = [part.split('"')[0] for part in block.split('data-sector="')[1:]]
    return slugs, [q["sql"] for q in queries.captured_queries]


def test_a_search_with_no_result_suggests_the_places_sectors_from_the_counts_kept(
    client, directory
):
    for _ in range(3):
        make_service(sectors=["clothing"], municipalities=["charlemagne"])
    in_charlemagne, sql = suggested(client, q="zzzqx", municipality="charlemagne")
    in_repentigny, _ = suggested(client, q="zzzqx", municipality="repentigny")

    assert in_charlemagne[:2] == ["material-aid", "food"]  # 4 and 2 serving Charlemagne
    assert in_repentigny[:2] == ["food", "material-aid"]  # 3 and 1 serving Repentigny
    assert not [q for q in sql if "COUNT(" in q.upper() and "resources_service" in q]


def test_before_any_rebuild_the_suggestions_count_live(client):
    make_service(sectors=["clothing"], municipalities=["charlemagne"])
    ServiceCount.objects.all().delete()

    slugs, sql = suggested(client, q="zzzqx", municipality="charlemagne")

    assert slugs[0] == "material-aid"  # clothing's top-level sector
    assert [q for q in sql if "COUNT(" in q.upper() and "resources_service" in q]


def test_an_edit_moves_the_counts_in_a_fixed_number_of_queries(client, directory):
    """A service serving every municipality goes to a count per sector and place (two sectors
    and 13 municipalities here: 41 counts; several thousand across a province): they move
    together, not one statement each."""
    food, both, province = directory

    def count_statements(service):
        with CaptureQueriesContext(connection) as queries:
            service.status = "inactive"
            service.save()
        return sum("search_servicecount" in q["sql"] for q in queries.captured_queries)

    one_place = count_statements(food)  # one sector, one municipality: 3 counts
    everywhere = count_statements(both)  # two sectors, every municipality of the MRC
    assert everywhere == one_place <= 3
    assert_shown_equals_live(client)

"""The location admin's map (static/js/admin-location-map.js) in a real browser: the marker
stands on the location's point, dragging it fills the latitude and longitude fields, and the
point saved counts as placed by hand; no CSP violation."""

import pytest
from django.test import Client
from django.urls import reverse

from resources.models import GeocodeSource
from tests.browser.test_content_security_policy import watched_page  # noqa: F401 (fixture)
from tests.browser.test_map import TILE, TILES
from tests.factories import make_location, make_organization

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def signed_in(page, live_server, user):
    """The browser carries a staff session made by the test client (no password typed)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_dragging_the_marker_sets_the_point(
    watched_page,  # noqa: F811
    live_server,
    django_user_model,
):
    page = watched_page
    page.context.route(
        f"{TILES}**", lambda route: route.fulfill(status=200, content_type="image/png", body=TILE)
    )
    signed_in(page, live_server, django_user_model.objects.create_superuser("gestion", None, None))
    location = make_location(make_organization(), latitude=45.7422, longitude=-73.4501)
    page.goto(reverse("admin:resources_location_change", args=[location.pk]))
    marker = page.locator(".admin-location-map .leaflet-marker-icon")
    marker.wait_for()
    page.locator(".admin-location-map").scroll_into_view_if_needed()
    box = marker.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y + 30, steps=8)
    page.mouse.up()
    latitude, longitude = page.input_value("#id_latitude"), page.input_value("#id_longitude")
    # 30 px down and 40 px right at zoom 16: a little south and east, 6 decimals.
    assert 45.7400 < float(latitude) < 45.7422 and len(latitude.split(".")[1]) == 6
    assert -73.4501 < float(longitude) < -73.4480
    page.click("input[name=_continue]")
    page.wait_for_load_state("load")
    location.refresh_from_db()
    assert location.latitude == float(latitude) and location.longitude == float(longitude)
    assert location.geocode_source == GeocodeSource.MANUAL
    # A click on the map moves the point there too.
    page.locator(".admin-location-map .leaflet-marker-icon").wait_for()
    page.locator(".admin-location-map").scroll_into_view_if_needed()
    map_box = page.locator(".admin-location-map").bounding_box()
    page.mouse.click(map_box["x"] + 60, map_box["y"] + 60)
    assert page.input_value("#id_latitude") != latitude
    assert page.violations() == []

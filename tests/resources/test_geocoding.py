"""Geocoding in the location admin (resources/geocoding.py, resources/admin_geocoding.py): the
geocoder's point, the offline fallbacks (postal prefix, then municipality), manual coordinates
kept, a confidential address never sent, and the real Nominatim class with no network."""

import json
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from geopy.exc import GeocoderUnavailable
from geopy.location import Location as GeopyLocation

from resources.models import GeocodeSource, Location, Municipality, PostalPrefix
from tests.conftest import settings_in_child
from tests.factories import make_location, make_organization, municipality

pytestmark = pytest.mark.django_db

STREET = "100, rue Exemple"
# Repentigny's own street, as a geocoder would answer it: a point and Nominatim's bounding box
# (south, north, west, east), about 30 m across.
ANSWER = (45.7431, -73.4502, ["45.7430", "45.7432", "-73.4503", "-73.4501"])
DOWN = "down"


class AddressBook:
    """The stand-in geocoder (GEOCODER_CLASS in these tests): built as geopy's geocoders are,
    it answers from `answers` (street → (lat, lon, bounding box), or DOWN to raise geopy's
    "unavailable" as an offline Nominatim does) and records every query it is sent."""

    answers = {}
    calls = []

    def __init__(self, *, user_agent, domain, scheme, timeout):
        self.user_agent = user_agent

    def geocode(self, query, exactly_one=True):
        AddressBook.calls.append(query)
        for street, answer in self.answers.items():
            if query.startswith(street):
                if answer == DOWN:
                    raise GeocoderUnavailable("no route to host")
                latitude, longitude, box = answer
                return GeopyLocation(query, (latitude, longitude), {"boundingbox": box})
        return None


@pytest.fixture
def geocoder(settings):
    settings.GEOCODER_ENABLED = True
    settings.GEOCODER_CLASS = f"{__name__}.AddressBook"
    settings.GEOCODER_MIN_DELAY = 0
    AddressBook.answers = {STREET: ANSWER}
    AddressBook.calls = []
    return AddressBook


def location_data(**fields):
    data = {
        "organization": make_organization().pk,
        "location_type": "physical",
        "name_fr": "Comptoir",
        "address_1": STREET,
        "municipality": municipality("repentigny").pk,
        "postal_code": "J6A 1A1",
        "phones-TOTAL_FORMS": "0",
        "phones-INITIAL_FORMS": "0",
        "schedules-TOTAL_FORMS": "0",
        "schedules-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def add(client, **fields):
    """Add a location through the admin; (the location, the messages shown after)."""
    response = client.post(reverse("admin:resources_location_add"), location_data(**fields))
    assert response.status_code == 302, response.context["adminform"].form.errors
    location = Location.objects.get(name_fr="Comptoir")
    return location, shown_messages(client)


def change(client, location, **fields):
    url = reverse("admin:resources_location_change", args=[location.pk])
    data = location_data(organization=location.organization.pk, **fields)
    for name in ("latitude", "longitude"):
        value = getattr(location, name)
        data.setdefault(name, "" if value is None else repr(value))
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    location.refresh_from_db()
    return response, shown_messages(client)


def shown_messages(client):
    page = client.get(reverse("admin:index"))
    return " ".join(str(message) for message in page.context["messages"])


def centre(model, **lookup):
    record = model.objects.get(**lookup)
    return (record.latitude, record.longitude)


def point(location):
    return (location.latitude, location.longitude)


def test_an_address_without_coordinates_is_placed_by_the_geocoder(admin_client, geocoder):
    location, messages = add(admin_client)
    assert geocoder.calls == [f"{STREET}, Repentigny, QC, J6A 1A1, Canada"]
    assert point(location) == ANSWER[:2]
    assert location.geocode_source == GeocodeSource.GEOCODER
    assert 10 <= location.geocode_precision <= 20  # half the box's 27 m diagonal
    assert "Point placé : service de géocodage, à environ 14 m près." in messages
    # The location's page says where its point comes from.
    page = admin_client.get(reverse("admin:resources_location_change", args=[location.pk]))
    assert "Service de géocodage, à environ 14 m près" in page.text


def test_the_geocoder_down_falls_back_to_the_postal_prefix(admin_client, geocoder):
    geocoder.answers = {STREET: DOWN}
    location, messages = add(admin_client)
    assert len(geocoder.calls) == 1
    assert point(location) == centre(PostalPrefix, code="J6A")
    assert location.geocode_source == GeocodeSource.POSTAL_PREFIX
    assert location.geocode_precision == 3000
    assert "n'a pas pu être joint" in messages
    assert "centre du préfixe postal J6A, à environ 3 km près" in messages


@pytest.mark.parametrize(
    "postal_code",
    [
        "",  # none given
        "H0H 0H0",  # a prefix the offline table does not know
        "J5T 1A1",  # Lavaltrie's prefix, 20 km from Repentigny's centre: a typing error
        "J0K 1A0",  # a rural prefix, tens of kilometres across: the municipality says more
    ],
)
def test_without_a_usable_postal_prefix_the_municipality_centre(
    admin_client, geocoder, postal_code
):
    geocoder.answers = {}  # the geocoder knows no such address
    location, messages = add(admin_client, postal_code=postal_code)
    assert point(location) == centre(Municipality, slug="repentigny")
    assert location.geocode_source == GeocodeSource.MUNICIPALITY
    assert location.geocode_precision == 5000
    assert "n'a pas trouvé cette adresse" in messages
    assert "centre de la municipalité Repentigny, à environ 5 km près" in messages


def test_a_rural_prefix_alone_gives_its_centre_said_as_imprecise(admin_client):
    location, messages = add(admin_client, municipality="", postal_code="J0K 1A0")
    assert location.geocode_source == GeocodeSource.POSTAL_PREFIX
    assert location.geocode_precision == 25000
    assert "à environ 25 km près" in messages


def test_a_geocoder_answer_in_another_town_is_refused(admin_client, geocoder):
    """A "rue Notre-Dame" found in Montréal is not this one: the postal prefix is better."""
    geocoder.answers = {STREET: (45.5017, -73.5673, None)}
    location, messages = add(admin_client)
    assert location.geocode_source == GeocodeSource.POSTAL_PREFIX


def test_nothing_to_place_it_still_saves_with_a_warning(admin_client, geocoder):
    geocoder.answers = {STREET: DOWN}
    location, messages = add(admin_client, municipality="", postal_code="")
    assert point(location) == (None, None)
    assert location.geocode_source == ""
    assert "Aucun point trouvé pour cette adresse" in messages


def test_without_the_geocoder_enabled_the_offline_table_places_it(admin_client, settings):
    settings.GEOCODER_ENABLED = False
    settings.GEOCODER_CLASS = f"{__name__}.AddressBook"
    AddressBook.calls = []
    location, messages = add(admin_client)
    assert AddressBook.calls == []
    assert location.geocode_source == GeocodeSource.POSTAL_PREFIX
    assert "n'a pas pu être joint" not in messages


def test_coordinates_typed_by_hand_win(admin_client, geocoder):
    location, _ = add(admin_client, latitude="45.7401", longitude="-73.4602", _geocode="1")
    assert geocoder.calls == []
    assert point(location) == (45.7401, -73.4602)
    assert location.geocode_source == GeocodeSource.MANUAL
    assert location.geocode_precision is None
    # Later edits of the address, or the button, never replace them.
    change(admin_client, location, address_1="200, rue Autre")
    _, messages = change(admin_client, location, _geocode="1")
    assert geocoder.calls == []
    assert point(location) == (45.7401, -73.4602)
    assert "videz la latitude et la longitude" in messages


def test_a_point_an_import_loaded_is_kept(admin_client, geocoder):
    location = make_location(make_organization(), latitude=45.75, longitude=-73.44)
    change(admin_client, location, name_fr="Comptoir", address_1="200, rue Autre")
    assert geocoder.calls == []
    assert point(location) == (45.75, -73.44)
    page = admin_client.get(reverse("admin:resources_location_change", args=[location.pk]))
    assert "Point importé ou chargé (source non précisée)" in page.text


def test_an_automatic_point_follows_the_address(admin_client, geocoder):
    geocoder.answers = {STREET: DOWN}
    location, _ = add(admin_client)
    assert location.geocode_source == GeocodeSource.POSTAL_PREFIX
    # Unchanged address: no new lookup.
    change(admin_client, location)
    assert len(geocoder.calls) == 1
    # The service is back and staff press the button: the geocoder's point replaces it, and
    # the page comes back (as "save and continue").
    geocoder.answers = {STREET: ANSWER}
    response, messages = change(admin_client, location, _geocode="1")
    assert response.url == reverse("admin:resources_location_change", args=[location.pk])
    assert location.geocode_source == GeocodeSource.GEOCODER
    # A new address in another prefix moves it.
    change(admin_client, location, address_1="9, rue Inconnue", postal_code="J5Y 2B2")
    assert point(location) == centre(PostalPrefix, code="J5Y")
    assert len(geocoder.calls) == 3


def test_clearing_the_coordinates_looks_the_address_up_again(admin_client, geocoder):
    location = make_location(make_organization(), latitude=45.75, longitude=-73.44)
    change(admin_client, location, name_fr="Comptoir", latitude="", longitude="")
    assert point(location) == ANSWER[:2]


def test_a_confidential_address_is_never_sent(admin_client, geocoder):
    location, messages = add(admin_client, is_confidential="on")
    assert geocoder.calls == []
    assert location.geocode_source == GeocodeSource.POSTAL_PREFIX
    assert "jamais envoyée au service de géocodage" in messages
    _, messages = change(admin_client, location, is_confidential="on", _geocode="1")
    change(admin_client, location, is_confidential="on", address_1="5, rue Secrète")
    assert geocoder.calls == []
    # Nor is the map drawn: its tiles would tell the tile server where the place is.
    page = admin_client.get(reverse("admin:resources_location_change", args=[location.pk]))
    assert "data-location-map" not in page.text
    assert "Carte masquée pour une adresse confidentielle" in page.text


def test_online_and_postal_locations_get_no_point(admin_client, geocoder):
    location, _ = add(admin_client, location_type="postal", _geocode="1")
    assert geocoder.calls == []
    assert point(location) == (None, None)


def test_a_location_added_on_the_organization_page_is_placed_too(admin_client, geocoder):
    organization = make_organization()
    prefix = "locations"
    data = {
        "name_fr": organization.name_fr,
        "slug": organization.slug,
        "description_fr": organization.description_fr,
        "is_active": "on",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-location_type": "physical",
        f"{prefix}-0-name_fr": "Comptoir",
        f"{prefix}-0-address_1": STREET,
        f"{prefix}-0-municipality": municipality("repentigny").pk,
        f"{prefix}-0-postal_code": "J6A 1A1",
    }
    for other in ("services", "phones"):
        data.update({f"{other}-TOTAL_FORMS": "0", f"{other}-INITIAL_FORMS": "0"})
    url = reverse("admin:resources_organization_change", args=[organization.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    location = organization.locations.get()
    assert location.geocode_source == GeocodeSource.GEOCODER


def test_the_real_nominatim_with_no_network_falls_back_at_once(admin_client, settings):
    """geopy's own Nominatim, pointed at a port where nothing listens (as an offline machine
    answers): the save goes through on the postal prefix, within the timeout."""
    settings.GEOCODER_ENABLED = True
    settings.GEOCODER_CLASS = "geopy.geocoders.Nominatim"
    settings.GEOCODER_DOMAIN = "127.0.0.1:9"
    settings.GEOCODER_SCHEME = "http"
    settings.GEOCODER_TIMEOUT = 2
    started = time.monotonic()
    location, messages = add(admin_client)
    assert time.monotonic() - started < 5
    assert location.geocode_source == GeocodeSource.POSTAL_PREFIX
    assert "n'a pas pu être joint" in messages


def test_the_page_has_the_map_and_the_button(admin_client):
    location = make_location(make_organization())
    page = admin_client.get(reverse("admin:resources_location_change", args=[location.pk]))
    text = page.text
    assert 'name="_geocode"' in text
    # "Enregistrer" stays the form's first button, the one Enter presses.
    assert text.index('name="_save"') < text.index('name="_geocode"')
    assert "data-location-map" in text
    assert "js/admin-location-map.js" in text and "leaflet/leaflet.js" in text
    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in text
    policy = page["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "https://tile.openstreetmap.org" in policy


def test_the_changelist_filters_by_the_points_source(admin_client, geocoder):
    add(admin_client)
    make_location(make_organization(), name_fr="Importé")
    url = reverse("admin:resources_location_changelist")
    page = admin_client.get(url, {"geocode_source__exact": "geocoder"})
    assert [str(row) for row in page.context["cl"].result_list] == ["Comptoir"]


def test_the_settings_are_read_from_the_environment():
    names = [
        "GEOCODER_ENABLED",
        "GEOCODER_CLASS",
        "GEOCODER_USER_AGENT",
        "GEOCODER_DOMAIN",
        "GEOCODER_SCHEME",
        "GEOCODER_TIMEOUT",
        "GEOCODER_MIN_DELAY",
    ]
    expression = "[" + ", ".join(f"settings.{name}" for name in names) + "]"
    assert settings_in_child(expression) == [
        False,
        "geopy.geocoders.Nominatim",
        "repertoire-211-assomption",
        "nominatim.openstreetmap.org",
        "https",
        3.0,
        1.0,
    ]
    assert settings_in_child(
        expression,
        GEOCODER_ENABLED="true",
        GEOCODER_CLASS="geopy.geocoders.Photon",
        GEOCODER_USER_AGENT="repertoire-exemple (info@example.org)",
        GEOCODER_DOMAIN="geocode.example.org",
        GEOCODER_SCHEME="http",
        GEOCODER_TIMEOUT="1.5",
        GEOCODER_MIN_DELAY="2",
    ) == [
        True,
        "geopy.geocoders.Photon",
        "repertoire-exemple (info@example.org)",
        "geocode.example.org",
        "http",
        1.5,
        2.0,
    ]


def test_an_import_never_geocodes(geocoder, tmp_path):
    """Bulk loads carry their coordinates: a location imported without any stays so, and no
    request leaves (the admin form is the only caller)."""
    organization = make_organization()
    make_location(organization, latitude=None, longitude=None)
    call_command("export_hsds", tmp_path, format="json")
    organization.delete()
    call_command("import_hsds", tmp_path, stdout=StringIO())
    location = Location.objects.get(address_1=STREET)
    assert point(location) == (None, None)
    assert location.geocode_source == ""
    assert geocoder.calls == []


def test_a_point_an_import_moves_loses_its_source(admin_client, tmp_path):
    location, _ = add(admin_client)
    assert location.geocode_source == GeocodeSource.POSTAL_PREFIX
    call_command("export_hsds", tmp_path, format="json")
    call_command("import_hsds", tmp_path, stdout=StringIO())
    location.refresh_from_db()
    assert location.geocode_source == GeocodeSource.POSTAL_PREFIX  # same point: kept
    path = tmp_path / "organizations.json"
    organizations = json.loads(path.read_text())
    organizations[0]["locations"][0]["latitude"] = 45.7501
    path.write_text(json.dumps(organizations))
    call_command("import_hsds", tmp_path, stdout=StringIO())
    location.refresh_from_db()
    assert location.latitude == 45.7501
    assert (location.geocode_source, location.geocode_precision) == ("", None)


def test_a_past_version_of_a_location_shows_its_point(admin_client):
    location, _ = add(admin_client)
    version = location.history.latest()
    url = reverse("admin:resources_location_simple_history", args=[location.pk, version.history_id])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Centre du préfixe postal, à environ 3 km près" in page.text

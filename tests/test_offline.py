"""Offline on a phone, over HTTP (directory211/offline.py): the manifests, the service worker's
script and the offline page; the violence pages' marker that keeps them out of the offline cache
(resources/safety.py). The worker itself runs in tests/browser/test_offline.py."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation

from resources.models import Sector
from tests.factories import make_service

pytestmark = pytest.mark.django_db

MARKER = "X-Offline-Cache"


def worker_config(client):
    response = client.get("/sw.js")
    found = re.search(r"^const CONFIG = (.*);$", response.content.decode(), re.MULTILINE)
    return json.loads(found.group(1))


@pytest.mark.parametrize(
    ("lang", "name", "start"), [("fr", "Répertoire 211", "/fr/"), ("en", "211 Directory", "/en/")]
)
def test_a_manifest_per_language_with_icons_that_exist(client, lang, name, start):
    response = client.get(f"/{lang}/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["lang"] == lang and manifest["start_url"] == start
    assert manifest["scope"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0a3a66"  # static/css/site.css's --brand
    assert manifest["short_name"] == name
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_links_to_its_language_manifest_and_registers_the_worker(client, lang):
    page = client.get(f"/{lang}/").content.decode()
    assert f'<link rel="manifest" href="/{lang}/manifest.webmanifest">' in page
    assert 'data-service-worker="/sw.js"' in page
    assert '<meta name="theme-color" content="#0a3a66">' in page


def test_the_worker_is_served_at_the_root_as_javascript_never_stale(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    assert client.post("/sw.js").status_code == 405


def test_the_worker_knows_the_offline_pages_the_lists_and_what_it_never_keeps(client):
    config = worker_config(client)
    with translation.override("en"):
        english = reverse("offline"), reverse("resources:my-list")
    assert config["offline"] == {"fr": "/fr/hors-ligne/", "en": english[0]}
    assert config["lists"] == ["/fr/ma-liste/", english[1]]
    assert {"/fr/hors-ligne/", english[0], "/static/css/site.css"} <= set(config["precache"])
    assert {"/admin/", "/api/", "/sw.js"} <= set(config["never"])
    assert (config["header"], config["notKept"], config["maxPages"]) == (MARKER, "no-store", 30)
    assert config["positionParams"] == ["lat", "lon"]
    assert re.fullmatch(r"[0-9a-f]{12}", config["version"])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_offline_page_is_in_both_languages_with_the_211_without_the_database(
    client, django_assert_num_queries, lang
):
    with translation.override(lang):
        url = reverse("offline")
    with django_assert_num_queries(0):
        response = client.get(url)
    page = response.content.decode()
    other = "en" if lang == "fr" else "fr"
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in page and f'lang="{other}"' in page
    assert 'href="tel:211"' in page and 'href="tel:988"' in page
    assert 'role="search"' in page and MARKER not in response.headers


def make_violence_service():
    return make_service(sectors=["domestic-violence"], slug="refuge-exemple", name_fr="Refuge")


def test_violence_pages_carry_the_marker_and_others_do_not(client):
    make_violence_service()
    food = make_service(sectors=["food-banks"], slug="depannage", name_fr="Dépannage")
    marked = [
        "/fr/secteurs/violence/",
        "/fr/secteurs/domestic-violence/",
        "/fr/services/refuge-exemple/",
        "/fr/recherche/?sector=domestic-violence",
        "/fr/recherche/?q=violence+conjugale",
    ]
    for url in marked:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response[MARKER] == "no-store", url
    for url in ["/fr/", "/fr/secteurs/food-banks/", "/fr/services/depannage/", "/fr/recherche/"]:
        response = client.get(url)
        assert response.status_code == 200 and MARKER not in response.headers, url
    assert MARKER not in client.get(f"/fr/ma-liste/?ids={food.uuid}").headers
    assert Sector.objects.filter(slug="domestic-violence", parent__slug="violence").exists()


def test_a_list_holding_a_violence_service_is_never_kept(client):
    shelter = make_violence_service()
    food = make_service(sectors=["food-banks"], slug="depannage", name_fr="Dépannage")
    response = client.get(f"/fr/ma-liste/?ids={food.uuid},{shelter.uuid}")
    assert response.status_code == 200 and response[MARKER] == "no-store"


def test_the_list_and_privacy_pages_offer_to_clear_what_the_device_keeps(client):
    for url in ["/fr/ma-liste/", "/fr/confidentialite/"]:
        page = client.get(url).content.decode()
        assert "data-clear-offline hidden" in page, url  # shown by JavaScript only
    assert 'data-then="/fr/ma-liste/#clear-offline"' in client.get("/fr/ma-liste/").content.decode()

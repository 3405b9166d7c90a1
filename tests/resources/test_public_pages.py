"""The pages people expect (about, privacy, accessibility), what search engines are given
(sitemap.xml, robots.txt, hreflang and Open Graph tags, schema.org JSON-LD), and `/`'s
redirect by language. No confidential address reaches any of them."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation

from resources.models import Location, Organization, Service
from tests.factories import (
    locate,
    make_location,
    make_organization,
    make_phone,
    make_schedule,
    make_service,
)

pytestmark = pytest.mark.django_db

SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}
SECRET_ADDRESS, SECRET_POSTAL_CODE = "77, chemin du Refuge-Secret", "J5Z 9Z9"
PAGES = ["about", "privacy", "accessibility"]


def url(name, language, *args):
    with translation.override(language):
        return reverse(name, args=args)


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def head(html):
    return html[: html.index("</head>")]


@pytest.fixture
def shelter():
    """A shelter's service offered at a confidential address and at a public office."""
    organization = make_organization(
        slug="refuge-test",
        name_fr="Refuge test",
        email="accueil@refuge.example.org",
        legal_status_fr="Organisme à but non lucratif",
    )
    make_phone("450 555-0177", organization=organization)
    service = make_service(
        organization=organization,
        slug="hebergement-test",
        name_fr="Hébergement test",
        municipalities=["repentigny", "charlemagne"],
        is_free=True,
    )
    locate(
        service,
        name_fr="Maison d'hébergement",
        address_1=SECRET_ADDRESS,
        postal_code=SECRET_POSTAL_CODE,
        is_confidential=True,
    )
    locate(service, name_fr="Bureau", address_1="12, rue Publique", postal_code="J6A 2B2")
    make_location(
        organization, address_1=SECRET_ADDRESS, postal_code=SECRET_POSTAL_CODE, is_confidential=True
    )
    make_phone("450 555-0178", service=service)
    make_schedule([(0, "09:00", "17:00"), (5, "00:00", "00:00")], service=service)
    return service


# The pages people expect


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("name", PAGES)
def test_information_pages_render_with_the_footer_links(client, name, language):
    response = client.get(url(name, language))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert html.count("<h1>") == 1
    footer = html[html.index('<footer class="site-footer">') :]
    for page in PAGES:
        assert f'href="{url(page, language)}"' in footer
    assert f'href="{url(name, language)}" aria-current="page"' in footer


def test_every_page_has_the_footer_links(client, shelter):
    for path in ["/fr/", "/fr/secteurs/food/", shelter.get_absolute_url()]:
        html = client.get(path).content.decode()
        assert all(f'href="{url(page, "fr")}"' in html for page in PAGES), path


def test_privacy_page_names_the_person_in_charge_and_the_rights(client):
    html = client.get(url("privacy", "fr")).content.decode()

    assert "Responsable de la protection des renseignements personnels" in html
    assert "privacy@example.org" in html
    assert "rectifier" in html and "accès" in html
    assert "100 mètres" in html
    assert "django_language" in html


def test_public_pages_set_no_cookie(client, shelter):
    """What the privacy page says: no cookie, the language being in the path."""
    paths = ["/fr/", url("privacy", "en"), shelter.get_absolute_url(), "/fr/recherche/?q=aide"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200
        assert not response.cookies, path


def test_about_page_says_how_records_are_verified(client):
    html = client.get(url("about", "fr")).content.decode()

    assert "Vous n'êtes pas seul" in html or "Vous n&#x27;êtes pas seul" in html
    assert "12 mois" in html
    assert "Dernière vérification" in html
    assert "200 langues" in html


def test_accessibility_statement_states_the_target_and_a_contact(client):
    html = client.get(url("accessibility", "fr")).content.decode()

    assert "WCAG" in html and "2.2" in html and "AA" in html
    assert "axe-core" in html
    assert "mailto:accessibilite@example.org" in html


# `/` by Accept-Language


@pytest.mark.parametrize(
    ("accept", "target"),
    [
        ("en-CA,en;q=0.9", "/en/"),
        ("fr-CA,fr;q=0.9,en;q=0.5", "/fr/"),
        ("de", "/fr/"),
        (None, "/fr/"),
    ],
)
def test_root_redirects_by_accept_language(client, accept, target):
    headers = {"accept-language": accept} if accept else {}
    response = client.get("/", headers=headers)

    assert response.status_code == 302
    assert response["Location"] == target


# hreflang and Open Graph


def test_pages_of_every_kind_link_to_themselves_in_each_language(client, shelter):
    organization = shelter.organization
    pairs = [
        ("/fr/", "/en/"),
        ("/fr/secteurs/food/", "/en/sectors/food/"),
        ("/en/municipalities/repentigny/", "/en/municipalities/repentigny/"),
        (url("about", "en"), url("about", "en")),
        (
            organization.get_absolute_url(),
            url("resources:organization-detail", "en", "refuge-test"),
        ),
        (shelter.get_absolute_url(), url("resources:service-detail", "en", "hebergement-test")),
    ]
    for path, english in pairs:
        html = head(client.get(path).content.decode())
        links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
        assert set(links) == {"fr", "en", "x-default"}, path
        assert links["en"] == f"http://testserver{english}", path
        assert links["fr"].startswith("http://testserver/fr/"), path
        assert links["x-default"] == links["fr"], path


def test_hreflang_links_keep_the_query_but_round_a_position(client):
    html = head(client.get("/fr/recherche/?q=aide&lat=45.742211&lon=-73.450122").content.decode())

    assert (
        'hreflang="en" href="http://testserver/en/search/?q=aide&amp;lat=45.742&amp;lon=-73.45'
        in html
    )
    assert "45.742211" not in html


def test_open_graph_tags_follow_the_title_and_the_language(client, shelter):
    html = head(client.get(url("privacy", "en")).content.decode())

    title = re.search(r"<title>(.*?)</title>", html).group(1)
    assert title.startswith("Confidentialit") or title.startswith("Privacy")
    assert f'<meta property="og:title" content="{title}">' in html
    assert '<meta property="og:type" content="website">' in html
    assert '<meta property="og:locale" content="en_CA">' in html
    assert '<meta property="og:locale:alternate" content="fr_CA">' in html
    assert re.search(r'<meta property="og:description" content="[^"]+">', html)

    service_head = head(client.get(shelter.get_absolute_url()).content.decode())
    assert '<meta property="og:title" content="Hébergement test — ' in service_head
    assert '<meta name="description" content="Service fictif.">' in service_head


# sitemap.xml and robots.txt


def test_sitemap_lists_every_public_page_in_both_languages_with_alternates(client, shelter):
    closed = make_service(slug="service-ferme", status=Service.Status.DEFUNCT)
    Organization.objects.filter(pk=make_organization(slug="organisme-inactif").pk).update(
        is_active=False
    )
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    locations = [loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)]
    for french in ["/fr/", *(url(page, "fr") for page in PAGES)]:
        assert f"http://testserver{french}" in locations
    assert "http://testserver/fr/services/hebergement-test/" in locations
    assert "http://testserver/fr/organismes/refuge-test/" in locations
    assert "http://testserver/fr/secteurs/food/" in locations
    assert "http://testserver/fr/municipalites/repentigny/" in locations
    assert "http://testserver/en/sectors/food/" in locations
    english_service = url("resources:service-detail", "en", "hebergement-test")
    assert f"http://testserver{english_service}" in locations
    assert not [loc for loc in locations if closed.slug in loc or "organisme-inactif" in loc]
    assert not [loc for loc in locations if "recherche" in loc or "/api/" in loc]
    assert len(locations) == len(set(locations))

    for entry in root.findall("sm:url", SITEMAP_NS):
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in entry.findall("xhtml:link", SITEMAP_NS)
        }
        assert set(alternates) == {"fr", "en", "x-default"}
        assert entry.find("sm:loc", SITEMAP_NS).text in (alternates["fr"], alternates["en"])
        assert alternates["x-default"] == alternates["fr"]


def test_sitemap_and_json_ld_hold_no_confidential_address(client, shelter):
    texts = [client.get("/sitemap.xml").content.decode()]
    for language in ["fr", "en"]:
        for name, slug in [("service", shelter.slug), ("organization", "refuge-test")]:
            response = client.get(url(f"resources:{name}-detail", language, slug))
            assert response.status_code == 200
            texts += [json.dumps(data, ensure_ascii=False) for data in json_ld(response.text)]
    assert len(texts) == 5
    for text in texts:
        assert SECRET_ADDRESS not in text
        assert SECRET_POSTAL_CODE not in text
        assert "Maison d'hébergement" not in text


def test_robots_txt_allows_all_and_points_to_the_sitemap_without_naming_the_admin(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    # The admin's path may be a secret one (ADMIN_URL): its pages say noindex themselves.
    assert [line for line in lines if line.startswith("Disallow")] == ["Disallow:"]
    assert "Sitemap: http://testserver/sitemap.xml" in lines


# schema.org JSON-LD


def test_service_json_ld_describes_the_service_without_its_confidential_place(client, shelter):
    html = client.get(shelter.get_absolute_url()).content.decode()
    (data,) = json_ld(html)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Service"
    assert data["name"] == "Hébergement test"
    assert data["url"] == f"http://testserver{shelter.get_absolute_url()}"
    assert data["provider"]["name"] == "Refuge test"
    assert sorted(data["areaServed"]) == ["Charlemagne", "Repentigny"]
    assert data["isAccessibleForFree"] is True
    phones = [
        c["servicePhone"]["telephone"] for c in data["availableChannel"] if "servicePhone" in c
    ]
    assert phones == ["450 555-0178"]
    places = [c["serviceLocation"] for c in data["availableChannel"] if "serviceLocation" in c]
    assert places == [
        {
            "@type": "Place",
            "name": "Bureau",
            "address": {
                "@type": "PostalAddress",
                "streetAddress": "12, rue Publique",
                "addressLocality": "Repentigny",
                "postalCode": "J6A 2B2",
                "addressRegion": "QC",
                "addressCountry": "CA",
            },
        }
    ]
    assert data["hoursAvailable"] == [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Monday",
            "opens": "09:00",
            "closes": "17:00",
        },
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": "https://schema.org/Saturday",
            "opens": "00:00",
            "closes": "23:59",
        },
    ]


def test_json_ld_leaves_out_periods_that_do_not_repeat_every_week(client, shelter):
    schedule = shelter.schedules.get()
    schedule.periods.create(
        weekday=2,
        opens_at=datetime.time(13),
        closes_at=datetime.time(15),
        interval=2,
        starts_on=datetime.date(2025, 1, 1),
    )
    (data,) = json_ld(client.get(shelter.get_absolute_url()).content.decode())

    assert [h["dayOfWeek"][-6:] for h in data["hoursAvailable"]] == ["Monday", "turday"]


def test_a_public_body_offers_a_government_service(client):
    service = make_service(
        organization=make_organization(legal_status_fr="Administration municipale"),
        scope="mrc",
    )
    (data,) = json_ld(client.get(service.get_absolute_url()).content.decode())

    assert data["@type"] == "GovernmentService"
    assert data["areaServed"] == ["MRC de L'Assomption"]


def test_organization_json_ld_has_its_contacts_and_public_addresses_only(client, shelter):
    organization = shelter.organization
    html = client.get(organization.get_absolute_url()).content.decode()
    (data,) = json_ld(html)

    assert data["@type"] == "Organization"
    assert data["name"] == "Refuge test"
    assert data["telephone"] == "450 555-0177"
    assert data["email"] == "accueil@refuge.example.org"
    assert data["mainEntityOfPage"] == f"http://testserver{organization.get_absolute_url()}"
    assert data["address"]["streetAddress"] == "12, rue Publique"


def test_json_ld_cannot_close_its_script_element(client):
    organization = make_organization(name_fr="</script><script>alert(1)</script><!--")
    html = client.get(organization.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)

    assert "</" not in block and "<!--" not in block
    assert json.loads(block)["name"] == "</script><script>alert(1)</script><!--"


# The demo directory


def test_demo_sitemap_and_json_ld_are_well_formed_and_keep_confidential_places_out(
    client, demo_data
):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [loc.text for loc in root.findall("sm:url/sm:loc", SITEMAP_NS)]
    services = Service.objects.active()
    assert len(locations) > 2 * services.count()
    for service in services:
        assert f"http://testserver{service.get_absolute_url()}" in locations

    confidential = Location.objects.filter(is_confidential=True).select_related("organization")
    for location in confidential:
        for sal in location.service_at_locations.select_related("service")[:2]:
            html = client.get(sal.service.get_absolute_url()).content.decode()
            (data,) = json_ld(html)
            places = [c for c in data.get("availableChannel", []) if "serviceLocation" in c]
            names = [c["serviceLocation"].get("name") for c in places]
            assert location.name not in names or not location.name
        html = client.get(location.organization.get_absolute_url()).content.decode()
        assert json_ld(html)[0]["@type"] == "Organization"

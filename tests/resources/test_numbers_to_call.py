"""One rule for whom a person calls (resources/calls.py): the service's own numbers, else its
places', else its organization's; a card shows the first that reaches a person (never a fax),
texting lines as a text message. The results page's cards (from the search index), the
organization page's cards, the service page and "Ma liste" agree, and follow staff edits."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from resources import my_list
from tests.factories import locate, make_organization, make_phone, make_service

pytestmark = pytest.mark.django_db

NAME = "Comptoir vestimentaire"


def _get(url):
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode()


def card_links(html):
    """The call links of the cards on a listing page: (href, verb)."""
    return re.findall(
        r'<a class="phone" href="((?:tel|sms):[^"]+)"><span class="call-verb">([^<]+)</span>', html
    )


def results(language="fr", q="comptoir"):
    with translation.override(language):
        path = reverse("search:results")
    return card_links(_get(f"{path}?q={q}"))


def organization_cards(service):
    return card_links(_get(service.organization.get_absolute_url()))


def service_page_links(service):
    html = _get(service.get_absolute_url())
    return re.findall(r'<a class="call" href="((?:tel|sms):[^"]+)"', html)


def list_page_links(service):
    html = _get(my_list.list_url([service.uuid]))
    numbers = html[html.index('<ul class="list-phones">') :]
    return re.findall(r'href="((?:tel|sms):[^"]+)"', numbers[: numbers.index("</ul>")])


def test_every_page_calls_the_place_before_the_organization():
    organization = make_organization()
    make_phone("450 555-0190", organization=organization)
    service = make_service(organization=organization, name_fr=NAME, scope="mrc")
    place = locate(service)
    everywhere = [("tel:4505550190", "Appeler")]
    assert results() == everywhere and organization_cards(service) == everywhere
    assert service_page_links(service) == ["tel:4505550190"]

    make_phone("450 555-0191", location=place)  # a staff edit: the place's own number
    assert results() == organization_cards(service) == [("tel:4505550191", "Appeler")]
    assert service_page_links(service) == list_page_links(service) == ["tel:4505550191"]

    make_phone("450 555-0192", service=service)
    assert results() == organization_cards(service) == [("tel:4505550192", "Appeler")]
    assert service_page_links(service) == list_page_links(service) == ["tel:4505550192"]


def test_a_card_texts_a_texting_line_and_never_shows_a_fax():
    service = make_service(name_fr=NAME, scope="mrc")
    make_phone("450 555-0193", service=service, type="fax", position=0)
    assert results() == organization_cards(service) == []  # a fax reaches nobody from a card
    make_phone("450 555-0194", service=service, type="text", position=1)
    texting = [("sms:4505550194", "Texto")]
    assert results() == organization_cards(service) == texting
    assert results("en") == [("sms:4505550194", "Text")]
    make_phone("450 555-0195", service=service, position=2)  # voice, listed after
    assert results() == texting
    # The service page lists them all: the fax as text, the others as links.
    assert service_page_links(service) == ["sms:4505550194", "tel:4505550195"]


def test_a_number_given_to_another_service_leaves_the_first_ones_card():
    first = make_service(name_fr="Comptoir alimentaire", scope="mrc")
    second = make_service(name_fr="Comptoir vestimentaire", scope="mrc")
    phone = make_phone("450 555-0196", service=first)
    assert results(q="alimentaire") == [("tel:4505550196", "Appeler")]
    assert results(q="vestimentaire") == []

    phone.service = second  # a staff edit: the number was the other service's
    phone.save()
    assert results(q="alimentaire") == []
    assert results(q="vestimentaire") == [("tel:4505550196", "Appeler")]
    assert service_page_links(first) == [] and service_page_links(second) == ["tel:4505550196"]


def test_a_place_given_to_another_service_leaves_the_first_ones_card():
    organization = make_organization()
    first = make_service(organization=organization, name_fr="Comptoir alimentaire", scope="mrc")
    second = make_service(organization=organization, name_fr="Comptoir vestimentaire", scope="mrc")
    place = locate(first)
    make_phone("450 555-0197", location=place)
    offer = first.service_at_locations.get()
    assert results(q="alimentaire") == [("tel:4505550197", "Appeler")]

    offer.service = second  # the place's offer was the other service's
    offer.save()
    assert results(q="alimentaire") == []
    assert results(q="vestimentaire") == [("tel:4505550197", "Appeler")]

""" "Ma liste": the list lives in the URL (`?ids=`), in order, without server state."""

import uuid
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resources.my_list import MAX_SERVICES
from tests.factories import locate, make_organization, make_phone, make_schedule, make_service

pytestmark = pytest.mark.django_db

URL = "/fr/ma-liste/"


def _services(count):
    made = []
    for n in range(count):
        service = make_service(name_fr=f"Aide {n:03}")
        make_phone(f"450 555-01{n:02}", service=service)
        locate(service)
        make_schedule([(0, "09:00", "17:00"), (2, "13:00", "16:00")], service)
        made.append(service)
    return made


def _ids(services):
    return ",".join(str(s.uuid) for s in services)


def _listed(response):
    html = response.content.decode()
    return [part.split('"', 1)[0] for part in html.split('class="list-item" data-service-id="')[1:]]


def _ids_of(href):
    return parse_qs(urlsplit(href.replace("&amp;", "&")).query).get("ids", [""])[0].split(",")


def test_the_list_round_trips_in_its_order(client):
    a, b, c = _services(3)
    response = client.get(URL, {"ids": _ids([c, a, b])})
    assert response.status_code == 200
    assert _listed(response) == [str(c.uuid), str(a.uuid), str(b.uuid)]
    html = response.content.decode()
    assert "Aide 002" in html and "450 555-0100" in html
    assert "Lundi 09:00–17:00" in html and "Mercredi 13:00–16:00" in html
    assert c.get_absolute_url() in html


def test_english_url_word(client):
    (a,) = _services(1)
    response = client.get("/en/my-list/", {"ids": str(a.uuid)})
    assert _listed(response) == [str(a.uuid)]


def test_remove_and_move_links_give_the_right_ids(client):
    a, b, c = _services(3)
    item = client.get(URL, {"ids": _ids([a, b, c])}).context["items"]
    assert _ids_of(item[1]["remove_url"]) == [str(a.uuid), str(c.uuid)]
    assert _ids_of(item[1]["up_url"]) == [str(b.uuid), str(a.uuid), str(c.uuid)]
    assert _ids_of(item[1]["down_url"]) == [str(a.uuid), str(c.uuid), str(b.uuid)]
    assert not item[0]["up_url"] and not item[2]["down_url"]
    html = client.get(URL, {"ids": _ids([a, b, c])}).content.decode()
    assert f'href="{item[1]["remove_url"]}"' in html
    assert f'aria-label="Retirer {b.name} de la liste"' in html
    assert _ids_of(item[0]["remove_url"]) == [str(b.uuid), str(c.uuid)]
    only = client.get(URL, {"ids": str(a.uuid)}).context["items"][0]
    assert only["remove_url"] == URL


def test_unknown_inactive_bad_and_repeated_ids_are_dropped_silently(client):
    a, b = _services(2)
    inactive = make_service(status="inactive")
    closed_org = make_service(organization=make_organization(is_active=False))
    asked = [str(uuid.uuid4()), str(a.uuid), "nonsense", str(inactive.uuid), str(a.uuid)]
    asked += [str(closed_org.uuid), str(b.uuid)]
    response = client.get(URL, {"ids": ",".join(asked)})
    assert response.status_code == 200
    assert _listed(response) == [str(a.uuid), str(b.uuid)]
    assert response.context["ids_param"] == _ids([a, b])


def test_at_most_30_services(client):
    services = _services(MAX_SERVICES + 2)
    response = client.get(URL, {"ids": _ids(services)})
    assert _listed(response) == [str(s.uuid) for s in services[:MAX_SERVICES]]


def test_a_constant_number_of_queries_whatever_the_length(client):
    services = _services(10)
    client.get(URL)  # the 2-1-1 line's hours are read once, then kept in memory
    counts = []
    for n in (2, 10):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"ids": _ids(services[:n])})
        assert len(_listed(response)) == n
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    print(f"queries for 2 and 10 services: {counts}")
    # It reads what it shows, once: not the languages or areas only a service page shows,
    # and the sectors (for the quick exit's offline rule) with their parents in one query.
    statements = [q["sql"] for q in queries]
    for table in ("resources_language", "resources_servicearea"):
        assert not [sql for sql in statements if f'"{table}"' in sql], table
    assert len([sql for sql in statements if '"resources_sector"' in sql]) == 1


def test_a_confidential_address_is_never_shown(client):
    service = make_service(name_fr="Hébergement")
    locate(service, address_1="999, rue Secrète", is_confidential=True, place="repentigny")
    response = client.get(URL, {"ids": str(service.uuid)})
    html = unquote(response.content.decode())
    assert "Secrète" not in html
    assert "Adresse confidentielle — Repentigny" in html


def test_the_share_link_and_the_mail_carry_the_ids_and_never_a_note(client):
    a, b = _services(2)
    response = client.get(URL, {"ids": _ids([a, b]), "note": "Madame X"})
    html = response.content.decode()
    share = response.context["share_url"]
    assert share == f"http://testserver{URL}?ids={_ids([a, b])}"
    assert f'value="{share}"' in html and "readonly" in html
    mailto = response.context["mailto"]
    assert mailto.startswith("mailto:?subject=")
    body = unquote(parse_qs(mailto.split("?", 1)[1])["body"][0])
    assert share in body
    assert "Aide 000" in body and "450 555-0101" in body and "100, rue Exemple" in body
    assert "Madame X" not in html and "note" not in share and "note" not in mailto
    # The note is a textarea outside any form: nothing sends it.
    assert (
        'id="list-note"' in html
        and "<form" not in html.split('id="list-note"')[0].split('class="list-note"')[1]
    )


def test_an_empty_list_explains_how_to_add_services(client):
    response = client.get(URL)
    html = response.content.decode()
    assert "Votre liste est vide." in html
    assert "Ajouter à ma liste" in html
    assert "list-mailto" not in html


def test_add_links_carry_the_current_list(client):
    a, b = _services(2)
    page = client.get(b.get_absolute_url(), {"liste": str(a.uuid)}).content.decode()
    assert f'href="{URL}?ids={a.uuid},{b.uuid}"' in page
    assert f'aria-label="Ajouter {b.name} à ma liste"' in page
    alone = client.get(b.get_absolute_url()).content.decode()
    assert f'href="{URL}?ids={b.uuid}"' in alone


def test_sector_page_cards_have_add_links(client):
    service = make_service(sectors=["food-banks"], name_fr="Banque")
    page = client.get("/fr/secteurs/food/").content.decode()
    assert f'href="{URL}?ids={service.uuid}"' in page


def test_the_list_page_gives_the_script_its_hooks_hidden_without_it(client):
    a, b, c = _services(3)
    html = client.get(URL, {"ids": _ids([a, b, c])}).content.decode()
    # static/js/my-list.js turns these links into buttons; without it they are plain links.
    assert html.count('data-list-action="up"') == 2
    assert html.count('data-list-action="down"') == 2
    assert html.count('data-list-action="remove"') == 3
    assert f'<a href="{URL}" data-list-clear>Vider la liste</a>' in html
    for button in ("data-list-copy", "data-list-share", "data-list-print"):
        assert f'<button type="button" {button} hidden>' in html
    assert "<span data-list-stored hidden>" in html and "<span data-list-url-only>" in html
    empty = client.get(URL).content.decode()
    assert "data-list-clear" not in empty and "data-list-copy" not in empty


@pytest.mark.parametrize(("lang", "list_url"), [("fr", URL), ("en", "/en/my-list/")])
def test_every_page_loads_the_list_script_with_its_words(client, lang, list_url):
    html = client.get(f"/{lang}/").content.decode()
    tag = html.split('<script src="/static/js/my-list.js"', 1)[1].split(">", 1)[0]
    assert " defer " in tag
    assert f'data-list-url="{list_url}"' in tag
    assert f'data-max="{MAX_SERVICES}"' in tag
    assert 'data-remove-label="' in tag and "{name}" in tag
    assert "<script>" not in html  # no inline script: the words travel as data attributes


def test_the_privacy_page_says_the_browser_keeps_the_list(client):
    html = client.get("/fr/confidentialite/").content.decode()
    assert "est aussi gardée dans ce navigateur : seulement les identifiants" in html
    assert "jamais la note que vous tapez pour la personne" in html

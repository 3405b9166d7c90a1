"""Uptime monitors and load balancers: every public page answers HEAD as it answers GET, and
/healthz and /readyz say whether the process and its database answer."""

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/fr/", "/en/", "/fr/recherche/?q=aide", "/en/search/?q=food", "/api/", "/healthz"]


@pytest.mark.parametrize("url", PAGES)
def test_head_answers_wherever_get_does(client, url):
    get, head = client.get(url), client.head(url)
    assert get.status_code == head.status_code == 200
    assert head.content == b""


def test_post_to_a_page_is_refused_with_405(client):
    assert client.post("/fr/").status_code == 405


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}
    assert "no-cache" in ready["Cache-Control"] or "max-age=0" in ready["Cache-Control"]

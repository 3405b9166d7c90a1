"""The Content-Security-Policy in a real browser: no page, public or staff, breaks it (no
violation event, no console report), and the admin's translation tabs still work under it."""

import pytest
from django.urls import reverse

from tests.browser.conftest import wait_until
from tests.browser.test_map import SHOW, TILE, TILES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Playwright's init scripts are not subject to the page's policy: this one records every
# violation the page reports.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def watched_page(desktop_page):
    """A page that collects CSP violations: `watched_page.violations()` after a visit."""
    reports = []
    desktop_page.on(
        "console",
        lambda message: (
            reports.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    desktop_page.add_init_script(RECORD_VIOLATIONS)

    def violations():
        return reports + desktop_page.evaluate("window.__violations")

    desktop_page.violations = violations
    return desktop_page


def test_the_watch_sees_a_violation(directory, watched_page):
    """The detector itself: an inline style attribute is refused and reported."""
    watched_page.goto("/fr/")
    watched_page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')"
    )
    watched_page.wait_for_timeout(100)
    assert any("style-src" in v for v in watched_page.violations())


def test_public_pages_break_nothing(directory, watched_page):
    service = directory["service"]
    urls = [
        "/fr/",
        "/en/",
        "/fr/recherche/?q=alimentaire&place=Repentigny",
        "/en/search/?q=food&open_now=on",
        "/fr/secteurs/food/",
        "/fr/municipalites/repentigny/",
        "/en/organizations/partage-exemple/",
        "/fr/services/depannage-alimentaire/",
        f"/fr/ma-liste/?ids={service.uuid}",
        "/fr/a-propos/",
        "/fr/nexiste-pas/",
    ]
    for url in urls:
        watched_page.goto(url)
        watched_page.wait_for_load_state("load")
        assert watched_page.violations() == [], url
    # The stylesheet applied (a style-src refusal would leave the page unstyled).
    display = watched_page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).display"
    )
    assert display == "flex"


def test_the_map_opens_under_the_policy(directory, watched_page):
    """Leaflet from our static files, tiles from MAP_TILE_URL's server (answered here)."""
    page = watched_page
    tiles = []

    def answer(route):
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=TILE)

    page.context.route(f"{TILES}**", answer)
    page.goto("/fr/recherche/?q=alimentaire")
    page.get_by_role("button", name=SHOW["fr"]).click()
    page.locator(".leaflet-marker-icon").first.wait_for()
    wait_until(page, "document.querySelector('.leaflet-tile-loaded') !== null")
    assert tiles
    assert page.violations() == []


def test_the_admin_works_under_the_policy(directory, watched_page, django_user_model):
    django_user_model.objects.create_superuser("gestion", "g@example.org", "un-mot-de-passe-long")
    page = watched_page
    page.goto(reverse("admin:login"))
    page.fill("#id_username", "gestion")
    page.fill("#id_password", "un-mot-de-passe-long")
    page.click("input[type=submit]")
    page.wait_for_url(f"**{reverse('admin:index')}")
    service = directory["service"]
    page.goto(reverse("admin:resources_service_change", args=[service.pk]))
    page.wait_for_load_state("load")
    # modeltranslation's tabs (jQuery UI from our static files) are built and switch.
    english = page.locator("#id_name_en")
    assert not english.is_visible()  # behind its tab
    page.click("a.ui-tabs-anchor[href='#tab_id_name_en']")
    assert english.is_visible()
    for url in [
        reverse("admin:resources_service_add"),
        reverse("admin:resources_service_changelist"),
        reverse("admin:resources_organization_changelist") + "?q=partage",
    ]:
        page.goto(url)
        page.wait_for_load_state("load")
    assert page.violations() == []

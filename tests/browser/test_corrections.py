"""'Signaler une erreur' on a phone, and the unmet-needs report, in a real browser; their
pictures in docs/screenshots/ are refreshed only when asked (KEEP_SCREENSHOTS=1)."""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from resources.models import CorrectionRequest, Municipality
from search.models import SearchNeedStat

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"


def keep(picture, name):
    assert picture.startswith(b"\x89PNG")
    if os.environ.get("KEEP_SCREENSHOTS"):
        (SCREENSHOTS / name).write_bytes(picture)


def test_a_person_reports_an_error_from_a_service_page_on_a_phone(directory, mobile_page, axe):
    page = mobile_page
    page.goto(directory["service"].get_absolute_url())
    page.get_by_role("link", name="Signaler une erreur").click()
    page.wait_for_url("**/signaler/")
    page.get_by_role("button", name="Envoyer le signalement").click()
    assert page.get_by_role("alert").inner_text().count("Cochez au moins une case.") == 1
    trap = page.locator("#id_website").bounding_box()
    assert trap is None or trap["x"] + trap["width"] < 0  # the honeypot is out of sight
    page.get_by_label("Heures d'ouverture").check()
    page.get_by_label("Précisions").fill("Fermé le vendredi depuis septembre.")
    axe(page)
    keep(page.screenshot(full_page=True), "correction-form.png")
    page.get_by_role("button", name="Envoyer le signalement").click()
    page.wait_for_url("**/merci/")
    assert "Merci de votre signalement" in page.inner_text("h1")
    assert CorrectionRequest.objects.get().kinds == ["hours"]


def test_staff_read_the_unmet_needs_report(directory, desktop_page, django_user_model):
    django_user_model.objects.create_superuser("equipe", "equipe@example.org", "motdepasse-demo")
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    places = {
        m.slug: m for m in Municipality.objects.filter(slug__in=["repentigny", "charlemagne"])
    }
    rows = [
        ("couches lavables", "", "repentigny", 14),
        ("réparation de vélo", "", "charlemagne", 9),
        ("cours de couture", "", "repentigny", 6),
        ("garde de nuit", "", None, 4),
        ("rare", "", None, 2),  # fewer than 3: never shown
    ]
    for weeks_ago in (0, 1):
        for query, sectors, place, searches in rows:
            SearchNeedStat.objects.create(
                day=monday - datetime.timedelta(weeks=weeks_ago),
                query=query,
                sectors=sectors,
                municipality=places.get(place),
                language="fr",
                results=0,
                searches=searches - weeks_ago,
            )
    page = desktop_page
    page.goto(f"/{settings.ADMIN_URL}login/?next=/{settings.ADMIN_URL}search/searchneedstat/")
    page.fill("#id_username", "equipe")
    page.fill("#id_password", "motdepasse-demo")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/searchneedstat/")
    text = page.inner_text("#content")
    assert "couches lavables" in text and "rare" not in text
    assert page.get_by_role("link", name="Exporter en CSV").is_visible()
    assert page.get_by_role("link", name="Ajouter comme expression de besoin").count() == 8
    keep(page.screenshot(full_page=True), "unmet-needs-report.png")

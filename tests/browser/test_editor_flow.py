"""An editor's day in a real browser: sign in to the admin, correct a service's French and
English descriptions (the translation tabs), mark it verified, and see both public pages say
the new text and today's date; the history page lists the change with who and why."""

import pytest
from django.contrib.auth.models import Group, User
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from resources.roles import EDITOR

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "un mot de passe assez long 2026"


@pytest.fixture
def editor(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = User.objects.create_user(
        "julie", "julie@example.org", PASSWORD, is_staff=True, first_name="Julie"
    )
    user.groups.add(Group.objects.get(name=EDITOR))
    return user


def test_an_editor_corrects_a_service_and_marks_it_verified(directory, editor, desktop_page):
    page, service = desktop_page, directory["service"]
    page.goto("/admin/")
    page.fill("#id_username", "julie")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()

    page.goto(f"/admin/resources/service/{service.pk}/change/")
    page.fill("#id_description_fr", "Épicerie d'urgence deux fois par mois, sur rendez-vous.")
    # The English field is behind its translation tab.
    page.locator(f"a[href='#{tab_of(page, 'id_description_en')}']").click()
    page.fill("#id_description_en", "Emergency groceries twice a month, by appointment.")
    page.fill("#id_change_reason", "Appel à l'organisme")
    page.click("input[name=_save]")
    # Assertions that wait: the save and the action each load a new page.
    expect(page.locator(".messagelist .success")).to_be_visible()

    # Mark verified: the changelist's action.
    page.check(f"input[name=_selected_action][value='{service.pk}']")
    page.select_option("select[name=action]", "mark_verified")
    page.click("button[name=index]")
    expect(page.locator(".messagelist")).to_contain_text("marqué comme vérifié")

    today = timezone.localdate()
    page.goto("/fr/services/depannage-alimentaire/")
    main = page.locator("main").inner_text()
    assert "Épicerie d'urgence deux fois par mois, sur rendez-vous." in main
    with translation.override("fr"):
        assert f"Dernière vérification : {formats.date_format(today, 'j F Y')}" in main
    page.goto("/en/services/depannage-alimentaire/")
    main = page.locator("main").inner_text()
    assert "Emergency groceries twice a month, by appointment." in main
    with translation.override("en"):
        assert f"Last verified: {formats.date_format(today, 'j F Y')}" in main

    page.goto(f"/admin/resources/service/{service.pk}/history/")
    history = page.locator("#change-history").inner_text()
    assert "Description (français)" in history and "Description (anglais)" in history
    assert "Julie" in history and "Appel à l'organisme" in history


def tab_of(page, field_id):
    """The id of the translation tab panel holding the field."""
    return page.locator(f"#{field_id}").evaluate("f => f.closest('[role=tabpanel]').id")

"""'Signaler une erreur': the public's correction requests, from the link on every listing page
to the staff queue (resources/corrections.py, resources/admin_corrections.py)."""

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from resources.models import CorrectionRequest
from tests.factories import make_organization, make_service

pytestmark = pytest.mark.django_db

GOOD = {"kinds": ["phone", "hours"], "text": "Le bon numéro est le 450 555-0123.", "email": ""}


def form_url(record, language="fr"):
    kind = "service" if record._meta.model_name == "service" else "organization"
    with translation.override(language):
        return reverse(f"resources:{kind}-correction", kwargs={"slug": record.slug})


def test_every_service_and_organization_page_links_to_the_form():
    service = make_service()
    for record in (service, service.organization):
        html = Client().get(record.get_absolute_url()).content.decode()
        assert f'href="{form_url(record)}"' in html and "Signaler une erreur" in html


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_form_is_shown_in_both_languages_never_kept(language):
    service = make_service(name_en="Food help")
    response = Client().get(form_url(service, language))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in html and 'type="checkbox"' in html
    assert response["X-Offline-Cache"] == "no-store"  # never kept offline
    assert 'class="trap" aria-hidden="true"' in html  # the honeypot, by CSS class
    assert 'style="' not in html


def test_a_sent_form_is_saved_and_staff_thanked_after_a_redirect(
    django_capture_on_commit_callbacks,
):
    service = make_service()
    client = Client(enforce_csrf_checks=True)
    client.get(form_url(service))
    token = client.cookies["csrftoken"].value
    with (
        override_settings(CORRECTIONS_NOTIFY_EMAILS=["equipe@example.org"]),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            form_url(service),
            {**GOOD, "email": "moi@example.org", "csrfmiddlewaretoken": token},
            REMOTE_ADDR="203.0.113.9",
            HTTP_USER_AGENT="Navigateur-Test/1.0",
        )
    thanks = reverse("resources:service-correction-thanks", kwargs={"slug": service.slug})
    assert response.status_code == 302 and response["Location"] == thanks
    page = client.get(thanks)
    assert page.status_code == 200 and "Merci de votre signalement" in page.content.decode()
    correction = CorrectionRequest.objects.get()
    assert correction.service == service and correction.organization is None
    assert correction.kinds == ["phone", "hours"] and correction.email == "moi@example.org"
    assert correction.state == CorrectionRequest.State.NEW
    stored = " ".join(str(v) for v in CorrectionRequest.objects.values().get().values())
    assert "203.0.113.9" not in stored and "Navigateur-Test" not in stored  # never kept
    [message] = mail.outbox
    assert message.to == ["equipe@example.org"]
    assert service.name in message.subject
    assert "Numéro de téléphone, Heures d'ouverture" in message.body
    assert f"/admin/resources/correctionrequest/{correction.pk}/change/" in message.body


def test_managers_are_told_when_no_list_is_set(django_capture_on_commit_callbacks):
    organization = make_organization()
    with (
        override_settings(CORRECTIONS_NOTIFY_EMAILS=[], MANAGERS=[("", "gestion@example.org")]),
        django_capture_on_commit_callbacks(execute=True),
    ):
        Client().post(form_url(organization), {"kinds": ["closed"]})
    assert CorrectionRequest.objects.get().organization == organization
    assert [m.to for m in mail.outbox] == [["gestion@example.org"]]


def test_without_csrf_token_nothing_is_saved():
    service = make_service()
    response = Client(enforce_csrf_checks=True).post(form_url(service), GOOD)
    assert response.status_code == 403 and not CorrectionRequest.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"text": "rien coché"}, "kinds", "Cochez au moins une case."),
        ({"kinds": ["other"], "text": "  "}, "text", "Dites-nous en quelques mots"),
        ({"kinds": ["phone"], "email": "pas-un-courriel"}, "email", "adresse de courriel valide"),
        ({"kinds": ["nope"]}, "kinds", "Sélectionnez un choix valide"),
        ({"kinds": ["other"], "text": "x" * 4001}, "text", "4000"),
    ],
)
def test_bad_input_gets_the_form_back_with_its_errors(data, field, message):
    service = make_service()
    response = Client().post(form_url(service), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in html and message in html
    assert not CorrectionRequest.objects.exists()
    if field == "text" and "x" * 10 in data.get("text", ""):
        assert "x" * 4001 in html  # what was typed comes back to be shortened


def test_a_filled_honeypot_seems_to_succeed_and_saves_nothing(django_capture_on_commit_callbacks):
    service = make_service()
    with (
        override_settings(CORRECTIONS_NOTIFY_EMAILS=["equipe@example.org"]),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = Client().post(form_url(service), {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 302 and response["Location"].endswith("/merci/")
    assert not CorrectionRequest.objects.exists() and not mail.outbox


@override_settings(RATELIMIT_CORRECTIONS="3/h", TRUSTED_PROXY_COUNT=1)
def test_past_the_budget_a_client_gets_429_and_a_neighbour_still_gets_through():
    service = make_service()
    office = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    for _ in range(3):
        assert Client().post(form_url(service), GOOD, **office).status_code == 302
    refused = Client().post(form_url(service), GOOD, **office)
    assert refused.status_code == 429 and "Retry-After" in refused
    assert CorrectionRequest.objects.count() == 3
    other = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.8"}
    assert Client().post(form_url(service), GOOD, **other).status_code == 302


def test_the_default_budget_leaves_room_for_an_office():
    from tests.conftest import settings_in_child

    assert settings_in_child("settings.RATELIMIT_CORRECTIONS") == "20/h"


def test_a_violence_service_keeps_its_quick_exit_on_the_form():
    from resources.safety import QUICK_EXIT_SECTOR

    service = make_service(sectors=[QUICK_EXIT_SECTOR])
    assert "data-quick-exit" in Client().get(form_url(service)).content.decode()
    assert "data-quick-exit" not in Client().get(form_url(make_service())).content.decode()


def test_an_unknown_or_inactive_record_is_a_404():
    assert Client().get("/fr/services/nulle-part/signaler/").status_code == 404
    service = make_service(status="inactive")
    assert Client().get(form_url(service)).status_code == 404


# The staff queue ----------------------------------------------------------------------------


def test_staff_move_requests_through_the_queue_recording_who_and_when(admin_client, admin_user):
    service = make_service()
    new = CorrectionRequest.objects.create(service=service, kinds=["phone"], text="Mauvais numéro")
    other = CorrectionRequest.objects.create(organization=service.organization, kinds=["closed"])
    changelist = reverse("admin:resources_correctionrequest_changelist")
    html = admin_client.get(changelist).content.decode()
    service_admin = reverse("admin:resources_service_change", args=[service.pk])
    assert f'href="{service_admin}"' in html and "Numéro de téléphone" in html
    assert "?state__exact=new" in html  # the filter by state
    response = admin_client.post(
        changelist,
        {"action": "mark_accepted", "_selected_action": [new.pk]},
        follow=True,
    )
    assert "1 signalement marqué « acceptée »." in response.content.decode()
    new.refresh_from_db()
    assert new.state == "accepted" and new.handled_by == admin_user and new.handled_at
    filtered = admin_client.get(changelist, {"state__exact": "new"}).content.decode()
    assert "Mauvais numéro" not in filtered and str(other.organization) in filtered

    change = reverse("admin:resources_correctionrequest_change", args=[other.pk])
    assert admin_client.post(change, {"state": "rejected"}).status_code == 302
    other.refresh_from_db()
    assert other.state == "rejected" and other.handled_by == admin_user
    assert admin_client.get(reverse("admin:resources_correctionrequest_add")).status_code == 403

"""The verification cycle with organizations in the loop (docs/verification.md): the admin
index's dashboard, the request email and its signed, expiring link, the organization's page
(one-click confirmation, proposals field by field, a confidential address hidden), and the
staff queue that accepts or rejects each proposed field. As an administrator and as an editor
(a staff member with change permissions only)."""

import datetime
import html
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from resources.models import (
    CorrectionRequest,
    Organization,
    ProposedChange,
    Service,
    VerificationRequest,
)
from tests.factories import locate, make_organization, make_phone, make_schedule, make_service

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LONG_AGO = TODAY - datetime.timedelta(days=500)
SOON_DUE = TODAY - datetime.timedelta(days=365 - 10)
RECENT = TODAY - datetime.timedelta(days=30)
LINK = re.compile(r"http://testserver(/(?:fr|en)/[^\s]+/)")


@pytest.fixture
def editor(django_user_model):
    """A staff member who edits listings and handles verifications: no delete, no users."""
    user = django_user_model.objects.create_user(
        "editrice", "editrice@example.org", None, is_staff=True, first_name="Éva"
    )
    codenames = [
        f"{action}_{model}"
        for model in ("organization", "service", "location", "phone")
        for action in ("view", "change")
    ] + [
        "view_verificationrequest",
        "view_proposedchange",
    ]
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="resources", codename__in=codenames)
    )
    return user


@pytest.fixture(params=["admin", "editor"])
def staff(request, admin_user, editor):
    return admin_user if request.param == "admin" else editor


@pytest.fixture
def listing():
    organization = make_organization(
        name_fr="Maison Exemple",
        name_en="Example House",
        email="info@example.org",
        assured_date=LONG_AGO,
    )
    service = make_service(
        organization,
        name_fr="Dépannage alimentaire",
        name_en="Food bank",
        description_fr="Paniers de nourriture.",
        description_en="Food baskets.",
        assured_date=LONG_AGO,
    )
    shelter = locate(
        service, name_fr="Hébergement", address_1="12, rue Secrète", is_confidential=True
    )
    office = locate(service, name_fr="Bureau", address_1="100, rue Publique")
    make_phone("450 555-0142", organization=organization)
    make_schedule([(0, "09:00", "17:00")], service=service)
    return organization, service, shelter, office


def send(client, organization):
    url = reverse("admin:resources_verification_send", args=[organization.pk])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    return response


def sent_link():
    assert len(mail.outbox) == 1
    paths = LINK.findall(mail.outbox[0].body)
    assert len(paths) == 2  # French and English
    return paths[0], paths[1]


# The dashboard --------------------------------------------------------------------------------


def test_dashboard_counts_overdue_due_soon_and_per_editor(client, staff, editor):
    make_organization(assured_date=LONG_AGO, verified_by=editor)
    make_organization(assured_date=None)
    make_organization(assured_date=SOON_DUE, verified_by=editor)
    make_organization(assured_date=RECENT)
    make_organization(assured_date=LONG_AGO, is_active=False)  # not listed: not counted
    make_service(assured_date=LONG_AGO, verified_by=editor)
    client.force_login(staff)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:index"))
    dashboard = response.context["dashboard"]
    organizations, services = dashboard["rows"]
    # 5 organizations made for services count too (make_service makes one, never verified).
    assert (organizations["overdue"], organizations["due"], organizations["total"]) == (3, 1, 5)
    assert (services["overdue"], services["due"]) == (1, 0)
    by_name = {row["name"]: row for row in dashboard["editors"]}
    assert by_name["Éva"]["organizations"]["overdue"] == 1
    assert by_name["Éva"]["organizations"]["due"] == 1
    assert by_name["Éva"]["services"]["overdue"] == 1
    assert len(queries) < 20
    assert "Vérification annuelle" in response.content.decode()

    # The links lead to the changelists filtered alike.
    overdue = client.get(organizations["overdue_url"])
    assert overdue.context["cl"].result_count == 3
    mine = client.get(by_name["Éva"]["organizations"]["due_url"])
    assert mine.context["cl"].result_count == 1


def test_dashboard_queries_do_not_grow_with_records(client, admin_user):
    from resources.verification import dashboard

    make_organization(assured_date=LONG_AGO, verified_by=admin_user)
    with CaptureQueriesContext(connection) as few:
        dashboard()
    for _ in range(5):
        make_service(assured_date=LONG_AGO, verified_by=admin_user)
    with CaptureQueriesContext(connection) as more:
        dashboard()
    assert len(few) == len(more) == 7  # the counts, per editor, the three queues


# The request email and its link ---------------------------------------------------------------


def test_request_email_carries_a_link_in_both_languages(client, staff, listing):
    organization = listing[0]
    client.force_login(staff)
    send(client, organization)
    message = mail.outbox[0]
    assert message.to == ["info@example.org"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "Maison Exemple" in message.subject
    french, english = sent_link()
    assert french.startswith("/fr/") and english.startswith("/en/")
    request = VerificationRequest.objects.get()
    assert request.sent_by == staff and request.state == "sent"
    assert request.expires - request.sent_at == datetime.timedelta(
        days=settings.VERIFICATION_LINK_DAYS
    )
    # A second request while this one is open is not sent.
    client.post(reverse("admin:resources_verification_send", args=[organization.pk]))
    assert len(mail.outbox) == 1


def test_bulk_action_sends_to_every_overdue_organization_with_an_email(client, admin_user):
    late = make_organization(email="a@example.org", assured_date=LONG_AGO)
    never = make_organization(email="b@example.org")
    make_organization(assured_date=LONG_AGO)  # no email: reported, not sent
    make_organization(email="c@example.org", assured_date=RECENT)
    client.force_login(admin_user)
    url = reverse("admin:resources_verification_send_overdue")
    page = client.get(url)
    assert "Sans courriel" in page.content.decode()
    page = client.post(url, follow=True)
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    shown = [str(m) for m in page.context["messages"]]
    assert "2 demandes de vérification envoyées." in shown
    assert "1 organisme sans courriel : appelez-le." in shown
    # Again, in English: the two are asked already, the one without an email still listed.
    page = client.post(url, follow=True, headers={"accept-language": "en"})
    shown = [str(m) for m in page.context["messages"]]
    assert "2 organizations already have an open request." in shown
    assert "1 organization without an email: call it." in shown
    assert len(mail.outbox) == 2
    assert set(VerificationRequest.objects.values_list("organization", flat=True)) == {
        late.pk,
        never.pk,
    }


def test_selection_action_sends_requests(client, editor, listing):
    client.force_login(editor)
    response = client.post(
        reverse("admin:resources_organization_changelist"),
        {"action": "send_verification_requests", "_selected_action": [listing[0].pk]},
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_tampered_unknown_and_expired_links_get_a_4xx_page(client, admin_user, listing):
    client.force_login(admin_user)
    send(client, listing[0])
    french, _english = sent_link()
    client.logout()
    assert client.get(french).status_code == 200

    token = french.rstrip("/").rsplit("/", 1)[1]
    tampered = french.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    assert client.get(tampered).status_code == 404
    assert client.post(tampered, {"action": "confirm"}).status_code == 404
    assert client.get("/fr/verification-organisme/pas-un-jeton/").status_code == 404

    later = timezone.now() + datetime.timedelta(days=settings.VERIFICATION_LINK_DAYS, hours=1)
    with time_machine.travel(later, tick=False):
        expired = client.get(french)
        assert expired.status_code == 410
        assert "a expiré" in expired.content.decode()
        assert client.post(french, {"action": "confirm"}).status_code == 410
    listing[0].refresh_from_db()
    assert listing[0].assured_date == LONG_AGO


# The organization's page ----------------------------------------------------------------------


def open_page(client, staff, organization):
    client.force_login(staff)
    send(client, organization)
    client.logout()
    return sent_link()


def test_page_shows_the_listing_in_both_languages_and_hides_a_confidential_address(
    client, admin_user, listing
):
    organization, service, shelter, office = listing
    french, english = open_page(client, admin_user, organization)
    for path in (french, english):
        response = client.get(path)
        assert response.status_code == 200
        page = response.content.decode()
        for text in ("Example House", "Food bank", "Food baskets.", "Paniers de nourriture."):
            assert text in page
        assert "450 555-0142" in page
        assert "100, rue Publique" in page
        assert "12, rue Secrète" not in page
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert "no-store" in response["Cache-Control"]
        assert response["X-Offline-Cache"] == "no-store"
    assert (
        "adresse confidentielle — à confirmer par téléphone" in client.get(french).content.decode()
    )
    assert "09:00–17:00" in client.get(french).content.decode()


def test_one_click_confirmation_updates_the_dates(client, staff, listing):
    organization, service, *_ = listing
    french, _english = open_page(client, staff, organization)
    client.get(french)  # sets the CSRF cookie, as a browser does
    response = client.post(french, {"action": "confirm"})
    assert response.status_code == 200
    assert "Merci" in response.content.decode()
    for record in (organization, service):
        record.refresh_from_db()
        assert record.assured_date == timezone.localdate()
        assert record.verification_source == "organization"
        assert record.verified_by == staff
        assert record.assurer == "Maison Exemple"
        latest = record.history.latest()
        assert latest.history_change_reason == "confirmé par l'organisme"
        assert latest.history_user is None
    request = VerificationRequest.objects.get()
    assert request.state == "confirmed" and request.confirmed_at is not None
    # The link is used: a clear 410, not the page again.
    assert client.get(french).status_code == 410
    assert client.post(french, {"action": "confirm"}).status_code == 410


def test_confirmation_needs_the_csrf_token(client, listing, admin_user):
    from django.test import Client

    french, _english = open_page(client, admin_user, listing[0])
    guarded = Client(enforce_csrf_checks=True)
    assert guarded.post(french, {"action": "confirm"}).status_code == 403
    assert VerificationRequest.objects.get().state == "sent"


def test_page_posts_draw_on_the_rate_limit_of_form_posts(client, admin_user, listing, settings):
    french, _english = open_page(client, admin_user, listing[0])
    settings.RATELIMIT_POST = "2/m"
    answers = [client.post(french, {"action": "propose"}).status_code for _ in range(3)]
    assert answers == [400, 400, 429]
    assert VerificationRequest.objects.get().state == "sent"


def form_data(client, path):
    """Every field of the page's proposal form with its current value, as a browser sends it."""
    page = client.get(path).content.decode()
    data = {"action": "propose", "note": ""}
    inputs = re.findall(r'<input type="(?:text|url|email)" name="([^"]+)" value="([^"]*)"', page)
    areas = re.findall(r'<textarea name="([^"]+)"[^>]*>\n?([^<]*)</textarea>', page)
    data.update({name: html.unescape(value) for name, value in inputs + areas})
    return data


def test_field_proposals_accepted_into_the_record_or_rejected(client, staff, listing):
    organization, service, shelter, office = listing
    french, _english = open_page(client, staff, organization)
    data = form_data(client, french)
    assert f"location-{shelter.pk}-address_1" not in data  # never offered, never shown
    data[f"service-{service.pk}-description_en"] = "Food baskets, every Monday."
    data[f"service-{service.pk}-name_fr"] = "Banque alimentaire"
    response = client.post(french, data)
    assert response.status_code == 200, response.content.decode()[:2000]
    changes = {c.field: c for c in ProposedChange.objects.all()}
    assert set(changes) == {"description_en", "name_fr"}
    assert changes["description_en"].current_value == "Food baskets."
    assert VerificationRequest.objects.get().state == "proposed"
    service.refresh_from_db()
    assert service.description_en == "Food baskets."  # nothing written before staff decide

    client.force_login(staff)
    queue = client.get(reverse("admin:resources_proposedchange_changelist"))
    assert queue.status_code == 200
    queued = queue.content.decode()
    assert "Food baskets, every Monday." in queued and "Banque alimentaire" in queued
    changelist = reverse("admin:resources_proposedchange_changelist")
    client.post(
        changelist,
        {"action": "accept_changes", "_selected_action": [changes["description_en"].pk]},
    )
    client.post(
        changelist, {"action": "reject_changes", "_selected_action": [changes["name_fr"].pk]}
    )
    service.refresh_from_db()
    assert service.description_en == "Food baskets, every Monday."
    assert service.name_fr == "Dépannage alimentaire"
    accepted = service.history.filter(history_change_reason="proposé par l'organisme").get()
    assert accepted.history_user == staff and accepted.description_en == service.description_en
    assert ProposedChange.objects.get(field="name_fr").state == "rejected"
    # Every proposal decided: the request is closed and the listing verified today.
    assert VerificationRequest.objects.get().state == "closed"
    organization.refresh_from_db()
    assert organization.assured_date == timezone.localdate()
    assert organization.verification_source == "organization"


def test_a_proposal_with_errors_gives_the_form_back(client, admin_user, listing):
    organization, service, *_ = listing
    french, _english = open_page(client, admin_user, organization)
    data = form_data(client, french)
    data[f"organization-{organization.pk}-email"] = "pas un courriel"
    data[f"organization-{organization.pk}-name_fr"] = ""
    response = client.post(french, data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not ProposedChange.objects.exists()
    assert VerificationRequest.objects.get().state == "sent"
    # Nothing changed: the page says so and records nothing.
    response = client.post(french, form_data(client, french))
    assert response.status_code == 200
    assert "avez rien modifié" in response.content.decode()
    assert VerificationRequest.objects.get().state == "sent"


def test_page_answers_in_english_too(client, admin_user, listing):
    _french, english = open_page(client, admin_user, listing[0])
    with translation.override("en"):
        response = client.get(english)
    assert response.status_code == 200
    assert response.context["LANGUAGE_CODE"] == "en"


def test_editor_cannot_accept_a_change_to_a_record_they_may_not_edit(
    client, editor, django_user_model, listing
):
    """A staff member without the record's change permission cannot write it through the queue."""
    organization = listing[0]
    french, _english = open_page(client, editor, organization)
    data = form_data(client, french)
    data[f"organization-{organization.pk}-website"] = "https://nouveau.example.org"
    client.post(french, data)
    reader = django_user_model.objects.create_user("lecteur", None, None, is_staff=True)
    reader.user_permissions.set(
        Permission.objects.filter(codename__in=["view_proposedchange", "view_organization"])
    )
    client.force_login(reader)
    change = ProposedChange.objects.get()
    client.post(
        reverse("admin:resources_proposedchange_changelist"),
        {"action": "accept_changes", "_selected_action": [change.pk]},
    )
    organization.refresh_from_db()
    assert organization.website == ""
    assert ProposedChange.objects.get().state == "pending"
    assert client.get(reverse("admin:resources_verification_send_overdue")).status_code == 403


def test_organization_admin_page_offers_the_request(client, editor, listing):
    client.force_login(editor)
    page = client.get(reverse("admin:resources_organization_change", args=[listing[0].pk]))
    assert page.status_code == 200
    assert reverse("admin:resources_verification_send", args=[listing[0].pk]) in (
        page.content.decode()
    )


def test_mark_verified_stamps_the_staff_account(client, editor):
    organization = make_organization(assured_date=LONG_AGO)
    service = make_service(organization, assured_date=LONG_AGO)
    client.force_login(editor)
    client.post(
        reverse("admin:resources_organization_changelist"),
        {"action": "mark_verified", "_selected_action": [organization.pk]},
    )
    for record in (Organization.objects.get(), Service.objects.get(pk=service.pk)):
        assert record.assured_date == timezone.localdate()
        assert record.verified_by == editor and record.verification_source == "staff"
        assert record.assurer == "Éva"


# Open data ------------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_organization_verification_travels_in_the_hsds_profile(
    client, editor, listing, tmp_path, file_format
):
    """The organization's assured_date and who confirmed it are `x211_` extras (HSDS 3.0 has
    none for organizations), the staff account never; an import of the export restores them,
    and export → import → export stays byte-identical."""
    from django.core.management import call_command

    from tests.opendata.helpers import assert_round_trip_identical

    organization, service, *_ = listing
    french, _english = open_page(client, editor, organization)
    client.get(french)
    client.post(french, {"action": "confirm"})
    call_command("export_hsds", tmp_path / "out", format=file_format)
    files = {p.name: p.read_text() for p in (tmp_path / "out").iterdir()}
    if file_format == "json":
        import json

        (row,) = json.loads(files["organizations.json"])
        assert row["x211_assured_date"] == timezone.localdate().isoformat()
        assert row["x211_assurer"] == "Maison Exemple"
        assert row["x211_verification_source"] == "organization"
    else:
        assert "x211_assured_date" in files["organizations.csv"].splitlines()[0]
    everything = "".join(files.values())
    assert "editrice" not in everything and "Éva" not in everything
    assert "verified_by" not in everything
    assert_round_trip_identical(tmp_path, file_format, "fr")
    restored = Organization.objects.get(uuid=organization.uuid)
    assert restored.assured_date == timezone.localdate()
    assert restored.verification_source == "organization"
    assert restored.verified_by is None
    assert Service.objects.get(uuid=service.uuid).verification_source == "organization"


def test_dashboard_counts_the_public_error_reports_still_to_handle(client, admin_user):
    service = make_service()
    CorrectionRequest.objects.create(service=service, kinds=["phone"], text="Mauvais numéro")
    CorrectionRequest.objects.create(
        service=service, kinds=["hours"], text="Fermé le lundi", state="accepted"
    )
    client.force_login(admin_user)

    dashboard = client.get(reverse("admin:index")).context["dashboard"]

    assert dashboard["new_corrections"] == 1
    queue = client.get(dashboard["corrections_url"])
    assert queue.context["cl"].result_count == 1

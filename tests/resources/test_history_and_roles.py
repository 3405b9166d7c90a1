"""Staff roles, sign-in and change history (docs/staff.md): through the admin's pages, as an
editor and as an administrator, and the management commands."""

import datetime
import re
from html import unescape
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from resources.models import Organization, Phone, Service
from resources.roles import ADMINISTRATOR, EDITOR
from tests.factories import make_phone, make_service

pytestmark = pytest.mark.django_db

PASSWORD = "un mot de passe assez long 2026"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Sign-ins here are many: a fast hasher (the real one takes about a second each)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def admin_url(model, view, *args):
    return reverse(f"admin:resources_{model._meta.model_name}_{view}", args=args)


def staff(role, username="julie", **fields):
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, is_staff=True)
    for name, value in fields.items():
        setattr(user, name, value)
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor():
    return staff(EDITOR, first_name="Julie", last_name="Fortin")


@pytest.fixture
def administrator():
    return staff(ADMINISTRATOR, "marc")


def form_data(response, **changes):
    """What the admin page's form posts back as it is (main form, inline forms and their
    management forms), with `changes` on the main form."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            elif value is not None:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{formset.prefix}-{name}"] = str(management[name].value())
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(formset.initial_forms))
        for form in formset.initial_forms:
            add(form)
    data.update(changes)
    return data


def edit(client, obj, **changes):
    url = admin_url(type(obj), "change", obj.pk)
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, form_data(page, **changes))


def history_page(client, obj):
    response = client.get(admin_url(type(obj), "history", obj.pk))
    assert response.status_code == 200
    return response.content.decode()


def text_of(html):
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


# Change history ---------------------------------------------------------------------------------


def test_history_shows_each_languages_changes_with_who_and_why(client, editor):
    service = make_service(
        description_fr="Épicerie d'urgence une fois par mois.",
        description_en="Emergency groceries once a month.",
    )
    client.force_login(editor)
    form = client.get(admin_url(Service, "change", service.pk)).content.decode()
    assert "Raison du changement" in form and 'name="change_reason"' in form
    response = edit(
        client,
        service,
        description_fr="Épicerie d'urgence deux fois par mois.",
        description_en="Emergency groceries twice a month.",
        change_reason="Appel à l'organisme le 3 décembre",
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    service.refresh_from_db()
    assert service.description_fr == "Épicerie d'urgence deux fois par mois."
    last = service.history.first()
    assert (last.history_user, last.history_change_reason) == (
        editor,
        "Appel à l'organisme le 3 décembre",
    )

    html = history_page(client, service)
    text = text_of(html)
    assert "Description (français)" in text and "Description (anglais)" in text
    assert "<del>une</del>" in html and "<ins>deux</ins>" in html
    assert "<del>once</del>" in html and "<ins>twice</ins>" in html
    assert "Julie Fortin" in text and "Appel à l'organisme le 3 décembre" in text
    # Untouched fields and the untranslated column are not listed as changes; no "None".
    assert "Nom (français)" not in text.split("Appel à l'organisme")[1].split("Première")[0]
    assert "None" not in text and "Changes" not in text
    # The first version (the factory's: no account), its values behind a summary.
    assert "Première version" in text and "aucun compte" in text


def test_history_names_choices_and_yes_no_and_blank_values(admin_client):
    service = make_service(status="active", is_free=False)
    edit(admin_client, service, status="inactive", is_free="on", alert_fr="Fermé en janvier.")
    text = text_of(history_page(admin_client, service))
    assert re.search(r"actif\s+inactif", text)
    assert re.search(r"non\s+oui", text)
    assert "(vide)" in text and "Fermé en janvier." in text
    assert "Raison du changement" in text and "—" in text  # no reason given: a dash


def test_an_inline_edit_carries_the_listings_reason(admin_client):
    service = make_service()
    phone = make_phone("450 555-0150", service=service)
    page = admin_client.get(admin_url(Service, "change", service.pk))
    data = form_data(page, change_reason="Nouveau numéro")
    prefix = next(k for k in data if k.endswith("-0-number"))
    data[prefix] = "450 555-0151"
    assert admin_client.post(admin_url(Service, "change", service.pk), data).status_code == 302
    phone.refresh_from_db()
    assert phone.number == "450 555-0151"
    assert phone.history.first().history_change_reason == "Nouveau numéro"


def test_restoring_a_version_brings_back_both_languages(admin_client):
    service = make_service(description_fr="Version un.", description_en="Version one.")
    first = service.history.get()
    edit(admin_client, service, description_fr="Version deux.", description_en="Version two.")
    version_page = admin_url(Service, "simple_history", service.pk, first.history_id)
    page = admin_client.get(version_page)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Rétablir" in html and "Version one." in html
    data = form_data(page)
    data.pop("change_reason", None)
    response = admin_client.post(version_page, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    service.refresh_from_db()
    assert (service.description_fr, service.description_en) == ("Version un.", "Version one.")
    restored = service.history.first()
    assert restored.history_change_reason.startswith("Retour à la version du ")
    text = text_of(history_page(admin_client, service))
    assert "Retour à la version du" in text


def test_an_english_admin_gets_english_labels(admin_client):
    """The admin speaks the staff member's language (Accept-Language; French by default)."""
    service = make_service(description_fr="Un.", description_en="One.")
    edit(admin_client, service, description_en="Two.")
    english = admin_client.get(
        admin_url(Service, "history", service.pk), headers={"accept-language": "en"}
    )
    assert "Description (English)" in text_of(english.content.decode())
    french = history_page(admin_client, service)
    assert "Description (anglais)" in text_of(french)


def test_loaded_records_have_a_first_version(db):
    call_command("load_demo_data", stdout=StringIO())
    for model in (Organization, Service, Phone):
        assert model.objects.exists()
        versions = model.history.model.objects
        assert not model.objects.exclude(pk__in=versions.values("id")).exists()
        assert set(versions.values_list("history_type", flat=True)) == {"+"}
        assert set(versions.values_list("history_change_reason", flat=True)) == {
            settings.DIRECTORY_NAME
        }


def test_an_imported_record_has_a_first_version(db, tmp_path):
    make_service(name_fr="Comptoir d'essai")
    call_command("export_hsds", str(tmp_path / "feed"), stdout=StringIO())
    Service.history.model.objects.all().delete()
    Service.objects.all().delete()
    Organization.objects.all().delete()
    call_command("import_hsds", str(tmp_path / "feed"), stdout=StringIO())
    service = Service.objects.get()
    assert service.history.exists()
    assert service.history.last().history_type == "+"


# Roles ------------------------------------------------------------------------------------------


def test_a_fresh_database_has_both_groups():
    editor, administrator = Group.objects.get(name=EDITOR), Group.objects.get(name=ADMINISTRATOR)
    codenames = set(editor.permissions.values_list("codename", flat=True))
    assert {"change_service", "add_service", "view_service", "change_organization"} <= codenames
    assert not [c for c in codenames if c.startswith("delete_")]
    assert not editor.permissions.exclude(content_type__app_label="resources").exists()
    assert administrator.permissions.count() == Permission.objects.count()


def test_groups_are_written_again_by_migrate_without_duplicates():
    Group.objects.get(name=EDITOR).permissions.clear()
    call_command("migrate", verbosity=0)
    assert Group.objects.filter(name=EDITOR).count() == 1
    assert Group.objects.get(name=EDITOR).permissions.filter(codename="change_service").exists()


def test_an_editor_edits_but_cannot_delete_or_manage_accounts(client, editor):
    service = make_service()
    client.force_login(editor)
    assert edit(client, service, name_fr="Nom corrigé").status_code == 302
    changelist = client.get(admin_url(Service, "changelist")).content.decode()
    assert 'value="mark_verified"' in changelist
    assert 'value="delete_selected"' not in changelist
    assert client.get(admin_url(Service, "delete", service.pk)).status_code == 403
    assert client.post(admin_url(Service, "delete", service.pk), {"post": "yes"}).status_code == 403
    assert Service.objects.filter(pk=service.pk).exists()
    for url in (reverse("admin:auth_user_changelist"), reverse("admin:auth_user_add")):
        assert client.get(url).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_an_administrator_deletes_and_manages_accounts(client, administrator):
    service = make_service()
    client.force_login(administrator)
    changelist = client.get(admin_url(Service, "changelist")).content.decode()
    assert 'value="delete_selected"' in changelist
    assert client.post(admin_url(Service, "delete", service.pk), {"post": "yes"}).status_code == 302
    assert not Service.objects.filter(pk=service.pk).exists()
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    response = client.post(
        reverse("admin:auth_user_add"),
        {"username": "nouvel-editeur", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.filter(username="nouvel-editeur").exists()


# Sign-in and lockout ----------------------------------------------------------------------------


def sign_in(client, username, password, address="203.0.113.7"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def test_repeated_wrong_passwords_lock_the_account_until_reset(client, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "julie", "mauvais").status_code == 200  # the form again
    locked = sign_in(client, "julie", "mauvais")
    assert locked.status_code == 429
    assert "Connexion bloquée" in locked.content.decode()
    assert "30 minutes" in locked.content.decode()
    # The right password no longer opens it, from that address...
    assert sign_in(client, "julie", PASSWORD).status_code == 429
    # ...but the same office's other accounts, and this one elsewhere, still sign in.
    staff(EDITOR, "paul")
    assert sign_in(client, "paul", PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, "julie", PASSWORD, address="198.51.100.9").status_code == 302
    client.logout()
    # An administrator resets it: `axes_reset` (or deleting the attempt in the admin).
    call_command("axes_reset", stdout=StringIO())
    assert sign_in(client, "julie", PASSWORD).status_code == 302


def test_an_administrator_unlocks_an_account_from_the_admin(client, editor, administrator):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "julie", "mauvais")
    assert sign_in(client, "julie", PASSWORD).status_code == 429
    client.force_login(administrator)
    attempts = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert attempts.status_code == 200 and "julie" in attempts.content.decode()
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.get(username="julie")
    response = client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    client.logout()
    assert sign_in(client, "julie", PASSWORD).status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_lockout_counts_the_forwarded_address(client, editor):
    def through_proxy(address, password):
        return client.post(
            reverse("admin:login"),
            {"username": "julie", "password": password},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=address,
        )

    for _ in range(settings.AXES_FAILURE_LIMIT):
        through_proxy("203.0.113.50", "mauvais")
    assert through_proxy("203.0.113.50", PASSWORD).status_code == 429
    assert through_proxy("203.0.113.51", PASSWORD).status_code == 302


# Inviting an editor -----------------------------------------------------------------------------


def test_createeditor_mails_a_link_that_sets_the_password(client):
    out = StringIO()
    call_command(
        "createeditor",
        "sophie@example.org",
        "--first-name",
        "Sophie",
        "--last-name",
        "Gagnon",
        "--site-url",
        "http://testserver",
        stdout=out,
    )
    user = User.objects.get(email="sophie@example.org")
    assert user.is_staff and not user.is_superuser and not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [EDITOR]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sophie@example.org"]
    link = re.search(r"http://testserver(/\S+)", message.body).group(1)
    assert "sophie@example.org" in out.getvalue()

    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert 'name="new_password1"' in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
        follow=True,
    )
    assert done.status_code == 200
    user.refresh_from_db()
    assert user.has_usable_password()
    # The link served once: it no longer sets a password.
    again = client.get(link, follow=True)
    assert 'name="new_password1"' not in again.content.decode()

    client.logout()
    assert sign_in(client, user.username, PASSWORD).status_code == 302
    assert client.get(admin_url(Service, "changelist")).status_code == 200


def test_createeditor_refuses_an_address_already_used(db):
    call_command("createeditor", "sophie@example.org", stdout=StringIO())
    with pytest.raises(Exception, match="sophie@example.org"):
        call_command("createeditor", "sophie@example.org", stdout=StringIO())
    assert User.objects.filter(email="sophie@example.org").count() == 1


def test_the_invitation_link_expires(client, time_machine):
    call_command(
        "createeditor", "sophie@example.org", "--site-url", "http://testserver", stdout=StringIO()
    )
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
    time_machine.move_to(
        datetime.datetime.now(datetime.UTC)
        + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    )
    page = client.get(link, follow=True)
    assert 'name="new_password1"' not in page.content.decode()


def test_an_administrator_invites_from_the_accounts_page(client, administrator):
    """The admin's path: add the account (password-based authentication off), tick it in the
    accounts list, "Envoyer par courriel un lien pour choisir le mot de passe"."""
    invited = User.objects.create_user("sophie", "sophie@example.org", None, is_staff=True)
    invited.groups.add(Group.objects.get(name=EDITOR))
    client.force_login(administrator)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "send_invitation", "_selected_action": [invited.pk]},
        follow=True,
    )
    assert "1 invitation envoyée." in response.content.decode()
    assert [m.to for m in mail.outbox] == [["sophie@example.org"]]
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert 'name="new_password1"' in form.content.decode()

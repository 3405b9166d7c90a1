"""manage.py createeditor EMAIL [--first-name ...] [--last-name ...] [--username ...]
[--administrator] [--site-url https://...]: a staff account in the group "Éditeur" (or
"Administrateur"), without a usable password, and an email with the link that sets one
(resources/invitations.py; docs/staff.md)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from resources.invitations import invite
from resources.roles import ADMINISTRATOR, EDITOR


class Command(BaseCommand):
    help = "Crée un compte d'éditeur et lui envoie le lien pour choisir son mot de passe."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--username", help="par défaut, l'adresse courriel")
        parser.add_argument(
            "--administrator", action="store_true", help="groupe Administrateur plutôt qu'Éditeur"
        )
        parser.add_argument(
            "--site-url", help="adresse du site dans le lien (par défaut SITE_URL ou ALLOWED_HOSTS)"
        )

    def handle(self, email, first_name, last_name, username, administrator, site_url, **options):
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email}: not an email address") from error
        users = get_user_model()
        username = username or email
        if users.objects.filter(email__iexact=email).exists():
            raise CommandError(f"{email}: an account already has this address")
        if users.objects.filter(username=username).exists():
            raise CommandError(f"{username}: an account already has this username")
        role = ADMINISTRATOR if administrator else EDITOR
        with transaction.atomic():
            user = users(
                username=username,
                email=email,
                first_name=first_name,
                last_name=last_name,
                is_staff=True,
            )
            user.set_unusable_password()
            user.full_clean(exclude=["password"])
            user.save()
            user.groups.add(Group.objects.get(name=role))
        invite(user, site_url.rstrip("/") if site_url else None)
        self.stdout.write(f"{role}: {username} <{email}>, invitation sent.")

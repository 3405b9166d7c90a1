"""Staff accounts in the admin: Django's own user admin plus an action that emails the chosen
accounts the link to set their password (resources/invitations.py), the admin's path to invite
an editor (docs/staff.md). Only an administrator sees accounts (resources/roles.py)."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .invitations import invite

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    actions = ("send_invitation",)

    @admin.action(
        description=_("Envoyer par courriel un lien pour choisir le mot de passe"),
        permissions=["change"],
    )
    def send_invitation(self, request, queryset):
        base_url = request.build_absolute_uri("/").rstrip("/")
        sent = [user for user in queryset.exclude(email="") if invite(user, base_url)]
        self.message_user(
            request,
            ngettext("%(count)d invitation envoyée.", "%(count)d invitations envoyées.", len(sent))
            % {"count": len(sent)},
            messages.SUCCESS,
        )
        skipped = queryset.filter(email="").count()
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d compte sans adresse courriel n'a rien reçu.",
                    "%(count)d comptes sans adresse courriel n'ont rien reçu.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

"""Inviting staff (docs/staff.md): an account without a usable password and an email with a
link to choose one, Django's password reset token (valid PASSWORD_RESET_TIMEOUT seconds, and
once: it dies when the password changes) opening Django's own "set a password" page, under the
admin's path. Used by `manage.py createeditor` and the "Envoyer une invitation" action on the
admin's accounts."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

# Django's views and admin-styled templates (registration/password_reset_confirm.html...).
urlpatterns = [
    path(
        "invitation/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "invitation/fait/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]


def site_url():
    """Where staff reach the site: settings.SITE_URL when set, else the first allowed host."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    host = next((h for h in settings.ALLOWED_HOSTS if h not in ("*", "")), "localhost")
    return f"{'http' if settings.DEBUG else 'https'}://{host.lstrip('.')}"


def invitation_link(user, base_url=None):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return (base_url or site_url()) + reverse("password_reset_confirm", args=[uid, token])


def invite(user, base_url=None):
    """Email `user` the link that sets their password; returns the link."""
    link = invitation_link(user, base_url)
    context = {
        "user": user,
        "link": link,
        "directory": settings.DIRECTORY_NAME,
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        "admin_url": (base_url or site_url()) + reverse("admin:index"),
    }
    send_mail(
        _("Votre accès à l'administration du %(directory)s") % context,
        render_to_string("registration/invitation_email.txt", context),
        None,
        [user.email],
    )
    return link

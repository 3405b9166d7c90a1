"""The verification cycle with organizations in the loop (docs/verification.md): the requests
staff send an organization, and the changes it proposes through the request's page."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..text_limits import EXTENT, bounded_text
from .directory import Organization


class VerificationRequest(models.Model):
    """One email asking an organization to check its listing, with a signed link that expires
    (resources/verification.py). No account: the link alone opens the page, once."""

    class State(models.TextChoices):
        SENT = "sent", _("envoyée")
        CONFIRMED = "confirmed", _("confirmée sans changement")
        PROPOSED = "proposed", _("changements proposés")
        CLOSED = "closed", _("changements traités")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="verification_requests",
        verbose_name=_("organisme"),
    )
    email = models.EmailField(_("envoyée à"))
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("envoyée par"),
    )
    expires = models.DateTimeField(_("expire le"))
    state = models.CharField(_("état"), max_length=12, choices=State, default=State.SENT)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    answered_at = models.DateTimeField(_("réponse reçue le"), null=True, blank=True)
    note = bounded_text(_("remarque de l'organisme"), 2000, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("demande de vérification")
        verbose_name_plural = _("demandes de vérification")

    def __str__(self):
        return f"{self.organization} — {self.sent_at:%Y-%m-%d}"

    @property
    def is_expired(self):
        return timezone.now() >= self.expires

    @property
    def is_open(self):
        """Whether its link still opens the page: not answered, not expired."""
        return self.state == self.State.SENT and not self.is_expired


class ProposedChange(models.Model):
    """One field of one record as the organization would have it: staff accept it (the record
    takes the value, its history says "proposé par l'organisme") or reject it."""

    class State(models.TextChoices):
        PENDING = "pending", _("à traiter")
        ACCEPTED = "accepted", _("acceptée")
        REJECTED = "rejected", _("refusée")

    request = models.ForeignKey(
        VerificationRequest,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("demande de vérification"),
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("type de fiche")
    )
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    field = models.CharField(_("champ"), max_length=60)
    # As long as the longest field may hold; the page's form checks the field's own limit.
    current_value = bounded_text(_("valeur actuelle"), EXTENT, blank=True)
    proposed_value = bounded_text(_("valeur proposée"), EXTENT, blank=True)
    state = models.CharField(_("état"), max_length=10, choices=State, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("traitée par"),
    )
    decided_at = models.DateTimeField(_("traitée le"), null=True, blank=True)

    class Meta:
        ordering = ["request", "content_type", "object_id", "id"]
        verbose_name = _("changement proposé")
        verbose_name_plural = _("changements proposés")

    def __str__(self):
        return f"{self.record} — {self.field}"

"""Corrections the public suggests for a listing ("Signaler une erreur"), in a staff queue.

A request names its record (a service or an organization), what is wrong, a free text and, when
the person wants an answer, an email. Nothing else about the person is kept: no address, no
browser (docs/corrections-and-unmet-needs.md). Staff move it through new → in progress →
accepted or rejected; who did it and when is recorded.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..text_limits import NOTE, bounded_text


class CorrectionRequest(models.Model):
    class Kind(models.TextChoices):
        PHONE = "phone", _("Numéro de téléphone")
        ADDRESS = "address", _("Adresse")
        HOURS = "hours", _("Heures d'ouverture")
        SERVICES = "services", _("Services offerts")
        CLOSED = "closed", _("Le service ou l'organisme est fermé")
        OTHER = "other", _("Autre chose")

    class State(models.TextChoices):
        NEW = "new", _("nouvelle")
        IN_PROGRESS = "in_progress", _("en cours")
        ACCEPTED = "accepted", _("acceptée")
        REJECTED = "rejected", _("refusée")

    service = models.ForeignKey(
        "resources.Service",
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="correction_requests",
    )
    organization = models.ForeignKey(
        "resources.Organization",
        verbose_name=_("organisme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="correction_requests",
    )
    # The Kind values chosen, in the order of Kind (a list: several things may be wrong).
    kinds = models.JSONField(_("ce qui est erroné"), default=list, blank=True)
    text = bounded_text(_("précisions"), NOTE, blank=True)
    email = models.EmailField(_("courriel pour une réponse"), blank=True)
    state = models.CharField(_("état"), max_length=12, choices=State, default=State.NEW)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("traitée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    created = models.DateTimeField(_("reçue le"), auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("signalement d'erreur")
        verbose_name_plural = _("signalements d'erreur")
        indexes = [models.Index(fields=["state", "created"], name="correction_state")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service__isnull=False) | models.Q(organization__isnull=False),
                name="correction_names_a_record",
            )
        ]

    def __str__(self):
        return f"{self.record} — {self.get_state_display()}"

    @property
    def record(self):
        """The service or organization the request is about."""
        return self.service or self.organization

    def kind_labels(self):
        labels = dict(self.Kind.choices)
        return [str(labels[k]) for k in self.kinds if k in labels]

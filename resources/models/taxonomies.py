"""A feed's own classification, kept as the feed gave it: its taxonomies, their terms, and the
attributes linking its records to them (HSDS `taxonomy`, `taxonomy_term`, `attribute`).

Our reference taxonomy is `Sector` (reference.py); a feed's terms are mapped onto sectors by the
import's mapping file, never merged into them. These records are the feed's, in the feed's
language (a term keeps its language code): they are not translated, and staff read them only.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from ..text_limits import NOTE, bounded_text
from .directory import HSDSRecord
from .reference import Sector
from .schedules import Schedule

# The longest name or code a feed's taxonomy record may give (text_limits: every imported text
# is bounded; docs/hsds-profile.md lists them).
NAME = 200
CODE = 100
URI = 500


class Taxonomy(models.Model):
    """A taxonomy a feed classifies its records with (another than our sectors)."""

    uuid = models.UUIDField(_("identifiant HSDS"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("nom"), max_length=NAME)
    description = bounded_text(_("description"), NOTE, blank=True)
    uri = models.CharField(_("URI"), max_length=URI, blank=True)
    version = models.CharField(_("version"), max_length=40, blank=True)

    class Meta:
        ordering = ["name", "uuid"]
        verbose_name = _("taxonomie")
        verbose_name_plural = _("taxonomies")

    def __str__(self):
        return self.name


class TaxonomyTerm(models.Model):
    """A term of a feed's taxonomy, with its own parent (a tree of any depth)."""

    uuid = models.UUIDField(_("identifiant HSDS"), default=uuid.uuid4, unique=True, editable=False)
    taxonomy = models.ForeignKey(
        Taxonomy,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="terms",
        verbose_name=_("taxonomie"),
    )
    code = models.CharField(_("code"), max_length=CODE, blank=True)
    name = models.CharField(_("nom"), max_length=NAME)
    description = bounded_text(_("description"), NOTE, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("terme parent"),
    )
    term_uri = models.CharField(_("URI du terme"), max_length=URI, blank=True)
    language = models.CharField(
        _("langue"), max_length=35, blank=True, help_text=_("Code de langue donné par le flux.")
    )

    class Meta:
        ordering = ["taxonomy__name", "code", "uuid"]
        verbose_name = _("terme de taxonomie")
        verbose_name_plural = _("termes de taxonomie")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="taxonomyterm_not_own_parent"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}".strip() if self.code else self.name


class Attribute(models.Model):
    """A feed's link between one of its records and a term: a term of its own taxonomy, or one
    of our sectors for a record that is not a service (a service's sectors are its `sectors`)."""

    uuid = models.UUIDField(_("identifiant HSDS"), default=uuid.uuid4, unique=True, editable=False)
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attributes",
        verbose_name=_("terme"),
    )
    sector = models.ForeignKey(
        Sector,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attributes",
        verbose_name=_("secteur"),
    )
    link_entity = models.CharField(
        _("type de fiche"), max_length=40, help_text=_("Entité HSDS : service, organization...")
    )
    link_id = models.UUIDField(_("identifiant de la fiche"), db_index=True)
    link_type = models.CharField(_("type de lien"), max_length=100, blank=True)
    value = bounded_text(_("valeur"), NOTE, blank=True)
    label = models.CharField(_("libellé"), max_length=NAME, blank=True)

    class Meta:
        ordering = ["link_entity", "link_id", "uuid"]
        verbose_name = _("attribut d'un flux")
        verbose_name_plural = _("attributs d'un flux")
        constraints = [
            models.CheckConstraint(
                condition=Q(taxonomy_term__isnull=False, sector__isnull=True)
                | Q(taxonomy_term__isnull=True, sector__isnull=False),
                name="attribute_one_term",
            ),
        ]

    def __str__(self):
        return f"{self.link_entity} {self.link_id}: {self.term}"

    @property
    def term(self):
        return self.taxonomy_term or self.sector


@receiver(post_delete, dispatch_uid="attributes_follow_their_record")
def attributes_follow_their_record(sender, instance, **kwargs):
    """A deleted record (a service, a schedule...) takes its feed attributes with it: they point
    at it by uuid, not by a foreign key that would cascade. (Historical rows share the uuid of
    their record but are not HSDS records: deleting them leaves the attributes.)"""
    if isinstance(instance, (HSDSRecord, Schedule)):
        Attribute.objects.filter(link_id=instance.uuid).delete()

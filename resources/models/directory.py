"""The directory proper: organizations, their services, locations and phones (HSDS 3.0 core)."""

import uuid
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..querysets import (
    LocationQuerySet,
    OrganizationQuerySet,
    ServiceQuerySet,
    verification_due,
)
from ..text_limits import DESCRIPTION, EXTENT, NOTE, bounded_text
from .reference import (
    TERRITORY_FIELDS,
    Language,
    Municipality,
    Sector,
    coordinate_constraints,
    home_territory,
    territory_key,
    territory_names,
)


class VerificationSource(models.TextChoices):
    """Who confirmed a record's information on its `assured_date` (docs/verification.md)."""

    STAFF = "staff", _("l'équipe du répertoire")
    ORGANIZATION = "organization", _("l'organisme")


class HSDSRecord(models.Model):
    """Every HSDS object keeps a UUID: its `id` in imports, exports and the API."""

    uuid = models.UUIDField(_("identifiant HSDS"), default=uuid.uuid4, unique=True, editable=False)
    created = models.DateTimeField(_("créé le"), auto_now_add=True)
    modified = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class VerifiedRecord(models.Model):
    """The verification stamp an organization and a service both carry: when, who as open data
    says it (`assurer`), whether staff or the organization itself confirmed it (through a
    verification request, resources/verification.py), and which staff account answers for it
    (never exported: docs/verification.md)."""

    assured_date = models.DateField(
        _("dernière vérification"),
        null=True,
        blank=True,
        help_text=_("Date où l'information a été confirmée auprès de l'organisme."),
    )
    assurer = models.CharField(_("vérifié par"), max_length=120, blank=True)
    verification_source = models.CharField(
        _("confirmé par"), max_length=20, choices=VerificationSource, blank=True
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsable de la vérification"),
    )

    class Meta:
        abstract = True

    @property
    def verification_due(self):
        """Never verified, or not for more than 12 months: the page asks people to call first."""
        return verification_due(self.assured_date)


class Organization(VerifiedRecord, HSDSRecord):
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    alternate_name = models.CharField(_("autre nom ou sigle"), max_length=200, blank=True)
    description = bounded_text(_("description"), DESCRIPTION)
    website = models.URLField(_("site web"), blank=True)
    email = models.EmailField(_("courriel"), blank=True, validators=[EmailValidator()])
    legal_status = models.CharField(_("statut juridique"), max_length=120, blank=True)
    year_incorporated = models.PositiveSmallIntegerField(
        _("année de fondation"), null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisme")
        verbose_name_plural = _("organismes")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resources:organization-detail", args=[self.slug])


class Service(VerifiedRecord, HSDSRecord):
    """What people actually come for ("Aide alimentaire d'urgence"), offered by an organization."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("actif")
        INACTIVE = "inactive", _("inactif")
        DEFUNCT = "defunct", _("fermé définitivement")
        TEMPORARILY_CLOSED = "temporarily closed", _("fermé temporairement")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="services", verbose_name=_("organisme")
    )
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    alternate_name = models.CharField(_("autre nom"), max_length=200, blank=True)
    description = bounded_text(_("description"), DESCRIPTION)
    url = models.URLField(_("page web"), blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    status = models.CharField(_("statut"), max_length=20, choices=Status, default=Status.ACTIVE)
    alert = models.CharField(
        _("avis"), max_length=300, blank=True, help_text=_("Par exemple « Fermé pour travaux ».")
    )
    eligibility_description = bounded_text(_("admissibilité"), NOTE, blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("âge minimum"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("âge maximum"), null=True, blank=True)
    is_free = models.BooleanField(_("gratuit"), default=False)
    fees_description = bounded_text(_("frais"), NOTE, blank=True)
    application_process = bounded_text(_("comment faire une demande"), NOTE, blank=True)
    required_documents = bounded_text(_("documents requis"), NOTE, blank=True)
    interpretation_services = models.CharField(_("interprétation"), max_length=300, blank=True)
    languages = models.ManyToManyField(
        Language, related_name="services", blank=True, verbose_name=_("langues offertes")
    )
    sectors = models.ManyToManyField(
        Sector, related_name="services", blank=True, verbose_name=_("secteurs")
    )

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="service_min_age_not_above_max",
            ),
            models.CheckConstraint(
                condition=Q(maximum_age__isnull=True) | Q(maximum_age__lte=130),
                name="service_max_age_plausible",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "inactive", "defunct", "temporarily closed"]),
                name="service_status_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resources:service-detail", args=[self.slug])


class GeocodeSource(models.TextChoices):
    """Where a location's point comes from, most precise first (resources/geocoding.py)."""

    MANUAL = "manual", _("placé à la main")
    GEOCODER = "geocoder", _("service de géocodage")
    POSTAL_PREFIX = "postal_prefix", _("centre du préfixe postal")
    MUNICIPALITY = "municipality", _("centre de la municipalité")


class Location(HSDSRecord):
    class Type(models.TextChoices):
        PHYSICAL = "physical", _("lieu physique")
        POSTAL = "postal", _("adresse postale")
        VIRTUAL = "virtual", _("en ligne ou par téléphone")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="locations",
        verbose_name=_("organisme"),
    )
    name = models.CharField(_("nom"), max_length=200, blank=True)
    location_type = models.CharField(_("type"), max_length=10, choices=Type, default=Type.PHYSICAL)
    url = models.URLField(
        _("adresse web"),
        blank=True,
        help_text=_("Pour un lieu en ligne : la page du clavardage, du formulaire ou de l'appel."),
    )
    description = bounded_text(_("description"), NOTE, blank=True)
    address_1 = models.CharField(_("adresse"), max_length=200, blank=True)
    address_2 = models.CharField(_("complément d'adresse"), max_length=200, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="locations",
        null=True,
        blank=True,
        verbose_name=_("municipalité"),
    )
    postal_code = models.CharField(_("code postal"), max_length=7, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # Where the point comes from and how close it is (resources/geocoding.py): set by the admin's
    # form; empty for a point an import or the demo loaded.
    geocode_source = models.CharField(
        _("source du point"), max_length=13, choices=GeocodeSource, blank=True
    )
    geocode_precision = models.PositiveIntegerField(
        _("précision du point (m)"),
        null=True,
        blank=True,
        help_text=_("Rayon approximatif, en mètres, dans lequel se trouve le lieu."),
    )
    wheelchair_accessible = models.BooleanField(
        _("accessible en fauteuil roulant"),
        null=True,
        blank=True,
        default=None,
        help_text=_("Laissez « Inconnu » tant que personne ne l'a vérifié."),
    )
    accessibility = bounded_text(_("accessibilité"), NOTE, blank=True)
    transportation = bounded_text(_("transport en commun"), NOTE, blank=True)
    is_confidential = models.BooleanField(
        _("adresse confidentielle"),
        default=False,
        help_text=_(
            "Maison d'hébergement, par exemple : l'adresse et le point sur la carte ne sont "
            "jamais affichés ni exportés, seulement la municipalité."
        ),
    )

    objects = LocationQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "name"]
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")
        constraints = [
            *coordinate_constraints("location"),
            models.CheckConstraint(
                condition=Q(location_type__in=["physical", "postal", "virtual"]),
                name="location_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(geocode_source__in=["", *GeocodeSource.values]),
                name="location_geocode_source_valid",
            ),
        ]

    def __str__(self):
        return (
            self.name
            or f"{self.organization} — {self.municipality or self.get_location_type_display()}"
        )

    @property
    def has_point(self):
        return self.latitude is not None and not self.is_confidential

    @property
    def directions_url(self):
        """Directions to this place (settings DIRECTIONS_URL, to its point; without one,
        DIRECTIONS_SEARCH_URL, a search for its address). None for a confidential place, an
        online one, a postal address or a place with neither point nor street address."""
        if self.is_confidential or self.location_type != self.Type.PHYSICAL:
            return None
        if self.latitude is not None and self.longitude is not None:
            return directions_to_point(self.latitude, self.longitude)
        if not self.address_1:
            return None
        municipality = self.municipality.name_fr if self.municipality else ""
        address = ", ".join(
            part for part in (self.address_1, municipality, "QC", self.postal_code) if part
        )
        return settings.DIRECTIONS_SEARCH_URL.format(address=quote(address, safe=""))


def directions_to_point(latitude, longitude):
    """Directions to a public point (settings DIRECTIONS_URL): a location's, or a result
    card's (search/ranking.py), which holds public points only."""
    return settings.DIRECTIONS_URL.format(
        lat=quote(f"{latitude:.6f}"), lon=quote(f"{longitude:.6f}")
    )


class ServiceAtLocation(HSDSRecord):
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        related_name="service_at_locations",
        verbose_name=_("service"),
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        related_name="service_at_locations",
        verbose_name=_("lieu"),
    )
    description = bounded_text(_("description"), NOTE, blank=True)

    class Meta:
        verbose_name = _("service offert à un lieu")
        verbose_name_plural = _("services offerts à un lieu")
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="unique_service_location"),
        ]

    def __str__(self):
        return f"{self.service} @ {self.location}"


class DialledNumber:
    """How a number with its `number` and `extension` reads and dials (a Phone, or the phone of
    a search result card)."""

    def __str__(self):
        return f"{self.number} #{self.extension}" if self.extension else self.number

    @property
    def tel_href(self):
        digits = "".join(c for c in self.number if c.isdigit())
        return f"tel:{digits};ext={self.extension}" if self.extension else f"tel:{digits}"

    @property
    def sms_href(self):
        return "sms:" + "".join(c for c in self.number if c.isdigit())


class Phone(DialledNumber, HSDSRecord):
    class Type(models.TextChoices):
        VOICE = "voice", _("téléphone")
        TEXT = "text", _("texto")
        FAX = "fax", _("télécopieur")
        TTY = "textphone", _("ATS")
        CELL = "cell", _("cellulaire")
        VIDEO = "video", _("vidéo")
        PAGER = "pager", _("téléavertisseur")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="phones", null=True, blank=True
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="phones", null=True, blank=True
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="phones", null=True, blank=True
    )
    number = models.CharField(_("numéro"), max_length=30)
    extension = models.CharField(_("poste"), max_length=10, blank=True)
    type = models.CharField(_("type"), max_length=10, choices=Type, default=Type.VOICE)
    description = models.CharField(_("description"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    languages = models.ManyToManyField(
        Language, related_name="phones", blank=True, verbose_name=_("langues parlées")
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("téléphone")
        verbose_name_plural = _("téléphones")
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False)
                | Q(service__isnull=False)
                | Q(location__isnull=False),
                name="phone_has_owner",
            ),
        ]


class CostOption(HSDSRecord):
    """A price of a service (HSDS `cost_option`): an amount in a currency, for whom (`option`),
    for a period. The service's "free" flag stays staff's to set: a cost option only informs."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="cost_options", verbose_name=_("service")
    )
    option = models.CharField(
        _("pour qui ou quoi"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple « Moins de 18 ans » ou « Par séance »."),
    )
    amount = models.DecimalField(
        _("montant"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("devise"), max_length=3, default="CAD", blank=True)
    amount_description = models.CharField(_("précisions"), max_length=300, blank=True)
    valid_from = models.DateField(_("valide à partir du"), null=True, blank=True)
    valid_to = models.DateField(_("valide jusqu'au"), null=True, blank=True)

    class Meta:
        ordering = ["amount", "id"]
        verbose_name = _("tarif")
        verbose_name_plural = _("tarifs")

    def __str__(self):
        return self.option or self.amount_description or str(self.amount or "")


class ServiceArea(HSDSRecord):
    """Where a service is offered: listed municipalities, or a whole territory by its scope."""

    class Scope(models.TextChoices):
        LOCAL = "local", _("municipalités nommées")
        MRC = "mrc", _("toute la MRC")
        REGION = "region", _("toute la région")
        METRO = "metro", _("grand Montréal")
        PROVINCE = "province", _("tout le Québec")

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_areas", verbose_name=_("service")
    )
    scope = models.CharField(_("portée"), max_length=10, choices=Scope, default=Scope.LOCAL)
    # Which MRC or region a scope "mrc" or "region" covers (the gazetteer's code); blank: the
    # site's home one (settings.DIRECTORY_MRC_CODE / DIRECTORY_REGION_CODE).
    territory_code = models.CharField(
        _("territoire"),
        max_length=5,
        blank=True,
        help_text=_("La MRC ou la région de la portée ; vide : celle du répertoire."),
    )
    municipalities = models.ManyToManyField(
        Municipality, related_name="service_areas", blank=True, verbose_name=_("municipalités")
    )
    name = models.CharField(
        _("nom"),
        max_length=200,
        blank=True,
        help_text=_("Vide : les municipalités nommées, ou la portée."),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    extent = bounded_text(
        _("tracé"), EXTENT, blank=True, help_text=_("Le territoire dessiné (GeoJSON, KML...).")
    )
    extent_type = models.CharField(_("format du tracé"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("territoire desservi")
        verbose_name_plural = _("territoires desservis")
        constraints = [
            models.CheckConstraint(
                condition=Q(scope__in=["local", "mrc", "region", "metro", "province"]),
                name="servicearea_scope_valid",
            ),
        ]

    def __str__(self):
        return self.name or self.description or str(self.scope_label())

    @property
    def territory(self):
        """The code of the MRC or region this area covers ("" for the other scopes)."""
        if self.scope not in TERRITORY_FIELDS:
            return ""
        return self.territory_code or home_territory(self.scope)

    @property
    def covered_key(self):
        """The key of the whole territory this area covers (reference.territory_key), or None
        for named municipalities."""
        if self.scope == self.Scope.LOCAL:
            return None
        return territory_key(self.scope, self.territory_code)

    def territory_name(self):
        """The gazetteer's name of the MRC or region covered (its code when it has none)."""
        code = self.territory
        return territory_names().get((self.scope, code)) or code

    def scope_label(self):
        """The scope as shown: "toute la MRC de Joliette", "toute la région (Laval)"."""
        if self.scope == self.Scope.MRC:
            return _("toute la MRC de %(name)s") % {"name": self.territory_name()}
        if self.scope == self.Scope.REGION:
            return _("toute la région (%(name)s)") % {"name": self.territory_name()}
        return self.get_scope_display()

    def clean(self):
        super().clean()
        if self.scope not in TERRITORY_FIELDS:
            if self.territory_code:
                raise ValidationError(
                    {"territory_code": _("Seules les portées MRC et région nomment un territoire.")}
                )
            return
        field = TERRITORY_FIELDS[self.scope][0]
        if (
            self.territory_code
            and not Municipality.objects.filter(**{field: self.territory_code}).exists()
        ):
            raise ValidationError(
                {
                    "territory_code": _(
                        "Aucune municipalité du répertoire n'est dans ce territoire (%(code)s)."
                    )
                    % {"code": self.territory_code}
                }
            )


def serving_condition(municipality, prefix="service_areas__"):
    """The Q "a service area (through `prefix`) covers `municipality`": named, or a whole
    territory holding it (Municipality.covering_scopes); an MRC or region area with a blank
    territory covers the home one."""
    condition = Q(**{f"{prefix}municipalities": municipality})
    for key in municipality.covering_scopes():
        scope, _sep, code = key.partition(":")
        codes = [code] + ([""] if code and code == home_territory(scope) else [])
        if code:
            condition |= Q(**{f"{prefix}scope": scope, f"{prefix}territory_code__in": codes})
        else:
            condition |= Q(**{f"{prefix}scope": scope})
    return condition

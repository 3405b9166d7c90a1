"""Reference data: places, postal prefixes, sectors (the taxonomy) and languages."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..folding import fold
from ..memory import KeptInMemory
from ..text_limits import NOTE, bounded_text


def coordinate_constraints(prefix, nullable=True):
    """Check constraints keeping a latitude/longitude pair in range (and both set or both empty)."""
    lat, lon = Q(latitude__gte=-90, latitude__lte=90), Q(longitude__gte=-180, longitude__lte=180)
    if nullable:
        both_or_none = Q(latitude__isnull=True, longitude__isnull=True) | Q(
            latitude__isnull=False, longitude__isnull=False
        )
        lat |= Q(latitude__isnull=True)
        lon |= Q(longitude__isnull=True)
        extra = [models.CheckConstraint(condition=both_or_none, name=f"{prefix}_lat_lon_together")]
    else:
        extra = []
    return [
        models.CheckConstraint(condition=lat, name=f"{prefix}_latitude_range"),
        models.CheckConstraint(condition=lon, name=f"{prefix}_longitude_range"),
        *extra,
    ]


# The scopes whose territory is one MRC or one region of the gazetteer, and the Municipality
# fields holding that territory's code and name.
TERRITORY_FIELDS = {"mrc": ("mrc_code", "mrc_name"), "region": ("region_code", "region_name")}


def home_territory(scope):
    """The code of the site's home MRC or region (settings), what a blank territory means."""
    return {"mrc": settings.DIRECTORY_MRC_CODE, "region": settings.DIRECTORY_REGION_CODE}[scope]


def territory_key(scope, code=""):
    """The territory a service area of `scope` covers, as one key: "province", "metro",
    "mrc:610", "region:14" (a blank `code` of an MRC or region: the site's home one). The one
    vocabulary of Municipality.covering_scopes, the listings' `serving()` and the search index
    (search.models.served_code)."""
    if scope not in TERRITORY_FIELDS:
        return scope
    return f"{scope}:{code or home_territory(scope)}"


def territory_names():
    """{(scope, code): name} of the MRCs and regions of the gazetteer (read once per process,
    and again after an edit of a municipality: resources.memory)."""
    return _territories.get()


def _load_territory_names():
    names = {}
    rows = Municipality.objects.order_by("pk").values_list(
        "mrc_code", "mrc_name", "region_code", "region_name"
    )
    for mrc, mrc_name, region, region_name in rows:
        for key, name in ((("mrc", mrc), mrc_name), (("region", region), region_name)):
            if key[1] and not names.get(key):
                names[key] = name
    return names


class MunicipalityQuerySet(models.QuerySet):
    def in_mrc(self):
        return self.filter(mrc_code=settings.DIRECTORY_MRC_CODE)


class Municipality(models.Model):
    """A municipality or a nearby place where regional resources sit (gazetteer entry)."""

    class Kind(models.TextChoices):
        CITY = "ville", _("ville")
        PARISH = "paroisse", _("paroisse")
        MUNICIPALITY = "municipalite", _("municipalité")
        PLACE = "lieu", _("lieu")

    uuid = models.UUIDField(_("identifiant HSDS"), default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("code géographique"), max_length=10, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=120)
    normalized_name = models.CharField(max_length=120, editable=False, db_index=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind, default=Kind.CITY)
    mrc_code = models.CharField(_("code de MRC"), max_length=5, blank=True)
    mrc_name = models.CharField(_("MRC"), max_length=80, blank=True)
    region_code = models.CharField(_("code de région"), max_length=2, blank=True)
    region_name = models.CharField(_("région"), max_length=80, blank=True)
    in_metropolitan_area = models.BooleanField(
        _("dans la région métropolitaine"),
        default=False,
        help_text=_("Membre de la Communauté métropolitaine de Montréal."),
    )
    latitude = models.FloatField(_("latitude du centre"))
    longitude = models.FloatField(_("longitude du centre"))
    population = models.PositiveIntegerField(_("population (2021)"), null=True, blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipalité")
        verbose_name_plural = _("municipalités")
        constraints = coordinate_constraints("municipality", nullable=False)

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalized_name = fold(self.name_fr or self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("resources:municipality-detail", args=[self.slug])

    @property
    def in_mrc(self):
        return self.mrc_code == settings.DIRECTORY_MRC_CODE

    def covering_scopes(self):
        """The keys (`territory_key`) of the whole territories that hold this place: the
        province, its own MRC and region ("mrc:610", "region:14"), the metropolitan area. The
        one rule of "a service serves it" (the listings' `serving()` and the search's served
        keys): a service area over "toute la MRC" of MRC 610 serves a place of MRC 610 only."""
        scopes = ["province"]
        if self.mrc_code:
            scopes.append(territory_key("mrc", self.mrc_code))
        if self.region_code:
            scopes.append(territory_key("region", self.region_code))
        if self.in_metropolitan_area:
            scopes.append("metro")
        return scopes


_territories = KeptInMemory("territory-names", _load_territory_names, models=(Municipality,))


class MunicipalityAlias(models.Model):
    """Another name people use for a municipality: a former or merged one ("Le Gardeur")."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("nom"), max_length=120)
    normalized_name = models.CharField(max_length=120, editable=False, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("autre nom")
        verbose_name_plural = _("autres noms")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalized_name = fold(self.name)
        super().save(*args, **kwargs)


class PostalPrefix(models.Model):
    """A forward sortation area (first three characters of a postal code) with its centre."""

    code = models.CharField(
        _("préfixe postal"),
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^[A-Z][0-9][A-Z]$", _("Trois caractères, par ex. J5Y."))],
    )
    name = models.CharField(_("nom"), max_length=120)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    municipalities = models.ManyToManyField(
        Municipality, related_name="postal_prefixes", blank=True, verbose_name=_("municipalités")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("préfixe postal")
        verbose_name_plural = _("préfixes postaux")
        constraints = coordinate_constraints("postalprefix", nullable=False)

    def __str__(self):
        return self.code


class SectorQuerySet(models.QuerySet):
    def top_level(self):
        return self.filter(parent__isnull=True)


class Sector(models.Model):
    """A taxonomy term, on two levels (sector → subsector); HSDS `taxonomy_term`."""

    uuid = models.UUIDField(_("identifiant HSDS"), default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("secteur parent"),
    )
    name = models.CharField(_("nom"), max_length=150)
    description = bounded_text(_("description"), NOTE, blank=True)
    airs_code = models.CharField(
        _("code AIRS/211"), max_length=40, blank=True, help_text=_("Codes séparés par « | ».")
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    objects = SectorQuerySet.as_manager()

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("secteur")
        verbose_name_plural = _("secteurs")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="sector_not_own_parent"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resources:sector-detail", args=[self.slug])

    def clean(self):
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("Un sous-secteur ne peut pas avoir d'enfants.")})


class Language(models.Model):
    """A language a service is offered in (ISO 639 code)."""

    code = models.CharField(_("code ISO 639"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name = _("langue")
        verbose_name_plural = _("langues")

    def __str__(self):
        return self.name

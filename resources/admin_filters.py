"""Changelist filters of the staff admin (sector, municipality, verification age).

Each one costs at most one query for its choices and adds a subquery to the list, so the number
of queries of a changelist does not depend on the number of rows.
"""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Municipality, Sector, Service


class SectorFilter(admin.SimpleListFilter):
    """Sectors with their subsectors indented below; a sector keeps its subsectors' services."""

    title = _("secteur")
    parameter_name = "sector"

    def lookups(self, request, model_admin):
        sectors = list(Sector.objects.order_by("position", "slug"))
        children = {}
        for sector in sectors:
            children.setdefault(sector.parent_id, []).append(sector)
        choices = []
        for top in children.get(None, []):
            choices.append((top.slug, top.name))
            choices.extend((child.slug, f"— {child.name}") for child in children.get(top.pk, []))
        return choices

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        sector = Sector.objects.filter(slug=self.value()).first()
        if sector is None:
            return queryset.none()
        return queryset.filter(pk__in=Service.objects.in_sector(sector).values("pk"))


class MunicipalityFilter(admin.SimpleListFilter):
    """Municipalities named by a location or a service area; subclasses give the paths."""

    title = _("municipalité")
    parameter_name = "municipality"
    paths = ()

    def lookups(self, request, model_admin):
        used = Municipality.objects.filter(
            Q(locations__isnull=False) | Q(service_areas__isnull=False)
        ).distinct()
        return [(m.slug, m.name) for m in used.order_by("name")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        condition = Q()
        for path in self.paths:
            condition |= Q(**{f"{path}__slug": self.value()})
        return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))


class ServiceMunicipalityFilter(MunicipalityFilter):
    paths = ("service_at_locations__location__municipality", "service_areas__municipalities")


class OrganizationMunicipalityFilter(MunicipalityFilter):
    paths = ("locations__municipality", "services__service_areas__municipalities")


class VerificationAgeFilter(admin.SimpleListFilter):
    """How long ago a service was confirmed with its organization (the yearly verification)."""

    title = _("dernière vérification")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [
            ("recent", _("il y a moins de 6 mois")),
            ("aging", _("il y a 6 à 12 mois")),
            ("stale", _("il y a plus de 12 mois")),
            ("never", _("jamais")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "recent":
                return queryset.verified_within(6)
            case "aging":
                return queryset.verified_within(12).not_verified_since(6)
            case "stale":
                return queryset.not_verified_since(12).filter(assured_date__isnull=False)
            case "never":
                return queryset.filter(assured_date__isnull=True)
        return queryset

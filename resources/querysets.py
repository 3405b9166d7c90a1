"""Reads of the directory: one queryset method per filter (the listings' pages, the admin, the
API and the search index use them; the search itself reads its own index)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone


def _months_before(today, months):
    """The date `months` average months (of 365.25 / 12 days) before `today` (local today)."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=round(months * 365.25 / 12))


def verification_due(assured_date, months=12, today=None):
    """The verification rule for one record, as `not_verified_since` applies it to a queryset:
    never verified, or verified longer ago than `months` (the service page's "À vérifier")."""
    return assured_date is None or assured_date < _months_before(today, months)


def overdue_condition(months=12, today=None):
    """Never verified, or verified longer ago than `months` (Q on `assured_date`)."""
    return Q(assured_date__isnull=True) | Q(assured_date__lt=_months_before(today, months))


def due_condition(days, months=12, today=None):
    """Verified, and past `months` within the next `days` (Q on `assured_date`)."""
    limit = _months_before(today, months)
    return Q(assured_date__gte=limit, assured_date__lt=limit + datetime.timedelta(days=days))


def translated_columns(*fields):
    """Each field with its per-language columns (django-modeltranslation), for `.only()`."""
    codes = [code for code, _ in settings.LANGUAGES]
    return [name for field in fields for name in (field, *(f"{field}_{c}" for c in codes))]


def in_sector_condition(sector, lookup=""):
    """The one rule of sector membership: a service classed in `sector` or in one of its
    subsectors. `sector` may be a Sector, an OuterRef, or a value of the sector's `lookup`
    ("__uuid" for an HSDS term id). The search index stores the same family of ids
    (search.lookups.sector_family)."""
    return Q(**{f"sectors{lookup}": sector}) | Q(**{f"sectors__parent{lookup}": sector})


class VerifiedQuerySet(models.QuerySet):
    """The yearly verification of organizations and services (their `assured_date`)."""

    def not_verified_since(self, months=12, today=None):
        """The verification queue: never verified, or verified longer ago than `months` (one
        record: `verification_due`)."""
        return self.filter(overdue_condition(months, today))

    def verified_within(self, months, today=None):
        """The complement of not_verified_since(months): verified in the last `months`."""
        return self.filter(assured_date__gte=_months_before(today, months))

    def due_within(self, days, months=12, today=None):
        """Verified, and due (past `months`) in the next `days`: the dashboard's "soon due"."""
        return self.filter(due_condition(days, months, today))


class OrganizationQuerySet(VerifiedQuerySet):
    def active(self):
        return self.filter(is_active=True)


class LocationQuerySet(models.QuerySet):
    def public(self):
        """Locations whose address may be shown (confidential ones only name their municipality)."""
        return self.filter(is_confidential=False)

    def with_point(self):
        return self.public().filter(latitude__isnull=False, location_type="physical")


class ServiceQuerySet(VerifiedQuerySet):
    def active(self):
        """Listed services: active themselves, of an active organization (temporary closures stay,
        with their alert, so people learn of them)."""
        return self.filter(
            status__in=[self.model.Status.ACTIVE, self.model.Status.TEMPORARILY_CLOSED],
            organization__is_active=True,
        )

    def in_sector(self, sector):
        """Services classed in `sector` or one of its subsectors."""
        return self.filter(in_sector_condition(sector)).distinct()

    def serving(self, municipality):
        """Services whose service area covers `municipality`, by name or by a broader scope."""
        from .models.directory import serving_condition

        covered = serving_condition(municipality)
        return self.filter(pk__in=self.model.objects.filter(covered).values("pk"))

    def free(self):
        return self.filter(is_free=True)

    def for_age(self, age):
        return self.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=age),
        )

    def offered_in(self, language_code):
        return self.filter(languages__code=language_code).distinct()

    def wheelchair_accessible(self):
        return self.filter(service_at_locations__location__wheelchair_accessible=True).distinct()

    def with_listing_data(self, sector_parents=False, organization=True, details=True):
        """Everything a listing shows, in a fixed number of queries whatever the count; with
        `sector_parents`, the sectors' parents too (in the same query: resources.safety
        in_quick_exit_family reads them); without `organization`, not the organization (an
        organization's page prefetching its services gives it itself); without `details`, not
        what only the service page shows (its sectors, unless `sector_parents`, languages and
        service areas): the organization page's cards and "Ma liste". The organization's
        numbers, shown only for a service without its own or its places', are read for those
        (resources.calls.prefetch_calls)."""
        from .models import Location, Schedule, Sector

        lookups = [
            "phones",
            Prefetch(
                "service_at_locations__location",
                queryset=Location.objects.select_related("municipality"),
            ),
            Prefetch(
                "schedules",
                queryset=Schedule.objects.prefetch_related("periods", "closures"),
            ),
        ]
        if sector_parents:
            lookups.append(Prefetch("sectors", queryset=Sector.objects.select_related("parent")))
        elif details:
            lookups.append("sectors")
        if details:
            lookups += ["languages", "service_areas__municipalities"]
        queryset = self.prefetch_related(*lookups)
        return queryset.select_related("organization") if organization else queryset

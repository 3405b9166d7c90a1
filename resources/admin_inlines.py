"""Inlines of the staff admin: the parts edited on their parent's page.

Nested inlines do not exist in Django's admin, so a schedule's periods and closures are edited on
the schedule's own page, reached from the service or location page by the schedule's link.
"""

from django.contrib import admin
from django.db import models
from modeltranslation.admin import TranslationStackedInline, TranslationTabularInline

from .admin_forms import PhoneForm, ScheduleClosureForm, ScheduleForm, ServiceAreaForm
from .admin_geocoding import GeocodingLocationForm
from .models import (
    CostOption,
    Location,
    MunicipalityAlias,
    OpeningPeriod,
    Phone,
    Schedule,
    ScheduleClosure,
    Service,
    ServiceArea,
    ServiceAtLocation,
)

# A web address typed without its scheme ("example.org") is taken as https, as Django 6 will.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}

# What Location.__str__ reads, for lists and inlines showing locations.
LOCATION_LABEL = ("location__organization", "location__municipality")


class PhoneInline(TranslationTabularInline):
    model = Phone
    form = PhoneForm
    fields = ("number", "extension", "type", "description", "languages", "position")
    extra = 0


class CostOptionInline(TranslationTabularInline):
    model = CostOption
    fields = ("option", "amount", "currency", "amount_description", "valid_from", "valid_to")
    extra = 0


class ScheduleInline(TranslationTabularInline):
    """Opening periods and closures are edited on the schedule's own page (the link)."""

    model = Schedule
    form = ScheduleForm
    fields = ("description", "valid_from", "valid_to", "closed_on_holidays")
    extra = 0
    show_change_link = True


class ServiceSummaryInline(admin.TabularInline):
    """An organization's services at a glance; each is edited on its own page."""

    model = Service
    fields = ("name", "status", "assured_date")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class LocationInline(TranslationStackedInline):
    formfield_overrides = URL_FIELDS
    model = Location
    form = GeocodingLocationForm
    fields = (
        "name",
        "location_type",
        "address_1",
        "address_2",
        ("municipality", "postal_code"),
        ("latitude", "longitude"),
        ("wheelchair_accessible", "is_confidential"),
        "url",
    )
    autocomplete_fields = ("municipality",)
    extra = 0
    show_change_link = True


class ServiceAreaInline(TranslationTabularInline):
    model = ServiceArea
    form = ServiceAreaForm
    fields = ("scope", "territory_code", "municipalities", "name", "description")
    autocomplete_fields = ("municipalities",)
    extra = 0


class ServiceAtLocationInline(TranslationTabularInline):
    model = ServiceAtLocation
    fields = ("location", "description")
    autocomplete_fields = ("location",)
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*LOCATION_LABEL)


class OpeningPeriodInline(admin.TabularInline):
    model = OpeningPeriod
    extra = 1


class ScheduleClosureInline(TranslationTabularInline):
    model = ScheduleClosure
    form = ScheduleClosureForm
    fields = ("start_date", "end_date", "reason")
    extra = 0


class MunicipalityAliasInline(admin.TabularInline):
    model = MunicipalityAlias
    fields = ("name",)
    extra = 0

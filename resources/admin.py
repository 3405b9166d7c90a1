"""The staff admin: every listing and reference table, with translation tabs and change history.

Translated fields show one tab per language (modeltranslation's tabbed admin, jQuery UI served
from our static files: see JQUERY_UI_URL in settings). Changelists select or prefetch what their
columns show, so their number of queries does not grow with the number of rows.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin

from . import admin_accounts  # noqa: F401  (staff accounts: the invitation action)
from .admin_filters import (
    OrganizationMunicipalityFilter,
    SectorFilter,
    ServiceMunicipalityFilter,
    VerificationAgeFilter,
)
from .admin_forms import PhoneForm, ScheduleForm, ServiceAreaForm, ServiceForm
from .admin_geocoding import GeocodingAdminMixin
from .admin_history import HistoryAdmin
from .admin_inlines import (
    LOCATION_LABEL,
    URL_FIELDS,
    CostOptionInline,
    LocationInline,
    MunicipalityAliasInline,
    OpeningPeriodInline,
    PhoneInline,
    ScheduleClosureInline,
    ScheduleInline,
    ServiceAreaInline,
    ServiceAtLocationInline,
    ServiceSummaryInline,
)
from .admin_verification import (
    VERIFICATION_FIELDS,
    VERIFICATION_FILTERS,
    send_verification_requests,
    verification_requests_link,
)
from .models import (
    Attribute,
    Language,
    Location,
    Municipality,
    Organization,
    Phone,
    PostalPrefix,
    Schedule,
    Sector,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from .models.directory import VerificationSource

admin.site.site_header = _("Répertoire 211 — administration")
admin.site.site_title = _("Répertoire 211")

RECORD_FIELDS = ("uuid", "created", "modified")


class HistoryTranslationAdmin(HistoryAdmin, TabbedTranslationAdmin):
    """Translation tabs plus the "History" page of the records simple_history tracks, with its
    field-by-field changes and the change form's reason (admin_history.py)."""

    formfield_overrides = URL_FIELDS


def mark_services_verified(request, services):
    """Stamp today's date and the staff member's name on `services` (or organizations), one
    save each so that every record's history records the verification. Without a full name on
    the account, the directory's name: `assurer` is open data, and a sign-in name never is
    (the account itself is kept in `verified_by`, never exported)."""
    today = timezone.localdate()
    assurer = request.user.get_full_name() or settings.DIRECTORY_NAME
    count = 0
    for service in services:
        service.assured_date, service.assurer = today, assurer
        service.verification_source, service.verified_by = VerificationSource.STAFF, request.user
        service.save(update_fields=[*VERIFICATION_FIELDS, "modified"])
        count += 1
    return count


def report_verified(model_admin, request, count):
    message = ngettext(
        "%(count)d service marqué comme vérifié aujourd'hui.",
        "%(count)d services marqués comme vérifiés aujourd'hui.",
        count,
    ) % {"count": count}
    model_admin.message_user(request, message, messages.SUCCESS)


# The directory ----------------------------------------------------------------------------------


@admin.register(Organization)
class OrganizationAdmin(HistoryTranslationAdmin):
    list_display = (
        "name",
        "service_count",
        "assured_date",
        "oldest_verification",
        "is_active",
        "modified",
    )
    list_filter = ("is_active", OrganizationMunicipalityFilter, *VERIFICATION_FILTERS)
    search_fields = ("name_fr", "name_en", "alternate_name_fr", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = (*RECORD_FIELDS, verification_requests_link)
    fieldsets = (
        (None, {"fields": ("name", "slug", "alternate_name", "description", "is_active")}),
        (_("Coordonnées"), {"fields": ("website", "email")}),
        (_("Statut"), {"fields": ("legal_status", "year_incorporated")}),
        (_("Vérification"), {"fields": (*VERIFICATION_FIELDS, verification_requests_link)}),
        (_("Identifiants"), {"fields": RECORD_FIELDS, "classes": ("collapse",)}),
    )
    inlines = (ServiceSummaryInline, LocationInline, PhoneInline)
    actions = ("mark_verified", send_verification_requests)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _service_count=Count("services", distinct=True),
                _oldest_verification=Min("services__assured_date"),
                _never_verified=Count(
                    "services", filter=Q(services__assured_date__isnull=True), distinct=True
                ),
            )
        )

    @admin.display(description=_("services"), ordering="_service_count")
    def service_count(self, organization):
        return organization._service_count

    @admin.display(description=_("plus ancienne vérification"), ordering="_oldest_verification")
    def oldest_verification(self, organization):
        """The service longest without verification: a never verified one comes first."""
        if organization._never_verified:
            return _("jamais")
        return organization._oldest_verification

    @admin.action(description=_("Marquer comme vérifiés aujourd'hui, avec leurs services"))
    def mark_verified(self, request, queryset):
        mark_services_verified(request, queryset)
        services = Service.objects.filter(organization__in=queryset)
        report_verified(self, request, mark_services_verified(request, services))


@admin.register(Service)
class ServiceAdmin(HistoryTranslationAdmin):
    form = ServiceForm
    list_display = ("name", "organization", "status", "assured_date", "modified")
    list_filter = (
        SectorFilter,
        ServiceMunicipalityFilter,
        "status",
        VerificationAgeFilter,
        *VERIFICATION_FILTERS,
        "is_free",
    )
    list_select_related = ("organization",)
    search_fields = ("name_fr", "name_en", "alternate_name_fr", "slug", "organization__name_fr")
    autocomplete_fields = ("organization", "sectors", "languages")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = (*RECORD_FIELDS, "feed_attributes")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "organization",
                    "name",
                    "slug",
                    "alternate_name",
                    "description",
                    ("status", "alert"),
                )
            },
        ),
        (_("Secteurs et langues"), {"fields": ("sectors", "languages", "interpretation_services")}),
        (
            _("Admissibilité et frais"),
            {
                "fields": (
                    "eligibility_description",
                    ("minimum_age", "maximum_age"),
                    "is_free",
                    "fees_description",
                    "application_process",
                    "required_documents",
                )
            },
        ),
        (_("Coordonnées"), {"fields": ("url", "email")}),
        (_("Vérification"), {"fields": VERIFICATION_FIELDS}),
        (_("Classement d'un flux importé"), {"fields": ("feed_attributes",)}),
        (_("Identifiants"), {"fields": RECORD_FIELDS, "classes": ("collapse",)}),
    )
    inlines = (
        PhoneInline,
        CostOptionInline,
        ServiceAreaInline,
        ServiceAtLocationInline,
        ScheduleInline,
    )
    actions = ("mark_verified",)

    @admin.action(description=_("Marquer comme vérifiés aujourd'hui"))
    def mark_verified(self, request, queryset):
        report_verified(self, request, mark_services_verified(request, queryset))

    @admin.display(description=_("attributs du flux"))
    def feed_attributes(self, service):
        """What an imported feed said of the service with its own taxonomy (read only)."""
        found = Attribute.objects.filter(link_entity="service", link_id=service.uuid)
        found = found.select_related("taxonomy_term__taxonomy", "sector")
        if not service.pk or not found:
            return _("Aucun")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} <small>({})</small>{}</li>",
                (
                    (
                        a.term,
                        (a.taxonomy_term.taxonomy or "—") if a.taxonomy_term_id else _("secteurs"),
                        " — ".join(["", *filter(None, (a.link_type, a.label, a.value))]),
                    )
                    for a in found
                ),
            ),
        )


@admin.register(Location)
class LocationAdmin(GeocodingAdminMixin, HistoryTranslationAdmin):
    list_display = (
        "__str__",
        "organization",
        "municipality",
        "location_type",
        "wheelchair_accessible",
        "is_confidential",
    )
    list_filter = ("location_type", "wheelchair_accessible", "is_confidential", "geocode_source")
    list_select_related = ("organization", "municipality")
    search_fields = (
        "name_fr",
        "name_en",
        "address_1",
        "postal_code",
        "organization__name_fr",
        "municipality__name_fr",
    )
    autocomplete_fields = ("organization", "municipality")
    readonly_fields = (*RECORD_FIELDS, "point_on_map")
    fieldsets = (
        (None, {"fields": ("organization", "name", "location_type", "url", "description")}),
        (
            _("Adresse"),
            {
                "fields": ("address_1", "address_2", ("municipality", "postal_code")),
            },
        ),
        (
            _("Coordonnées géographiques"),
            {
                "fields": (("latitude", "longitude"), "point_on_map"),
                "description": _("En degrés décimaux, par exemple 45.7422 et -73.4501."),
            },
        ),
        (
            _("Accès"),
            {
                "fields": (
                    "wheelchair_accessible",
                    "accessibility",
                    "transportation",
                    "is_confidential",
                )
            },
        ),
        (_("Identifiants"), {"fields": RECORD_FIELDS, "classes": ("collapse",)}),
    )
    inlines = (PhoneInline, ScheduleInline)


@admin.register(ServiceAtLocation)
class ServiceAtLocationAdmin(HistoryTranslationAdmin):
    list_display = ("service", "location")
    list_select_related = ("service", *LOCATION_LABEL)
    search_fields = ("service__name_fr", "location__name_fr", "location__organization__name_fr")
    autocomplete_fields = ("service", "location")
    readonly_fields = RECORD_FIELDS
    inlines = (ScheduleInline,)


@admin.register(Phone)
class PhoneAdmin(HistoryTranslationAdmin):
    form = PhoneForm
    list_display = ("__str__", "type", "organization", "service", "location")
    list_filter = ("type",)
    list_select_related = ("organization", "service", *LOCATION_LABEL)
    search_fields = ("number", "description_fr", "organization__name_fr", "service__name_fr")
    autocomplete_fields = ("organization", "service", "location")
    readonly_fields = RECORD_FIELDS


@admin.register(ServiceArea)
class ServiceAreaAdmin(HistoryTranslationAdmin):
    form = ServiceAreaForm
    list_display = ("__str__", "service", "scope", "territory_code", "municipality_names")
    list_filter = ("scope", "territory_code")
    list_select_related = ("service",)
    search_fields = ("description_fr", "service__name_fr")
    autocomplete_fields = ("service", "municipalities")
    readonly_fields = RECORD_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("municipalities")

    @admin.display(description=_("municipalités"))
    def municipality_names(self, area):
        return ", ".join(m.name for m in area.municipalities.all())


@admin.register(Schedule)
class ScheduleAdmin(HistoryTranslationAdmin):
    form = ScheduleForm
    list_display = ("__str__", "owner", "valid_from", "valid_to", "closed_on_holidays")
    list_filter = ("closed_on_holidays",)
    list_select_related = (
        "service",
        *LOCATION_LABEL,
        "service_at_location__service",
        "service_at_location__location__organization",
        "service_at_location__location__municipality",
    )
    search_fields = ("description_fr", "service__name_fr", "location__name_fr")
    autocomplete_fields = ("service", "location", "service_at_location")
    readonly_fields = ("uuid",)
    fieldsets = (
        (
            _("Horaire de…"),
            {
                "fields": ("service", "location", "service_at_location"),
                "description": _("Un seul : le service, le lieu, ou le service à un lieu."),
            },
        ),
        (None, {"fields": ("description", ("valid_from", "valid_to"), "closed_on_holidays")}),
        (_("Identifiants"), {"fields": ("uuid",), "classes": ("collapse",)}),
    )
    inlines = (OpeningPeriodInline, ScheduleClosureInline)

    @admin.display(description=_("de"))
    def owner(self, schedule):
        return schedule.service or schedule.location or schedule.service_at_location


# Reference data ---------------------------------------------------------------------------------


@admin.register(Sector)
class SectorAdmin(HistoryTranslationAdmin):
    list_display = ("name", "parent", "airs_code", "position")
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("parent",)
    search_fields = ("name_fr", "name_en", "slug", "airs_code")
    autocomplete_fields = ("parent",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("uuid",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records an import keeps as a feed gave them: staff read them (and may delete them)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Taxonomy)
class TaxonomyAdmin(ReadOnlyAdmin):
    list_display = ("name", "version", "uri", "term_count")
    search_fields = ("name", "uri")
    fields = ("name", "description", "uri", "version", "uuid", "terms")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(term_total=Count("terms"))

    @admin.display(description=_("termes"), ordering="term_total")
    def term_count(self, taxonomy):
        return taxonomy.term_total

    @admin.display(description=_("termes"))
    def terms(self, taxonomy):
        url = reverse("admin:resources_taxonomyterm_changelist")
        label = _("Voir les %(count)s termes") % {"count": taxonomy.terms.count()}
        return format_html('<a href="{}?taxonomy__id__exact={}">{}</a>', url, taxonomy.pk, label)


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "parent", "taxonomy", "language")
    list_filter = (("taxonomy", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("parent", "taxonomy")
    search_fields = ("code", "name", "uuid")
    fields = (
        "taxonomy",
        "code",
        "name",
        "description",
        "parent",
        "language",
        "term_uri",
        "uuid",
    )
    readonly_fields = fields


@admin.register(Municipality)
class MunicipalityAdmin(TabbedTranslationAdmin):
    list_display = ("name", "kind", "mrc_name", "region_name", "in_metropolitan_area")
    list_filter = ("kind", "mrc_name", "in_metropolitan_area")
    search_fields = ("name_fr", "name_en", "normalized_name", "aliases__normalized_name")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("uuid",)
    inlines = (MunicipalityAliasInline,)


@admin.register(PostalPrefix)
class PostalPrefixAdmin(TabbedTranslationAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name_fr", "name_en")
    autocomplete_fields = ("municipalities",)


@admin.register(Language)
class LanguageAdmin(TabbedTranslationAdmin):
    list_display = ("name", "code")
    search_fields = ("code", "name_fr", "name_en")


# The public's correction requests (resources/admin_corrections.py registers their queue).
from . import admin_corrections  # noqa: E402, F401

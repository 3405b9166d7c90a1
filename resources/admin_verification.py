"""Staff side of the verification cycle (resources/verification.py, docs/verification.md): the
changelist filters the admin index's dashboard links to, the verification requests (sent, by
whom, answered), the queue of proposed changes (current and proposed value per field, accepted
or rejected one by one), and the pages that send requests: to the organizations selected
(an action of the organizations' list) or to every overdue organization (the dashboard's button).
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from . import verification
from .models import Organization, ProposedChange, VerificationRequest

# Changelist filters ---------------------------------------------------------------------------


class VerificationDueFilter(admin.SimpleListFilter):
    """Overdue (never verified or more than 12 months ago) or due in the next 30 days, among
    the records the yearly verification follows (the dashboard's counts)."""

    title = _("vérification annuelle")
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("en retard (plus de 12 mois)")),
            ("due", _("à faire dans les 30 jours")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "overdue":
                return verification.followed(queryset).not_verified_since(
                    verification.OVERDUE_MONTHS
                )
            case "due":
                return verification.followed(queryset).due_within(verification.DUE_SOON_DAYS)
        return queryset


class VerifiedByFilter(admin.SimpleListFilter):
    """The staff account of the last verification ("none": never verified, or by an import)."""

    title = _("responsable de la vérification")
    parameter_name = "verified_by"

    def lookups(self, request, model_admin):
        users = get_user_model().objects.filter(is_staff=True).order_by("username")
        return [("none", _("personne")), *((str(u.pk), u.get_full_name() or u) for u in users)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(verified_by__isnull=True)
        if value and value.isdigit():
            return queryset.filter(verified_by_id=int(value))
        return queryset


VERIFICATION_FILTERS = (VerificationDueFilter, VerifiedByFilter)
VERIFICATION_FIELDS = ("assured_date", "assurer", "verification_source", "verified_by")


# Sending requests ------------------------------------------------------------------------------


# What a sending reports: the count of sent requests, of organizations without an email, of
# those with a request already open (the number picks the plural when the message is shown).
SENT_MESSAGES = (
    (
        ngettext_lazy(
            "%(count)d demande de vérification envoyée.",
            "%(count)d demandes de vérification envoyées.",
            "count",
        ),
        messages.SUCCESS,
    ),
    (
        ngettext_lazy(
            "%(count)d organisme sans courriel : appelez-le.",
            "%(count)d organismes sans courriel : appelez-les.",
            "count",
        ),
        messages.WARNING,
    ),
    (
        ngettext_lazy(
            "%(count)d organisme a déjà une demande en cours.",
            "%(count)d organismes ont déjà une demande en cours.",
            "count",
        ),
        messages.INFO,
    ),
)


def report_sent(model_admin, request, *counts):
    """One message per non-zero count of `verification.send_requests` (sent, no email, asked)."""
    for count, (message, level) in zip(counts, SENT_MESSAGES, strict=True):
        if count:
            model_admin.message_user(request, message % {"count": count}, level)


@admin.action(
    description=_("Envoyer une demande de vérification aux organismes sélectionnés"),
    permissions=["change"],
)
def send_verification_requests(model_admin, request, queryset):
    """The organizations' list action (per selection)."""
    counts = verification.send_requests(queryset, request.user, request.build_absolute_uri)
    report_sent(model_admin, request, *counts)


@admin.display(description=_("demandes de vérification"))
def verification_requests_link(organization):
    """On an organization's page: its last request and the page that sends a new one."""
    if not organization.pk:
        return "—"
    last = organization.verification_requests.first()
    send_url = reverse("admin:resources_verification_send", args=[organization.pk])
    list_url = reverse("admin:resources_verificationrequest_changelist")
    status = (
        format_html(
            "{} {} ({}) · ",
            _("Dernière :"),
            f"{last.sent_at:%Y-%m-%d}",
            last.get_state_display(),
        )
        if last
        else ""
    )
    return format_html(
        '{}<a href="{}?organization__id__exact={}">{}</a> · <a href="{}">{}</a>',
        status,
        list_url,
        organization.pk,
        _("toutes"),
        send_url,
        _("Envoyer une demande de vérification"),
    )


# The requests and the queue of proposed changes ------------------------------------------------


class ProposedChangeInline(admin.TabularInline):
    model = ProposedChange
    extra = 0
    can_delete = False
    fields = ("record_label", "field_label", "current_value", "proposed_value", "state")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("fiche"))
    def record_label(self, change):
        return change.record or "—"

    @admin.display(description=_("champ"))
    def field_label(self, change):
        return change_field_label(change)


def change_field_label(change):
    model = change.content_type.model_class()
    try:
        return verification.field_label(model, change.field)
    except Exception:  # a field renamed since: its name
        return change.field


@admin.register(VerificationRequest)
class VerificationRequestAdmin(admin.ModelAdmin):
    list_display = ("organization", "email", "sent_at", "sent_by", "expires", "state", "changes")
    list_filter = ("state",)
    list_select_related = ("organization", "sent_by")
    search_fields = ("organization__name_fr", "email")
    date_hierarchy = "sent_at"
    fields = (
        "organization",
        "email",
        "sent_at",
        "sent_by",
        "expires",
        "state",
        "confirmed_at",
        "answered_at",
        "note",
        "changes",
    )
    readonly_fields = fields
    inlines = (ProposedChangeInline,)

    def has_add_permission(self, request):
        return False  # sent from the organizations (admin_verification: the send pages)

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("changements proposés"))
    def changes(self, verification_request):
        url = reverse("admin:resources_proposedchange_changelist")
        return format_html(
            '<a href="{}?request__id__exact={}">{}</a>',
            url,
            verification_request.pk,
            _("voir et traiter"),
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "send/<int:organization_id>/",
                wrap(self.send_view),
                name="resources_verification_send",
            ),
            path(
                "send-overdue/",
                wrap(self.send_overdue_view),
                name="resources_verification_send_overdue",
            ),
            *super().get_urls(),
        ]

    def _can_send(self, request):
        if not request.user.has_perm("resources.change_organization"):
            raise PermissionDenied

    def send_view(self, request, organization_id):
        """One organization: a confirmation page (GET), then the email (POST)."""
        self._can_send(request)
        organization = get_object_or_404(Organization, pk=organization_id)
        if request.method == "POST":
            counts = verification.send_requests(
                [organization], request.user, request.build_absolute_uri
            )
            report_sent(self, request, *counts)
            return redirect("admin:resources_organization_change", organization.pk)
        return self._confirmation(request, [organization])

    def send_overdue_view(self, request):
        """Every listed organization overdue: a confirmation page (GET) naming them, then the
        emails (POST)."""
        self._can_send(request)
        overdue = list(
            Organization.objects.active()
            .not_verified_since(verification.OVERDUE_MONTHS)
            .order_by("name")
        )
        if request.method == "POST":
            counts = verification.send_requests(overdue, request.user, request.build_absolute_uri)
            report_sent(self, request, *counts)
            return redirect("admin:index")
        return self._confirmation(request, overdue)

    def _confirmation(self, request, organizations):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Envoyer des demandes de vérification"),
            "organizations": organizations,
            "with_email": [o for o in organizations if o.email],
            "without_email": [o for o in organizations if not o.email],
            "days": settings.VERIFICATION_LINK_DAYS,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/resources/verification/send.html", context)


@admin.register(ProposedChange)
class ProposedChangeAdmin(admin.ModelAdmin):
    """The staff queue: one row per proposed field, its record's value today beside the value
    proposed; "accept" writes it into the record, "reject" leaves the record as it is."""

    list_display = (
        "organization",
        "record_link",
        "field_label",
        "value_now",
        "proposed",
        "state",
        "decided_by",
    )
    list_filter = ("state", ("content_type", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("request__organization", "content_type", "decided_by")
    search_fields = ("request__organization__name_fr", "proposed_value")
    actions = ("accept_changes", "reject_changes")
    fields = (
        "request",
        "record_link",
        "field_label",
        "current_value",
        "value_now",
        "proposed_value",
        "state",
        "decided_by",
        "decided_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("record")

    @admin.display(description=_("organisme"), ordering="request__organization__name")
    def organization(self, change):
        return change.request.organization

    @admin.display(description=_("fiche"))
    def record_link(self, change):
        record = change.record
        if record is None:
            return _("(supprimée)")
        opts = record._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, record)

    @admin.display(description=_("champ"))
    def field_label(self, change):
        return change_field_label(change)

    @admin.display(description=_("valeur actuelle"))
    def value_now(self, change):
        record = change.record
        value = getattr(record, change.field, "") if record is not None else ""
        return format_html('<del class="proposal-old">{}</del>', value or "—")

    @admin.display(description=_("valeur proposée"))
    def proposed(self, change):
        return format_html('<ins class="proposal-new">{}</ins>', change.proposed_value or "—")

    def _decide(self, request, queryset, decide, done_message):
        allowed = 0
        done = 0
        for change in queryset.select_related("request__organization", "content_type"):
            opts = change.content_type.model_class()._meta
            if not request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
                continue
            allowed += 1
            done += decide(change, request.user)
        if allowed < queryset.count():
            self.message_user(
                request, _("Certaines fiches ne vous sont pas modifiables."), messages.WARNING
            )
        self.message_user(request, done_message(done) % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Accepter : écrire la valeur proposée dans la fiche"))
    def accept_changes(self, request, queryset):
        self._decide(
            request,
            queryset,
            verification.accept,
            lambda n: ngettext(
                "%(count)d changement accepté.", "%(count)d changements acceptés.", n
            ),
        )

    @admin.action(description=_("Refuser : garder la fiche telle quelle"))
    def reject_changes(self, request, queryset):
        self._decide(
            request,
            queryset,
            verification.reject,
            lambda n: ngettext("%(count)d changement refusé.", "%(count)d changements refusés.", n),
        )

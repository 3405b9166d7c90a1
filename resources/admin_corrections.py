"""The staff queue of the public's correction requests (resources/corrections.py).

Filtered by state (new first), each row links to its record's change page; actions move the
selected requests to another state, recording who and when (so does a state changed on a
request's own page). What the person wrote is read-only: staff answer it, never rewrite it.
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import CorrectionRequest

State = CorrectionRequest.State


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(admin.ModelAdmin):
    list_display = ["created", "record_link", "kinds_display", "state", "handled_by", "handled_at"]
    list_filter = ["state"]
    list_select_related = ["service", "organization", "handled_by"]
    search_fields = ["text", "service__name_fr", "organization__name_fr"]
    date_hierarchy = "created"
    fields = [
        "record_link",
        "created",
        "kinds_display",
        "text",
        "email",
        "state",
        "handled_by",
        "handled_at",
    ]
    readonly_fields = [
        "record_link",
        "created",
        "kinds_display",
        "text",
        "email",
        "handled_by",
        "handled_at",
    ]
    actions = ["mark_in_progress", "mark_accepted", "mark_rejected"]

    def has_add_permission(self, request):
        return False  # requests come from the public form only

    @admin.display(description=_("fiche"))
    def record_link(self, obj):
        record = obj.record
        if record is None:
            return "—"
        meta = record._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])
        return format_html('<a href="{}">{} ({})</a>', url, record, meta.verbose_name)

    @admin.display(description=_("ce qui est erroné"))
    def kinds_display(self, obj):
        return ", ".join(obj.kind_labels())

    def save_model(self, request, obj, form, change):
        if change and "state" in form.changed_data:
            obj.handled_by, obj.handled_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)

    def _move(self, request, queryset, state):
        moved = queryset.exclude(state=state).update(
            state=state, handled_by=request.user, handled_at=timezone.now()
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d signalement marqué « %(state)s ».",
                "%(count)d signalements marqués « %(state)s ».",
                moved,
            )
            % {"count": moved, "state": State(state).label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Marquer « en cours »"), permissions=["change"])
    def mark_in_progress(self, request, queryset):
        self._move(request, queryset, State.IN_PROGRESS)

    @admin.action(description=_("Marquer « acceptée » (fiche corrigée)"), permissions=["change"])
    def mark_accepted(self, request, queryset):
        self._move(request, queryset, State.ACCEPTED)

    @admin.action(description=_("Marquer « refusée »"), permissions=["change"])
    def mark_rejected(self, request, queryset):
        self._move(request, queryset, State.REJECTED)

"""The verification cycle with organizations in the loop (docs/verification.md).

- `dashboard`: what the admin index shows: organizations and services overdue (never verified,
  or more than 12 months ago) and due in the next 30 days, in total and per editor (the staff
  account of the last verification), in a fixed number of queries.
- `send_request`: one email to an organization (Django's mail, settings EMAIL_URL) with a signed
  link (django.core.signing, salt `SALT`) that expires after settings.VERIFICATION_LINK_DAYS, in
  both languages; `read_link` gives the request back or says why it cannot (`LinkRefused`).
- `listing`: what the request's page shows of the organization: itself, its services,
  locations, phones and hours; `RecordForm`: the fields an organization may propose to change
  on one record (a confidential location's address never: the link can be forwarded).
- `confirm`: "tout est exact": the organization and its services take today's `assured_date`,
  confirmed by the organization. `propose`: only the fields that differ become
  `ProposedChange`s, which staff `accept` (the record takes the value, its history says
  "proposé par l'organisme") or `reject`; the last one decided stamps the verification.
"""

import datetime

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import Count, Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import (
    CorrectionRequest,
    Location,
    Organization,
    Phone,
    ProposedChange,
    Schedule,
    Service,
    VerificationRequest,
)
from .models.directory import VerificationSource
from .opening_hours import Hours, schedules_of
from .querysets import due_condition, overdue_condition

SALT = "resources.verification"
OVERDUE_MONTHS = 12
DUE_SOON_DAYS = 30
# History change reasons (simple_history), and open data's `updated_by` of those versions
# when no staff account made them (docs/hsds-profile.md, "Change history").
CONFIRMED_REASON = "confirmé par l'organisme"
PROPOSED_REASON = "proposé par l'organisme"

# What an organization may propose to change, per record; per language for translated fields.
EDITABLE = {
    Organization: (
        "name_fr",
        "name_en",
        "alternate_name_fr",
        "alternate_name_en",
        "description_fr",
        "description_en",
        "website",
        "email",
    ),
    Service: (
        "name_fr",
        "name_en",
        "description_fr",
        "description_en",
        "eligibility_description_fr",
        "eligibility_description_en",
        "fees_description_fr",
        "fees_description_en",
        "application_process_fr",
        "application_process_en",
        "required_documents_fr",
        "required_documents_en",
        "url",
        "email",
    ),
    Location: (
        "name_fr",
        "name_en",
        "address_1",
        "address_2",
        "postal_code",
        "description_fr",
        "description_en",
        "accessibility_fr",
        "accessibility_en",
        "transportation_fr",
        "transportation_en",
    ),
    Phone: ("number", "extension", "description_fr", "description_en"),
}
# Never offered for a confidential location: its page does not show them.
CONFIDENTIAL = {"address_1", "address_2", "postal_code", "transportation_fr", "transportation_en"}
REQUIRED = {
    Organization: {"name_fr", "description_fr"},
    Service: {"name_fr", "description_fr"},
    Phone: {"number"},
}
LANGUAGE_NAMES = {"fr": _("français"), "en": _("anglais")}


class LinkRefused(Exception):
    """A link that does not open the page: `status` 404 (tampered or unknown) or 410 (expired
    or already used), `reason` one of "invalid", "expired", "used"."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status, self.reason = status, reason


# The dashboard --------------------------------------------------------------------------------


def _counts(model, today=None):
    """(totals, per editor) of `model`: overdue and due soon, in two queries."""
    overdue = overdue_condition(OVERDUE_MONTHS, today)
    due = due_condition(DUE_SOON_DAYS, OVERDUE_MONTHS, today)
    listed = followed(model.objects.all())
    totals = listed.aggregate(
        total=Count("pk"), overdue=Count("pk", filter=overdue), due=Count("pk", filter=due)
    )
    editors = (
        listed.filter(overdue | due)
        .values(
            "verified_by",
            "verified_by__username",
            "verified_by__first_name",
            "verified_by__last_name",
        )
        .annotate(overdue=Count("pk", filter=overdue), due=Count("pk", filter=due))
        .order_by("verified_by__username")
    )
    return totals, list(editors)


def followed(queryset):
    """The records the yearly verification follows: listed organizations, their services that
    are not closed for good."""
    if queryset.model is Service:
        return queryset.filter(organization__is_active=True).exclude(status=Service.Status.DEFUNCT)
    return queryset.filter(is_active=True)


def _editor_name(line):
    if line["verified_by"] is None:
        return _("personne (jamais vérifié ou chargé par un import)")
    full = f"{line['verified_by__first_name']} {line['verified_by__last_name']}".strip()
    return full or line["verified_by__username"]


def _changelist(model, **params):
    url = reverse(f"admin:resources_{model._meta.model_name}_changelist")
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{url}?{query}" if query else url


def dashboard(today=None):
    """The admin index's verification block (templates/admin/index.html): six queries."""
    rows, editors = [], {}
    for model in (Organization, Service):
        totals, per_editor = _counts(model, today)
        rows.append(
            {
                "label": capfirst(model._meta.verbose_name_plural),
                "total": totals["total"],
                "overdue": totals["overdue"],
                "due": totals["due"],
                "overdue_url": _changelist(model, verification="overdue"),
                "due_url": _changelist(model, verification="due"),
            }
        )
        for line in per_editor:
            key = line["verified_by"] or "none"
            editor = editors.setdefault(
                key,
                {
                    "name": _editor_name(line),
                    "counts": {},
                },
            )
            editor["counts"][model] = {
                "overdue": line["overdue"],
                "due": line["due"],
                "overdue_url": _changelist(model, verification="overdue", verified_by=key),
                "due_url": _changelist(model, verification="due", verified_by=key),
            }
    empty = {"overdue": 0, "due": 0, "overdue_url": "", "due_url": ""}
    editor_rows = [
        {
            "name": editor["name"],
            "organizations": editor["counts"].get(Organization, empty),
            "services": editor["counts"].get(Service, empty),
        }
        for _key, editor in sorted(editors.items(), key=lambda item: item[0] == "none")
    ]
    return {
        "rows": rows,
        "editors": editor_rows,
        "pending_changes": ProposedChange.objects.filter(
            state=ProposedChange.State.PENDING
        ).count(),
        "changes_url": _changelist(ProposedChange, state="pending"),
        "open_requests": VerificationRequest.objects.filter(
            state=VerificationRequest.State.SENT, expires__gt=timezone.now()
        ).count(),
        "requests_url": reverse("admin:resources_verificationrequest_changelist"),
        # The public's error reports not yet taken in hand (resources/corrections.py).
        "new_corrections": CorrectionRequest.objects.filter(
            state=CorrectionRequest.State.NEW
        ).count(),
        "corrections_url": _changelist(CorrectionRequest, state="new"),
        "send_overdue_url": reverse("admin:resources_verification_send_overdue"),
    }


# Requests and their links ---------------------------------------------------------------------


def make_link(verification_request):
    return signing.dumps(verification_request.pk, salt=SALT)


def read_link(token):
    """The open VerificationRequest a link names, or LinkRefused."""
    max_age = datetime.timedelta(days=settings.VERIFICATION_LINK_DAYS)
    try:
        pk = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkRefused(410, "expired") from None
    except signing.BadSignature:
        raise LinkRefused(404, "invalid") from None
    found = VerificationRequest.objects.select_related("organization").filter(pk=pk).first()
    if found is None:
        raise LinkRefused(404, "invalid")
    if found.state != VerificationRequest.State.SENT:
        raise LinkRefused(410, "used")
    if found.is_expired:
        raise LinkRefused(410, "expired")
    return found


def page_urls(verification_request, build_absolute_uri):
    """{language: absolute address of the request's page}."""
    token = make_link(verification_request)
    urls = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            urls[code] = build_absolute_uri(reverse("resources:verification", args=[token]))
    return urls


def open_requests():
    return VerificationRequest.objects.filter(
        state=VerificationRequest.State.SENT, expires__gt=timezone.now()
    )


def send_requests(organizations, user, build_absolute_uri):
    """Send a request to each of `organizations` that has an email and no open request yet.
    Returns (sent, without email, already asked) counts."""
    waiting = set(open_requests().values_list("organization_id", flat=True))
    sent = no_email = asked = 0
    for organization in organizations:
        if not organization.email:
            no_email += 1
        elif organization.pk in waiting:
            asked += 1
        else:
            send_request(organization, user, build_absolute_uri)
            sent += 1
    return sent, no_email, asked


def send_request(organization, user, build_absolute_uri):
    """Record a request and email its link (both languages) to the organization."""
    now = timezone.now()
    verification_request = VerificationRequest.objects.create(
        organization=organization,
        email=organization.email,
        sent_at=now,
        sent_by=user,
        expires=now + datetime.timedelta(days=settings.VERIFICATION_LINK_DAYS),
    )
    context = {
        "organization": organization,
        "urls": page_urls(verification_request, build_absolute_uri),
        "expires": timezone.localtime(verification_request.expires).date(),
        "directory_name": settings.DIRECTORY_NAME,
    }
    subject = render_to_string("resources/verification/email_subject.txt", context)
    message = EmailMultiAlternatives(
        " ".join(subject.split()),
        render_to_string("resources/verification/email.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [organization.email],
    )
    message.send()
    return verification_request


# The organization's page ----------------------------------------------------------------------


def listing(organization):
    """The organization with what its page shows prefetched: services (not closed for good)
    with their phones and hours, locations with their municipality, phones and hours."""
    place_schedules = Schedule.objects.prefetch_related("periods", "closures")
    services = (
        Service.objects.exclude(status=Service.Status.DEFUNCT)
        .prefetch_related(
            "phones",
            Prefetch("schedules", queryset=place_schedules),
            Prefetch("service_at_locations__schedules", queryset=place_schedules),
            Prefetch(
                "service_at_locations__location__schedules",
                queryset=place_schedules,
            ),
            "service_at_locations__location__municipality",
        )
        .order_by("name")
    )
    return Organization.objects.prefetch_related(
        "phones",
        Prefetch("services", queryset=services),
        Prefetch(
            "locations",
            queryset=Location.objects.select_related("municipality")
            .prefetch_related("phones", Prefetch("schedules", queryset=place_schedules))
            .order_by("name", "pk"),
        ),
    ).get(pk=organization.pk)


def field_label(model, name):
    """ "Nom (anglais)" for name_en, the field's own name otherwise."""
    base, _sep, code = name.rpartition("_")
    if code in LANGUAGE_NAMES:
        verbose = model._meta.get_field(base).verbose_name
        return f"{capfirst(verbose)} ({LANGUAGE_NAMES[code]})"
    return capfirst(model._meta.get_field(name).verbose_name)


def editable_fields(record):
    names = EDITABLE[type(record)]
    if getattr(record, "is_confidential", False):
        names = [n for n in names if n not in CONFIDENTIAL]
    return names


def _text(value):
    return "" if value is None else str(value).strip()


class RecordForm(forms.Form):
    """The fields an organization may change on `record`, holding their current values."""

    def __init__(self, record, *args, **kwargs):
        kind = type(record)._meta.model_name
        super().__init__(*args, prefix=f"{kind}-{record.pk}", **kwargs)
        self.record = record
        for name in editable_fields(record):
            model_field = record._meta.get_field(name)
            options = {"required": name in REQUIRED.get(type(record), ())}
            if isinstance(model_field, models.URLField):
                options["assume_scheme"] = "https"
            field = model_field.formfield(**options)
            field.label = field_label(type(record), name)
            field.help_text = ""
            field.initial = _text(getattr(record, name))
            if isinstance(field.widget, forms.Textarea):  # tall enough for its text
                rows = min(10, max(2, len(field.initial) // 45 + 1))
                field.widget.attrs.update({"rows": rows, "cols": 40})
            self.fields[name] = field

    def changes(self):
        """[(field, current, proposed)] of the fields whose value differs."""
        return [
            (name, _text(getattr(self.record, name)), _text(value))
            for name, value in self.cleaned_data.items()
            if _text(value) != _text(getattr(self.record, name))
        ]


def record_forms(organization, data=None):
    """A RecordForm per record the page shows: the organization, its phones, its services and
    theirs, its locations and theirs."""
    records = [organization, *organization.phones.all()]
    for service in organization.services.all():
        records += [service, *service.phones.all()]
    for location in organization.locations.all():
        records += [location, *location.phones.all()]
    return [RecordForm(record, data) for record in records]


def page_sections(organization, forms_by_record):
    """What the page lists, with each record's form: the organization, then each service and
    each location with their phones and hours."""

    def phones(owner):
        return [{"phone": p, "form": forms_by_record[p]} for p in owner.phones.all()]

    return {
        "organization_form": forms_by_record[organization],
        "organization_phones": phones(organization),
        "services": [
            {
                "record": service,
                "form": forms_by_record[service],
                "phones": phones(service),
                "hours": Hours(schedules_of(service)),
                "places": [sal.location for sal in service.service_at_locations.all()],
            }
            for service in organization.services.all()
        ],
        "locations": [
            {
                "record": location,
                "form": forms_by_record[location],
                "phones": phones(location),
                "hours": Hours(list(location.schedules.all())),
            }
            for location in organization.locations.all()
        ],
    }


# Answers --------------------------------------------------------------------------------------


def _stamp(record, verification_request, user):
    record.assured_date = timezone.localdate()
    record.assurer = verification_request.organization.name_fr[:120]
    record.verification_source = VerificationSource.ORGANIZATION
    record.verified_by = user or verification_request.sent_by
    record._change_reason = CONFIRMED_REASON
    record._history_user = user
    record.save(
        update_fields=[
            "assured_date",
            "assurer",
            "verification_source",
            "verified_by",
            "modified",
        ]
    )


def stamp_verified(verification_request, user=None):
    """The organization and its services (not closed for good) confirmed today by the
    organization; `user`, the staff member who decided its last proposal, if any."""
    organization = verification_request.organization
    _stamp(organization, verification_request, user)
    for service in organization.services.exclude(status=Service.Status.DEFUNCT):
        service.organization = organization
        _stamp(service, verification_request, user)


@transaction.atomic
def confirm(verification_request):
    """ "Tout est exact": the request is used, the listing confirmed today."""
    now = timezone.now()
    verification_request.state = VerificationRequest.State.CONFIRMED
    verification_request.confirmed_at = verification_request.answered_at = now
    verification_request.save(update_fields=["state", "confirmed_at", "answered_at"])
    stamp_verified(verification_request)


@transaction.atomic
def propose(verification_request, forms, note=""):
    """The changed fields of the valid `forms` as proposals; returns how many. A note alone
    (say, new hours) counts as an answer too."""
    proposals = []
    for form in forms:
        content_type = ContentType.objects.get_for_model(form.record)
        for name, current, proposed in form.changes():
            proposals.append(
                ProposedChange(
                    request=verification_request,
                    content_type=content_type,
                    object_id=form.record.pk,
                    field=name,
                    current_value=current,
                    proposed_value=proposed,
                )
            )
    ProposedChange.objects.bulk_create(proposals)
    verification_request.state = VerificationRequest.State.PROPOSED
    verification_request.answered_at = timezone.now()
    verification_request.note = note
    verification_request.save(update_fields=["state", "answered_at", "note"])
    return len(proposals)


def _decided(change, state, user):
    change.state, change.decided_by, change.decided_at = state, user, timezone.now()
    change.save(update_fields=["state", "decided_by", "decided_at"])
    verification_request = change.request
    pending = verification_request.changes.filter(state=ProposedChange.State.PENDING)
    if verification_request.state == VerificationRequest.State.PROPOSED and not pending.exists():
        verification_request.state = VerificationRequest.State.CLOSED
        verification_request.save(update_fields=["state"])
        stamp_verified(verification_request, user)


@transaction.atomic
def accept(change, user):
    """The record takes the proposed value (a version signed by `user`, reason "proposé par
    l'organisme"). A record deleted since is rejected instead. Returns whether it was written."""
    record = change.record
    if change.state != ProposedChange.State.PENDING:
        return False
    if record is None:
        _decided(change, ProposedChange.State.REJECTED, user)
        return False
    setattr(record, change.field, change.proposed_value)
    record._change_reason = PROPOSED_REASON
    record._history_user = user
    record.save(update_fields=[change.field, "modified"])
    _decided(change, ProposedChange.State.ACCEPTED, user)
    return True


@transaction.atomic
def reject(change, user):
    if change.state != ProposedChange.State.PENDING:
        return False
    _decided(change, ProposedChange.State.REJECTED, user)
    return True

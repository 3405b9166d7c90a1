"""The public's correction requests: "Signaler une erreur" on every organization and service
page (docs/corrections-and-unmet-needs.md).

A short form (what is wrong, a free text, an optional email) saved as a `CorrectionRequest` in
the staff queue (resources/admin_corrections.py), staff told by email, then a thank-you page
(redirect after POST). Against robots and floods: Django's CSRF check, a honeypot field (a
robot filling it is answered as if it had succeeded, and nothing is saved) and a budget of
sent forms per client (RATELIMIT_CORRECTIONS, counted as directory211.security counts the
others: by client address, hashed, in the shared cache). The person's address and browser are
never stored. The pages are never kept in the page cache (not in directory211.page_cache.PAGES)
nor offline (resources.safety.not_kept_offline).
"""

import logging

from django import forms
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import get_usage

from directory211.security import client_address, too_many_requests

from .models import CorrectionRequest, Organization, Service
from .safety import not_kept_offline, quick_exit, quick_exit_sectors
from .text_limits import limit_of

logger = logging.getLogger(__name__)

# The honeypot's name: a field a person never sees (CSS class, hidden from screen readers too).
HONEYPOT = "website"


class CorrectionForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Qu'est-ce qui est erroné ?"),
        choices=CorrectionRequest.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins une case.")},
    )
    text = forms.CharField(
        label=_("Précisions"),
        help_text=_("Par exemple le bon numéro ou les nouvelles heures."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=limit_of(CorrectionRequest, "text"),
        required=False,
    )
    email = forms.EmailField(
        label=_("Votre courriel (facultatif)"),
        help_text=_("Seulement si vous voulez une réponse. Nous ne l'utilisons pour rien d'autre."),
        max_length=limit_of(CorrectionRequest, "email"),
        required=False,
    )
    website = forms.CharField(
        label=_("Ne pas remplir ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("kinds") == ["other"] and not (data.get("text") or "").strip():
            self.add_error("text", _("Dites-nous en quelques mots ce qui est erroné."))
        return data

    @property
    def is_robot(self):
        return bool(self.data.get(HONEYPOT))


def _record(kind, slug):
    if kind == "service":
        return get_object_or_404(Service.objects.active().select_related("organization"), slug=slug)
    if kind == "organization":
        return get_object_or_404(Organization.objects.active(), slug=slug)
    raise Http404


def _quick_exit(kind, record):
    """The quick exit button on the pages of a service of the violence family, as on the
    service's own page (resources.safety)."""
    hide = kind == "service" and record.sectors.filter(quick_exit_sectors()).exists()
    return quick_exit(hide)


def _over_budget(request):
    """The seconds until this client may send again, or None when it still may."""
    if not settings.RATELIMIT_ENABLE:
        return None
    try:
        usage = get_usage(
            request,
            group="corrections",
            key=lambda _group, req: client_address(req),
            rate=settings.RATELIMIT_CORRECTIONS,
            increment=True,
        )
    except Exception:  # the cache is down: accept rather than refuse everyone
        logger.warning("correction requests not counted: the cache cannot be reached")
        return None
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, usage["time_left"])


@require_http_methods(["GET", "HEAD", "POST"])
def report(request, kind, slug):
    record = _record(kind, slug)
    if request.method == "POST":
        retry_after = _over_budget(request)
        if retry_after is not None:
            return too_many_requests(request, "corrections", retry_after)
        form = CorrectionForm(request.POST)
        if form.is_robot:
            return redirect(_thanks_url(kind, slug))
        if form.is_valid():
            correction = CorrectionRequest.objects.create(
                service=record if kind == "service" else None,
                organization=record if kind == "organization" else None,
                kinds=[
                    k
                    for k, _label in CorrectionRequest.Kind.choices
                    if k in form.cleaned_data["kinds"]
                ],
                text=form.cleaned_data["text"].strip(),
                email=form.cleaned_data["email"],
            )
            transaction.on_commit(lambda: notify_staff(request, correction))
            return redirect(_thanks_url(kind, slug))
        status = 400
    else:
        form, status = CorrectionForm(), 200
    response = render(
        request,
        "resources/correction_form.html",
        {"form": form, "record": record, "kind": kind, "quick_exit": _quick_exit(kind, record)},
        status=status,
    )
    return not_kept_offline(response)


@require_safe
def thanks(request, kind, slug):
    record = _record(kind, slug)
    context = {"record": record, "quick_exit": _quick_exit(kind, record)}
    response = render(request, "resources/correction_thanks.html", context)
    return not_kept_offline(response)


def _thanks_url(kind, slug):
    return reverse(f"resources:{kind}-correction-thanks", kwargs={"slug": slug})


def recipients():
    return list(settings.CORRECTIONS_NOTIFY_EMAILS) or [
        address for _name, address in settings.MANAGERS
    ]


def notify_staff(request, correction):
    """An email to CORRECTIONS_NOTIFY_EMAILS (else MANAGERS), in French, with the record and
    a link to the request in the admin. A mail server that fails is logged, never shown."""
    to = recipients()
    if not to:
        return
    with override("fr"):
        admin_url = request.build_absolute_uri(
            reverse("admin:resources_correctionrequest_change", args=[correction.pk])
        )
        record = correction.record
        lines = [
            gettext("Fiche : %(record)s (%(url)s)")
            % {"record": record, "url": request.build_absolute_uri(record.get_absolute_url())},
            gettext("Ce qui est erroné : %(kinds)s")
            % {"kinds": ", ".join(correction.kind_labels())},
            gettext("Précisions : %(text)s") % {"text": correction.text or "—"},
            gettext("Réponse souhaitée par courriel : oui")
            if correction.email
            else gettext("Réponse souhaitée par courriel : non"),
            "",
            gettext("Traiter le signalement : %(url)s") % {"url": admin_url},
        ]
        subject = gettext("Signalement d'erreur : %(record)s") % {"record": record}
    try:
        send_mail(subject, "\n".join(lines), None, to)
    except Exception:
        logger.exception("correction request %s: staff not notified", correction.pk)

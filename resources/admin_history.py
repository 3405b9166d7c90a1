"""Change history that reads (django-simple-history in the staff admin; docs/staff.md).

A record's "Historique" page lists its versions, newest first: when, what (created, changed,
deleted), by whom (the account; a version loaded by the demo or an import has none and is
signed by the directory's name as its reason), why (the optional "Raison du changement" of the
change form, stored as the version's `history_change_reason`) and, field by field, what changed
against the version before: each language's field apart ("Description (français)",
"Description (anglais)"), choices, yes/no and links by their names, long texts with the words
removed and added marked. A version's page restores it ("Rétablir", simple_history's form), its
translated fields included, signed with the reason "Retour à la version du ...".
"""

import difflib
import re

from django import forms
from django.db import models
from django.template.defaultfilters import yesno
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.fields import TranslationField
from simple_history.admin import SimpleHistoryAdmin

# Columns that are no content: keys and timestamps.
NOT_CONTENT = {"id", "uuid", "created", "modified"}
# What the history's reason column holds (simple_history's `history_change_reason`).
REASON_LENGTH = 100
REASON_FIELD = "change_reason"
# In a label's parentheses: "Description (français)", "Description (French)".
LANGUAGE_NAMES = {"fr": _("français"), "en": _("anglais")}


def content_fields(model):
    """The fields a version shows: every concrete field but the keys, the timestamps and the
    untranslated column of a translated field (`description` beside `description_fr` and
    `description_en`, which holds one of them)."""
    fields = model._meta.concrete_fields
    translated = {f.translated_field.name for f in fields if isinstance(f, TranslationField)}
    return [f for f in fields if f.name not in NOT_CONTENT and f.name not in translated]


def label(field):
    """The field's name as staff read it: "Description (français)" for a language's field."""
    if isinstance(field, TranslationField):
        language = LANGUAGE_NAMES.get(field.language, field.language)
        return gettext("%(field)s (%(language)s)") % {
            "field": capfirst(field.translated_field.verbose_name),
            "language": language,
        }
    return capfirst(field.verbose_name)


def shown(field, value):
    """A value as the admin shows it; None and blank as "(vide)"."""
    if value is None or value == "":
        return gettext("(vide)")
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return yesno(value)
    if isinstance(field, models.ForeignKey):
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if isinstance(value, timezone.datetime) and timezone.is_aware(value):
        return formats.localize(timezone.localtime(value))
    return formats.localize(value)


WORDS = re.compile(r"\S+|\s+")


def joined(opcodes, before):
    """difflib's opcodes with the spaces between two changes made part of them, so that "the
    week" replaced reads as one change, not two."""
    merged = []
    for opcode in opcodes:
        operation, i1, i2, j1, j2 = opcode
        after_change = bool(merged) and merged[-1][0] != "equal"
        spaces_only = operation == "equal" and "".join(before[i1:i2]).isspace()
        if after_change and (operation != "equal" or spaces_only):
            _, a1, _, b1, _ = merged.pop()
            opcode = ("replace", a1, i2, b1, j2)
        merged.append(opcode)
    return merged


def marked(old, new):
    """(old, new) as HTML: the words of `old` that are gone in <del>, those `new` adds in <ins>."""
    before, after = WORDS.findall(old), WORDS.findall(new)
    old_html, new_html = [], []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for operation, i1, i2, j1, j2 in joined(matcher.get_opcodes(), before):
        removed = conditional_escape("".join(before[i1:i2]))
        added = conditional_escape("".join(after[j1:j2]))
        if operation == "equal":
            old_html.append(removed)
            new_html.append(added)
            continue
        if removed:
            old_html.append(format_html("<del>{}</del>", removed))
        if added:
            new_html.append(format_html("<ins>{}</ins>", added))
    return mark_safe("".join(old_html)), mark_safe("".join(new_html))  # noqa: S308 (escaped)


def is_text(field):
    return isinstance(field, models.CharField | models.TextField) and not field.flatchoices


def changes(model, older, newer):
    """[{field, old, new}] of the content fields whose value differs between two versions."""
    rows = []
    for field in content_fields(model):
        before, after = getattr(older, field.attname), getattr(newer, field.attname)
        if before == after or (before in (None, "") and after in (None, "")):
            continue
        if is_text(field) and before and after:
            old, new = marked(before, after)
        else:
            old, new = shown(field, before), shown(field, after)
        rows.append({"field": label(field), "old": old, "new": new})
    return rows


def values(model, version):
    """[{field, value}] of a version's non-empty content fields (a first version's)."""
    return [
        {"field": label(field), "value": shown(field, getattr(version, field.attname))}
        for field in content_fields(model)
        if getattr(version, field.attname) not in (None, "")
    ]


class HistoryAdmin(SimpleHistoryAdmin):
    """simple_history's admin with the readable page above and the reason field on the forms."""

    object_history_template = "admin/history/object_history.html"
    object_history_list_template = "admin/history/object_history_list.html"

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Each listed version gets `changes` against the one before it, or, the first version
        of the record, `first_values`. One more query when the page's oldest is not the first."""
        records = list(historical_records)
        if not records:
            return
        oldest = records[-1]
        before = (
            oldest.instance_type.history.filter(
                id=oldest.id, history_date__lt=oldest.history_date
            ).first()
            if oldest.history_type != "+"
            else None
        )
        for newer, older in zip(records, [*records[1:], before], strict=True):
            newer.is_first = older is None
            if newer.is_first:
                newer.first_values = values(self.model, newer)
            else:
                newer.changes = changes(self.model, older, newer)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = kwargs.get("form", self.form)
        if REASON_FIELD not in getattr(form, "declared_fields", {}):
            reason = forms.CharField(
                label=_("Raison du changement"),
                required=False,
                max_length=REASON_LENGTH,
                help_text=_("Facultative : elle paraît dans l'historique de la fiche."),
            )
            kwargs["form"] = type(form.__name__, (form,), {REASON_FIELD: reason})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        """The declared fieldsets (or those the form gives), the reason last in its own."""
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [f for f in options.get("fields", ()) if f != REASON_FIELD]
            if fields:
                fieldsets.append((name, {**options, "fields": fields}))
        return [*fieldsets, (_("Historique"), {"fields": [REASON_FIELD]})]

    def reason(self, request, form):
        """The reason typed, else, on a version's page ("Rétablir"), "Retour à la version du…"."""
        typed = form.cleaned_data.get(REASON_FIELD, "").strip()
        match = request.resolver_match
        if typed or match is None or not match.url_name.endswith("_simple_history"):
            return typed or None
        version = self.model.history.filter(history_id=match.args[1]).first()
        if version is None:
            return None
        moment = formats.localize(timezone.localtime(version.history_date))
        return (gettext("Retour à la version du %(date)s") % {"date": moment})[:REASON_LENGTH]

    def save_model(self, request, obj, form, change):
        obj._change_reason = self.reason(request, form)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        """The listing's reason also signs the versions its inlines (phones, hours...) get."""
        reason = self.reason(request, form)
        for inline_form in formset.forms:
            inline_form.instance._change_reason = reason
        super().save_formset(request, form, formset, change)

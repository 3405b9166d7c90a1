"""Change history (django-simple-history) ↔ HSDS `metadata` records.

Export: each historical row of an object becomes one metadata record per field it changed (a
creation lists every non-empty field). Import rebuilds the historical rows from those records,
replacing the object's history, so that export → import → export gives the same records.
Fields that are not content (keys, timestamps, slugs of other records) are not tracked, and a
confidential location never shows its address fields, not even in its past values.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .profile import derived_id

ACTIONS = {"+": "create", "~": "update", "-": "delete"}
# simple_history's `history_change_reason` column.
HISTORY_REASON_LIMIT = 100
UNTRACKED = {"id", "uuid", "created", "modified"}
CONFIDENTIAL_FIELDS = {
    "address_1",
    "address_2",
    "postal_code",
    "latitude",
    "longitude",
    "transportation",
    "transportation_fr",
    "transportation_en",
}


def tracked_fields(model, obj=None):
    """Concrete, non-relational fields, per language for translated ones (not the base field)."""
    names = [f.name for f in model._meta.concrete_fields]
    bases = {n.rsplit("_", 1)[0] for n in names if n.endswith(("_fr", "_en"))}
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.name not in UNTRACKED and f.name not in bases and not f.is_relation
    ]
    if getattr(obj, "is_confidential", False):
        fields = [f for f in fields if f.name not in CONFIDENTIAL_FIELDS]
    return fields


def _text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.time):
        return value.isoformat()
    return str(value)


def signature():
    """How this directory signs its own versions (staff edits, imports, the demo): its name,
    never a sign-in name; cut to what a version's change reason holds."""
    return settings.DIRECTORY_NAME[:HISTORY_REASON_LIMIT]


def differs(row, obj):
    """Whether the historical `row` holds other values than `obj` in what metadata shows."""
    return any(
        _text(getattr(row, f.attname)) != _text(getattr(obj, f.attname))
        for f in tracked_fields(type(obj), obj)
    )


def _author(row):
    """Who made a version, as open data says it (docs/hsds-profile.md, "Change history"): a
    staff edit of this directory is signed with the directory's name (settings.DIRECTORY_NAME),
    never a sign-in name; the import's and the demo's own versions carry that name as their
    change reason; a version that came from an imported file keeps the author that file gave."""
    if row.history_user_id:
        return signature()
    return row.history_change_reason or ""


def metadata_for(obj, resource_type, history_rows):
    """HSDS metadata records of `obj` from its historical rows (oldest first)."""
    fields = tracked_fields(type(obj), obj)
    records, previous = [], None
    for row in history_rows:
        for field in fields:
            new = _text(getattr(row, field.attname))
            old = _text(getattr(previous, field.attname)) if previous is not None else ""
            if new == old:
                continue
            date = row.history_date.isoformat()
            records.append(
                {
                    "id": derived_id(obj.uuid, "metadata", date, field.name),
                    "resource_id": str(obj.uuid),
                    "resource_type": resource_type,
                    "last_action_date": date,
                    "last_action_type": ACTIONS[row.history_type],
                    "field_name": field.name,
                    "previous_value": old,
                    "replacement_value": new,
                    "updated_by": _author(row),
                }
            )
        previous = row
    return records


def history_rows(model, objects):
    """{object pk: [historical rows oldest first]} in one query."""
    rows = {}
    queryset = model.history.model.objects.filter(id__in=[o.pk for o in objects]).order_by(
        "history_date", "history_id"
    )
    for row in queryset:
        rows.setdefault(row.id, []).append(row)
    return rows


def _value(field, text):
    if text == "" and field.null:
        return None
    if isinstance(field, models.BooleanField):
        return text in ("True", "true", "1")
    return field.to_python(text)


def _moment(text):
    moment = datetime.datetime.fromisoformat(text)
    return moment.replace(tzinfo=datetime.UTC) if moment.tzinfo is None else moment


def _described(records):
    """What metadata records say, independent of their order and of how dates are written."""
    keys = (
        "last_action_type",
        "field_name",
        "previous_value",
        "replacement_value",
        "updated_by",
    )
    return sorted(
        (_moment(r["last_action_date"]), *(str(r.get(k) or "") for k in keys)) for r in records
    )


def restore(obj, records):
    """Make `obj`'s history the one the metadata `records` describe; returns whether it wrote.

    A history the records already describe is left as it is (re-importing our own export
    rewrites nothing). Otherwise the rows the records describe replace the stored rows of the
    same dates, and what an export never shows is kept from the stored history: the rows that
    changed no exported field (a confidential location's move), and the withheld fields of
    the rows rebuilt (taken from the stored row of the same date, else the record's current
    values)."""
    model = type(obj)
    historical = model.history.model
    stored = list(historical.objects.filter(id=obj.pk).order_by("history_date", "history_id"))
    exported = metadata_for(obj, "", stored)  # what an export of the stored history shows
    if _described(exported) == _described(records):
        return False
    fields = {f.name: f for f in tracked_fields(model, obj)}
    reason_limit = historical._meta.get_field("history_change_reason").max_length
    groups = {}
    for record in records:
        author = record.get("updated_by", "")
        if len(author) > reason_limit:
            message = f"{len(author)} characters, more than the {reason_limit} allowed"
            raise ValidationError({"updated_by": message})
        key = (record["last_action_date"], record["last_action_type"], author)
        groups.setdefault(key, []).append(record)
    described = {_moment(date) for date, _, _ in groups}
    shown = {_moment(r["last_action_date"]) for r in exported}
    by_date = {row.history_date: row for row in stored}
    historical.objects.filter(
        history_id__in=[row.history_id for row in stored if row.history_date in shown | described]
    ).delete()
    snapshot = {name: _value(f, "") if f.null else f.get_default() for name, f in fields.items()}
    types = {v: k for k, v in ACTIONS.items()}
    for (date, action, author), group in sorted(groups.items()):
        for record in group:
            field = fields.get(record["field_name"])
            if field is not None:
                value = _value(field, record.get("replacement_value", ""))
                if isinstance(value, str) and field.max_length and len(value) > field.max_length:
                    message = f"{len(value)} characters, more than the {field.max_length} allowed"
                    raise ValidationError({"replacement_value": f"{field.name}: {message}"})
                snapshot[field.name] = value
        moment = _moment(date)
        source = by_date.get(moment, obj)
        base = {
            f.attname: getattr(source, f.attname)
            for f in model._meta.concrete_fields
            if f.name not in fields
        }
        historical.objects.create(
            **base,
            **snapshot,
            history_date=moment,
            history_type=types.get(action, "~"),
            history_user=None,
            history_change_reason=author or None,
        )
    return True

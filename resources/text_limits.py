"""The one size rule for text: the longest text each listing field may hold.

Every text field people write has a maximum length, and it is the model field's own
`max_length`: names and short texts are `CharField`s (the database enforces them on PostgreSQL),
long texts are `bounded_text()` fields, whose limit the model's validation and the forms built
from the model (the admin) enforce. Every writer reads the limit from the field: the admin's
forms, the HSDS import (`limit_of`), the model's `full_clean()`. docs/hsds-profile.md lists them
all (a test keeps the table and the models in step).

Why these numbers: a long service description in a 211 directory runs to 2,000-3,000
characters; 10,000 leaves room, keeps a page light and stays far below PostgreSQL's 1 MB limit
on a full-text document (a 1.2 MB description used to end in a 500 when the index was built).
"""

from django.apps import apps
from django.core.validators import MaxLengthValidator
from django.db import models

# An organization's or a service's description: what a person reads first.
DESCRIPTION = 10_000
# Every other long text: eligibility, fees, how to apply, documents, accessibility, transit,
# a location's or a sector's description.
NOTE = 4_000
# A service area's drawn extent (GeoJSON, KML...): a territory's outline runs long.
EXTENT = 100_000
# No text anywhere in an imported file may be longer than this, stored or not: a file holding
# one is refused before anything else is read from it.
ANY_IMPORTED_TEXT = EXTENT


def bounded_text(verbose_name, limit, **options):
    """A TextField of at most `limit` characters (model validation and forms)."""
    return models.TextField(
        verbose_name, max_length=limit, validators=[MaxLengthValidator(limit)], **options
    )


def limit_of(model, field_name):
    """The longest text `model.field_name` may hold, or None for a field that is not text."""
    field = model._meta.get_field(field_name)
    if isinstance(field, (models.CharField, models.TextField)):
        return field.max_length
    return None


def too_long(model, field_name, value):
    """A message when `value` is longer than the field allows, else None."""
    limit = limit_of(model, field_name)
    if limit is None or not isinstance(value, str) or len(value) <= limit:
        return None
    return f"{len(value)} characters, more than the {limit} allowed"


def text_limits():
    """{(model name, field name): limit} for every text field staff or imports write (a
    translated field's limit holds for each language): the table in docs/hsds-profile.md."""
    found = {}
    for model in apps.get_app_config("resources").get_models():
        if model.__module__.endswith("models.historical") or model.__name__.startswith(
            "Historical"
        ):
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField)):
                continue
            if not field.editable or field.choices or isinstance(field, models.SlugField):
                continue
            if getattr(field, "translated_field", None) is not None:
                continue  # the language fields (name_fr, name_en) are listed, not the base
            found[(model.__name__, field.name)] = field.max_length
    return found

"""Fields people read, in French (required, the source of truth) and English (falls back to French).

Change history is registered here, after the translation options, because django-simple-history
must see the per-language fields (see docs/engineering-notes.md).
"""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from .models import (
    CostOption,
    Language,
    Location,
    Municipality,
    Organization,
    Phone,
    PostalPrefix,
    Schedule,
    ScheduleClosure,
    Sector,
    Service,
    ServiceArea,
    ServiceAtLocation,
)


def in_language(instance, field, language):
    """(text, lang) of a translated field as a page in `language` shows it: its own text, or,
    on a non-French page where only French exists, the French text with lang "fr" (to mark it
    so screen readers pronounce it right); lang is None otherwise."""
    own = getattr(instance, f"{field}_{language}", None)
    if own or language == "fr":
        return own or getattr(instance, f"{field}_fr", "") or "", None
    return getattr(instance, f"{field}_fr", "") or "", "fr"


@register(Municipality)
class MunicipalityTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("fr",)


@register(PostalPrefix)
class PostalPrefixTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("fr",)


@register(Sector)
class SectorTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"fr": ("name",)}


@register(Language)
class LanguageTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("fr",)


@register(Organization)
class OrganizationTranslation(TranslationOptions):
    fields = ("name", "alternate_name", "description", "legal_status")
    required_languages = {"fr": ("name", "description")}


@register(Service)
class ServiceTranslation(TranslationOptions):
    fields = (
        "name",
        "alternate_name",
        "description",
        "alert",
        "eligibility_description",
        "fees_description",
        "application_process",
        "required_documents",
        "interpretation_services",
    )
    required_languages = {"fr": ("name", "description")}


@register(Location)
class LocationTranslation(TranslationOptions):
    fields = ("name", "description", "accessibility", "transportation")


@register(ServiceAtLocation)
class ServiceAtLocationTranslation(TranslationOptions):
    fields = ("description",)


@register(Phone)
class PhoneTranslation(TranslationOptions):
    fields = ("description",)


@register(CostOption)
class CostOptionTranslation(TranslationOptions):
    fields = ("option", "amount_description")


@register(ServiceArea)
class ServiceAreaTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Schedule)
class ScheduleTranslation(TranslationOptions):
    fields = ("description",)


@register(ScheduleClosure)
class ScheduleClosureTranslation(TranslationOptions):
    fields = ("reason",)


for model in (
    Organization,
    Service,
    Location,
    ServiceAtLocation,
    Phone,
    ServiceArea,
    Schedule,
    Sector,
    CostOption,
):
    simple_history.register(model)

"""The listings, shaped after Open Referral HSDS 3.0 (see docs/architecture.md)."""

from .corrections import CorrectionRequest
from .directory import (
    CostOption,
    GeocodeSource,
    Location,
    Organization,
    Phone,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from .reference import Language, Municipality, MunicipalityAlias, PostalPrefix, Sector
from .schedules import OpeningPeriod, Schedule, ScheduleClosure
from .taxonomies import Attribute, Taxonomy, TaxonomyTerm
from .verification import ProposedChange, VerificationRequest

__all__ = [
    "Attribute",
    "CorrectionRequest",
    "CostOption",
    "GeocodeSource",
    "Language",
    "Location",
    "Municipality",
    "MunicipalityAlias",
    "OpeningPeriod",
    "Organization",
    "Phone",
    "PostalPrefix",
    "ProposedChange",
    "Schedule",
    "ScheduleClosure",
    "Sector",
    "Service",
    "ServiceArea",
    "ServiceAtLocation",
    "Taxonomy",
    "TaxonomyTerm",
    "VerificationRequest",
]

"""Validation of the demo directory files (fixtures/demo/*.json) before anything is written.

Every problem is collected with its place ("food.json › garde-manger › service depannage › phones")
so an editor fixes a whole file in one pass; the loader refuses to write while any is left.
"""

import datetime
import re
from urllib.parse import urlsplit

from .models import Location, Organization, Phone, Schedule, Service

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Fictional numbers only (the range numbering plans keep for fiction), and the 2-1-1 line itself.
PHONE = re.compile(r"^(?:(?:450|514|579) 555-01\d\d|1 800 555-01\d\d|211)$")
POSTAL_CODE = re.compile(r"^[A-Z]\d[A-Z] \d[A-Z]\d$")
TIME = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKS = (1, 2, 3, 4, 5, -1, -2, -3, -4, -5)  # of the month: -1 the last
PHONE_TYPES = {choice.value for choice in Phone.Type}
LOCATION_TYPES = {choice.value for choice in Location.Type}
STATUSES = {choice.value for choice in Service.Status}
SCOPES = {"local", "mrc", "region", "metro", "province"}

# Text objects and the model field each fills, so lengths are checked against the real column.
ORG_TEXTS = {"name": "name", "alternate_name": "alternate_name", "description": "description",
             "legal_status": "legal_status"}  # fmt: skip
SERVICE_TEXTS = {"name": "name", "description": "description", "alert": "alert",
                 "eligibility": "eligibility_description", "fees": "fees_description",
                 "application_process": "application_process",
                 "required_documents": "required_documents"}  # fmt: skip
LOCATION_TEXTS = {"name": "name", "accessibility": "accessibility",
                  "transportation": "transportation"}  # fmt: skip
REQUIRED_TEXTS = {"name", "description"}


def weekdays(spec):
    """Weekday numbers (0 = Monday) of a day spec: "mon", "mon-fri", "fri-sun" or "daily"."""
    if spec == "daily":
        return list(range(7))
    first, _, last = spec.partition("-")
    if first not in DAYS or (last and last not in DAYS):
        raise ValueError(spec)
    start, end = DAYS.index(first), DAYS.index(last or first)
    return [(start + i) % 7 for i in range((end - start) % 7 + 1)]


def is_example_host(value, email=False):
    host = value.rpartition("@")[2] if email else urlsplit(value).hostname or ""
    if not email and urlsplit(value).scheme != "https":
        return False
    return host == "example.org" or host.endswith(".example.org")


class Checker:
    """Collects the problems of a set of demo documents; `references` holds the known slugs."""

    def __init__(self, sectors, municipalities, languages):
        self.sectors = sectors  # slug → Sector
        self.municipalities = municipalities  # slug → (Municipality, {postal prefixes})
        self.languages = languages  # code → Language
        self.errors = []
        self.org_slugs = {}
        self.service_slugs = {}

    def error(self, where, message):
        self.errors.append(f"{' › '.join(where)}: {message}")

    def check_document(self, filename, document):
        where = [filename]
        if not isinstance(document, dict) or not isinstance(document.get("organizations"), list):
            self.error(where, "un objet avec une liste « organizations » est attendu")
            return
        for index, org in enumerate(document["organizations"]):
            if not isinstance(org, dict):
                self.error([*where, f"organisme n° {index + 1}"], "un objet est attendu")
                continue
            self.check_organization(filename, org, index)

    def check_text(self, where, record, key, field, model, required=False):
        value = record.get(key)
        if value is None:
            if required:
                self.error(where, f"« {key} » est obligatoire")
            return
        if not isinstance(value, dict) or not all(
            isinstance(value.get(lang, ""), str) for lang in ("fr", "en")
        ):
            self.error(where, f"« {key} » doit être un objet {{'fr': ..., 'en': ...}}")
            return
        if required and not value.get("fr", "").strip():
            self.error(where, f"« {key}.fr » est vide")
        limit = model._meta.get_field(field).max_length
        for lang in ("fr", "en"):
            if limit and len(value.get(lang, "")) > limit:
                self.error(where, f"« {key}.{lang} » dépasse {limit} caractères")

    def check_slug(self, where, slug, seen, filename):
        if not isinstance(slug, str) or not SLUG.match(slug):
            self.error(where, f"slug invalide {slug!r}")
        elif slug in seen:
            self.error(where, f"slug {slug!r} déjà utilisé dans {seen[slug]}")
        else:
            seen[slug] = filename

    def check_contact(self, where, record, url_key, email_key):
        url, email = record.get(url_key), record.get(email_key)
        if url and not (isinstance(url, str) and is_example_host(url)):
            self.error(where, f"« {url_key} » {url!r} doit être une adresse https à example.org")
        if email and not (
            isinstance(email, str) and "@" in email and is_example_host(email, email=True)
        ):
            self.error(where, f"« {email_key} » {email!r} doit être une adresse à example.org")

    def check_phones(self, where, phones):
        if not isinstance(phones, list):
            self.error(where, "« phones » doit être une liste")
            return
        for phone in phones:
            number = phone.get("number") if isinstance(phone, dict) else None
            if not isinstance(number, str) or not PHONE.match(number):
                self.error(
                    where,
                    f"numéro {number!r} hors de la plage fictive (450, 514 ou 579 555-0100 à "
                    "555-0199, 1 800 555-01xx, ou 211)",
                )
                continue
            if phone.get("type", "voice") not in PHONE_TYPES:
                self.error(where, f"type de téléphone inconnu {phone.get('type')!r}")
            extension = phone.get("extension", "")
            if not isinstance(extension, str) or len(extension) > 10:
                self.error(where, f"poste invalide ou trop long pour {number}")
            self.check_text([*where, number], phone, "description", "description", Phone)

    def check_organization(self, filename, org, index):
        slug = org.get("slug")
        where = [filename, f"organisme {slug or index + 1}"]
        self.check_slug(where, slug, self.org_slugs, filename)
        for key, field in ORG_TEXTS.items():
            self.check_text(where, org, key, field, Organization, key in REQUIRED_TEXTS)
        self.check_contact(where, org, "website", "email")
        year = org.get("year_incorporated")
        if year is not None and not (isinstance(year, int) and 1850 <= year <= 2026):
            self.error(where, f"année de fondation invalide {year!r}")
        self.check_phones(where, org.get("phones", []))
        keys = set()
        for location in org.get("locations", []):
            if not isinstance(location, dict):
                self.error(where, f"lieu {location!r} : un objet est attendu")
                continue
            key = location.get("key")
            if not isinstance(key, str) or not key or key in keys:
                self.error(where, f"clé de lieu absente ou répétée {key!r}")
            keys.add(key)
            self.check_location([*where, f"lieu {key}"], location)
        services = org.get("services")
        if not isinstance(services, list) or not services:
            self.error(where, "au moins un service est attendu")
            return
        for service in services:
            self.check_service(filename, where, service, keys)

    def check_location(self, where, location):
        for key, field in LOCATION_TEXTS.items():
            self.check_text(where, location, key, field, Location)
        if location.get("type", "physical") not in LOCATION_TYPES:
            self.error(where, f"type de lieu inconnu {location.get('type')!r}")
        place = self.municipalities.get(location.get("municipality"))
        if place is None:
            self.error(where, f"municipalité inconnue {location.get('municipality')!r}")
        lat, lon = location.get("latitude"), location.get("longitude")
        code = location.get("postal_code", "")
        if location.get("confidential"):
            if location.get("address_1") or code or lat is not None or lon is not None:
                self.error(where, "un lieu confidentiel n'a ni adresse, ni code postal, ni point")
            return
        if (lat is None) != (lon is None) or not all(
            v is None or isinstance(v, int | float) for v in (lat, lon)
        ):
            self.error(where, "latitude et longitude vont ensemble et sont des nombres")
        elif lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
            self.error(where, f"coordonnées hors limites ({lat}, {lon})")
        if code and not POSTAL_CODE.match(code):
            self.error(where, f"code postal mal formé {code!r} (ex. « J6A 2B5 »)")
        elif code and place and place[1] and code[:3] not in place[1]:
            self.error(where, f"le code postal {code} n'est pas un préfixe de cette municipalité")

    def check_service(self, filename, org_where, service, location_keys):
        slug = service.get("slug") if isinstance(service, dict) else None
        where = [*org_where, f"service {slug}"]
        if not isinstance(service, dict):
            self.error(where, "un objet est attendu")
            return
        self.check_slug(where, slug, self.service_slugs, filename)
        for key, field in SERVICE_TEXTS.items():
            self.check_text(where, service, key, field, Service, key in REQUIRED_TEXTS)
        self.check_contact(where, service, "url", "email")
        self.check_phones(where, service.get("phones", []))
        sectors = service.get("sectors")
        if not isinstance(sectors, list) or not sectors:
            self.error(where, "« sectors » doit lister au moins un secteur")
        else:
            for unknown in [s for s in sectors if s not in self.sectors]:
                self.error(where, f"secteur inconnu {unknown!r}")
        for unknown in [c for c in service.get("languages", []) if c not in self.languages]:
            self.error(where, f"langue inconnue {unknown!r}")
        for unknown in [k for k in service.get("locations", []) if k not in location_keys]:
            self.error(where, f"lieu {unknown!r} absent de l'organisme")
        status = service.get("status", "active")
        if status not in STATUSES:
            self.error(where, f"statut inconnu {status!r}")
        elif status == "temporarily closed" and not (service.get("alert") or {}).get("fr"):
            self.error(where, "un service fermé temporairement doit avoir un avis (« alert »)")
        low, high = service.get("minimum_age"), service.get("maximum_age")
        if not all(v is None or (isinstance(v, int) and 0 <= v <= 130) for v in (low, high)):
            self.error(where, "les âges sont des entiers de 0 à 130")
        elif low is not None and high is not None and low > high:
            self.error(where, f"âge minimum {low} supérieur à l'âge maximum {high}")
        self.check_area(where, service.get("area"))
        if "schedule" in service:
            self.check_schedule([*where, "schedule"], service["schedule"])
        self.check_date(where, "assured_date", service.get("assured_date"))

    def check_area(self, where, area):
        if area is None:
            return
        if not isinstance(area, dict) or area.get("scope") not in SCOPES:
            scopes = ", ".join(sorted(SCOPES))
            self.error(where, f"territoire invalide {area!r} (portée : {scopes})")
            return
        places = area.get("municipalities", [])
        if area["scope"] == "local" and not places:
            self.error(where, "une portée « local » nomme ses municipalités")
        for unknown in [p for p in places if p not in self.municipalities]:
            self.error(where, f"municipalité desservie inconnue {unknown!r}")

    def check_date(self, where, key, value, required=False):
        if value is None:
            if required:
                self.error(where, f"date « {key} » manquante")
            return
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            self.error(where, f"date « {key} » invalide {value!r} (AAAA-MM-JJ)")

    @staticmethod
    def valid_rule(rule):
        """{"weeks": [1..5 or -1..-5]} or {"every": 2..52, "from": "YYYY-MM-DD"}."""
        if not isinstance(rule, dict) or not rule or set(rule) - {"weeks", "every", "from"}:
            return False
        weeks, every, start = rule.get("weeks"), rule.get("every"), rule.get("from")
        if weeks is not None and not (
            isinstance(weeks, list) and weeks and all(w in WEEKS for w in weeks)
        ):
            return False
        if every is not None and (
            weeks or not isinstance(every, int) or not 2 <= every <= 52 or not start
        ):
            return False
        try:
            start and datetime.date.fromisoformat(start)
        except (TypeError, ValueError):
            return False
        return True

    def check_schedule(self, where, schedule):
        if not isinstance(schedule, dict):
            self.error(where, "un objet est attendu")
            return
        self.check_text(where, schedule, "description", "description", Schedule)
        for period in schedule.get("periods", []):
            try:
                day, opens, closes, *rule = period
                weekdays(day)
            except (AttributeError, TypeError, ValueError):
                self.error(where, f'période invalide {period!r} (ex. ["mon-fri", "09:00", …])')
                continue
            if rule and not self.valid_rule(rule[0]):
                self.error(
                    where,
                    f'règle invalide {rule[0]!r} (ex. {{"weeks": [1, 3]}} ou '
                    '{"every": 2, "from": "2026-01-03"})',
                )
            if not (isinstance(opens, str) and TIME.match(opens)) or not (
                isinstance(closes, str) and TIME.match(closes)
            ):
                self.error(where, f"heures invalides {period!r} (HH:MM)")
        for closure in schedule.get("closures", []):
            start = self.check_date(where, "start", closure.get("start"), required=True)
            end = self.check_date(where, "end", closure.get("end"), required=True)
            if start and end and start > end:
                self.error(where, f"fermeture du {start} au {end} : dates inversées")

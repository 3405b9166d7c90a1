"""`import_spreadsheet`: a sheet of services (CSV or XLSX) into our records, all or nothing.

One row per service, with its organization and (optionally) one location and phone numbers;
French and English in their own columns (docs/spreadsheet-import.md). Records are matched by
their id column, else by name (folded as everywhere: `resources.folding.fold`): an
organization by its French name, a service by its organization and French name, a location
among its organization's by address and municipality (or name). A filled cell sets its field;
an empty cell or an absent column leaves the stored value alone, so a sheet never erases by
accident. Every problem is given with the sheet's line and column; one problem, or a dry run
(the admin's preview), rolls the whole transaction back. The admin, the command and the tests
call `import_sheet`.
"""

import re
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from resources import generation
from resources.folding import fold
from resources.models import Location, Organization, Phone, Service, ServiceAtLocation
from resources.text_limits import limit_of
from search import indexing, lookups

from ..hsds import history
from ..hsds.importer import field_values, unique_slug
from .columns import COLUMNS, FALSE_WORDS, LOCATION_COLUMNS, TRUE_WORDS, columns_of
from .reader import Problem, read_sheet

KINDS = {
    Organization: gettext_lazy("Organismes"),
    Service: gettext_lazy("Services"),
    Location: gettext_lazy("Lieux"),
    Phone: gettext_lazy("Téléphones"),
}
LIST_SEPARATORS = re.compile(r"[;,]")


@dataclass
class Outcome:
    """What an import did (or, dry run, would do)."""

    rows: int = 0
    problems: list = field(default_factory=list)
    truncated: bool = False
    # [(label, [names created], [names updated], unchanged count)], in KINDS' order.
    summary: list = field(default_factory=list)
    warnings: list = field(default_factory=list)  # the HSDS import's
    cleared: list = field(default_factory=list)  # the HSDS import's: what it empties

    @property
    def ok(self):
        return not self.problems and not self.truncated


class RowRefused(Exception):
    """The rest of this row cannot be read (its problem is listed)."""


def import_sheet(name, content, dry_run=False, max_rows=None):
    """Import the sheet `name` (bytes `content`): an Outcome. Nothing is kept when it lists a
    problem, nor in a dry run. Over `max_rows` rows, nothing is read (`truncated`). Raises
    reader.Unreadable for a file that is neither CSV nor XLSX."""
    sheet = read_sheet(name, content, max_rows)
    outcome = Outcome(rows=len(sheet.rows), truncated=sheet.truncated)
    if sheet.truncated:
        return outcome
    if any(problem.line == 1 for problem in sheet.problems):
        outcome.problems = sheet.problems  # the header is wrong: no row means what it says
        return outcome
    with transaction.atomic(), indexing.deferred_refresh() as touched:
        loader = SpreadsheetLoader()
        loader.problems.extend(sheet.problems)
        loader.run(sheet.rows)
        outcome.problems = sorted(loader.problems, key=problem_order)
        outcome.summary = loader.summary()
        if outcome.problems or dry_run:
            touched.clear()
            transaction.set_rollback(True)
    if outcome.ok and not dry_run:
        generation.bump()
    return outcome


def problem_order(problem):
    order = list(COLUMNS)
    return problem.line, order.index(problem.column) if problem.column in order else -1


def convert(kind, text):
    """A cell's text as its field's value; ValueError with the message to show."""
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise ValueError(
                _("« %(text)s » n'est pas un nombre entier") % {"text": text}
            ) from None
    if kind == "decimal":
        try:
            return float(text.replace(",", "."))  # a French spreadsheet's decimal comma
        except ValueError:
            raise ValueError(_("« %(text)s » n'est pas un nombre") % {"text": text}) from None
    if kind == "boolean":
        word = fold(text)
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        raise ValueError(_("« %(text)s » : écrivez oui ou non") % {"text": text})
    return text


def column_for(record, field_name):
    """The column that fills `record.field_name` (a base name means its French column)."""
    for name in (field_name, f"{field_name}_fr"):
        for column_name, column in COLUMNS.items():
            if column.record == record and column.field == name:
                return column_name
    return ""


def same_location(location, address, name, municipality):
    """Whether the row's location is this stored one: the same address (or, with none, the same
    name, or neither) in the same municipality (when the row names one)."""
    if municipality is not None and location.municipality_id != municipality.pk:
        return False
    if address:
        return fold(location.address_1) == fold(address)
    if name:
        return fold(location.name_fr) == fold(name)
    return not location.address_1


def digits(number):
    return "".join(c for c in number if c.isdigit())


class SpreadsheetLoader:
    def __init__(self):
        self.problems = []
        self.objects = {}  # (model, pk) → the one instance this import works on
        self.outcomes = {}  # (model, pk) → "created", "updated" or "unchanged"
        self.service_lines = {}  # service pk → the line that gave it
        self.organization_keys = None  # folded French name → organization pks

    def run(self, rows):
        for line, values in rows:
            try:
                self.load_row(line, values)
            except RowRefused:
                continue

    def fail(self, line, column, message):
        self.problems.append(Problem(line, column, str(message)))

    def refuse(self, line, column, message):
        self.fail(line, column, message)
        raise RowRefused

    # Rows ---------------------------------------------------------------------------------

    def load_row(self, line, values):
        organization = self.organization(line, values)
        service = self.service(line, values, organization)
        if any(column in values for column in LOCATION_COLUMNS):
            location = self.location(line, values, organization)
            ServiceAtLocation.objects.get_or_create(service=service, location=location)
        if "sectors" in values:
            self.sectors(line, values["sectors"], service)
        if "service_phone_extension" in values and "service_phone" not in values:
            self.fail(line, "service_phone_extension", _("un poste sans numéro"))
        if "service_phone" in values:
            extension = values.get("service_phone_extension", "")
            self.phone(line, "service_phone", values["service_phone"], extension, service=service)
        if "organization_phone" in values:
            self.phone(
                line,
                "organization_phone",
                values["organization_phone"],
                "",
                organization=organization,
            )

    def organization(self, line, values):
        if "organization_id" in values:
            org = self.by_id(Organization, line, "organization_id", values["organization_id"])
        else:
            name = values.get("organization_name_fr")
            if not name:
                self.refuse(line, "organization_name_fr", _("obligatoire"))
            found = self.organizations_named(name)
            if len(found) > 1:
                message = _("plusieurs organismes portent ce nom : donnez organization_id")
                self.refuse(line, "organization_name_fr", message)
            org = self.by_pk(Organization, found[0]) if found else Organization()
        # Matched by its name, a record keeps it as stored ("ENTRAIDE" renames nothing).
        key = () if org.pk is None or "organization_id" in values else ("organization_name_fr",)
        self.fill(line, values, org, "organization", key)
        self.require_new(line, org, "organization", ("name", "description"))
        created = org.pk is None
        if created:
            unique_slug(org, slugify(org.name_fr))
        self.save(line, org, "organization")
        if created:
            self.organizations_named(org.name_fr).append(org.pk)
        return org

    def organizations_named(self, name):
        """The pks of the organizations of this French name (folded): read once per import."""
        if self.organization_keys is None:
            self.organization_keys = {}
            for pk, stored in Organization.objects.values_list("pk", "name_fr"):
                self.organization_keys.setdefault(fold(stored), []).append(pk)
        return self.organization_keys.setdefault(fold(name), [])

    def service(self, line, values, organization):
        if "service_id" in values:
            service = self.by_id(Service, line, "service_id", values["service_id"])
            if service.organization_id != organization.pk:
                message = _("ce service appartient à un autre organisme (%(name)s)") % {
                    "name": service.organization.name_fr
                }
                self.refuse(line, "service_id", message)
            column = "service_id"
        else:
            name = values.get("service_name_fr")
            if not name:
                self.refuse(line, "service_name_fr", _("obligatoire"))
            found = [
                pk
                for pk, stored in organization.services.values_list("pk", "name_fr")
                if fold(stored) == fold(name)
            ]
            if len(found) > 1:
                message = _("plusieurs services de l'organisme portent ce nom : donnez service_id")
                self.refuse(line, "service_name_fr", message)
            service = self.by_pk(Service, found[0]) if found else Service()
            column = "service_name_fr"
        if service.pk in self.service_lines:
            message = _("ce service est déjà à la ligne %(line)s") % {
                "line": self.service_lines[service.pk]
            }
            self.refuse(line, column, message)
        service.organization = organization
        key = () if service.pk is None or "service_id" in values else ("service_name_fr",)
        self.fill(line, values, service, "service", key)
        self.require_new(line, service, "service", ("name", "description"))
        minimum, maximum = service.minimum_age, service.maximum_age
        if minimum is not None and maximum is not None and minimum > maximum:
            self.refuse(line, "minimum_age", _("plus grand que l'âge maximum"))
        if service.pk is None:
            unique_slug(service, slugify(service.name_fr))
        self.save(line, service, "service")
        self.service_lines[service.pk] = line
        return service

    def location(self, line, values, organization):
        municipality = None
        if "municipality" in values:
            municipality = lookups.municipality(values["municipality"])
            if municipality is None:
                self.refuse(line, "municipality", _("municipalité inconnue"))
        address, name = values.get("address_1", ""), values.get("location_name_fr", "")
        found = next(
            (
                location
                for location in organization.locations.all()
                if same_location(location, address, name, municipality)
            ),
            None,
        )
        location = self.by_pk(Location, found.pk) if found else Location()
        location.organization = organization
        if municipality is not None:
            location.municipality_id = municipality.pk
        self.fill(line, values, location, "location")
        if (location.latitude is None) != (location.longitude is None):
            column = "longitude" if location.longitude is None else "latitude"
            self.refuse(line, column, _("donnez la latitude et la longitude"))
        self.save(line, location, "location")
        return location

    def sectors(self, line, text, service):
        slugs = [s.strip() for s in LIST_SEPARATORS.split(text) if s.strip()]
        sectors = {slug: lookups.sector(slug) for slug in slugs}
        unknown = [slug for slug, sector in sectors.items() if sector is None]
        if unknown:
            self.refuse(
                line, "sectors", _("secteur inconnu : %(slugs)s") % {"slugs": ", ".join(unknown)}
            )
        if set(service.sectors.values_list("pk", flat=True)) != {s.pk for s in sectors.values()}:
            service.sectors.set(sectors.values())
            key = (Service, service.pk)
            if self.outcomes[key] == "unchanged":
                self.outcomes[key] = "updated"

    def phone(self, line, column, number, extension, **owner):
        if len(digits(number)) < 7:
            self.refuse(
                line, column, _("« %(text)s » n'est pas un numéro de téléphone") % {"text": number}
            )
        phones = Phone.objects.filter(**owner)
        for phone in phones:
            if digits(phone.number) == digits(number) and phone.extension == extension:
                self.outcomes.setdefault((Phone, phone.pk), "unchanged")
                self.objects.setdefault((Phone, phone.pk), phone)
                return
        phone = Phone(number=number, extension=extension, position=phones.count(), **owner)
        self.save(line, phone, "phone", column)

    # Records ------------------------------------------------------------------------------

    def by_pk(self, model, pk):
        key = (model, pk)
        if key not in self.objects:
            obj = model.objects.get(pk=pk)
            obj._stored_before_import = field_values(obj)
            self.objects[key] = obj
        return self.objects[key]

    def by_id(self, model, line, column, text):
        try:
            ident = uuid.UUID(text)
        except ValueError:
            self.refuse(line, column, _("« %(text)s » n'est pas un identifiant") % {"text": text})
        pk = model.objects.filter(uuid=ident).values_list("pk", flat=True).first()
        if pk is None:
            self.refuse(line, column, _("aucun enregistrement n'a cet identifiant"))
        return self.by_pk(model, pk)

    def fill(self, line, values, obj, record, skip=()):
        """Set the fields of `obj` its filled cells give (but the `skip` columns); a cell that
        disagrees with what an earlier line gave the same record is a problem, as a value its
        field cannot hold."""
        given = obj.__dict__.setdefault("_given", {})
        refused = False
        for name, column in columns_of(record).items():
            if name not in values or name in skip:
                continue
            try:
                value = convert(column.kind, values[name])
            except ValueError as exc:
                self.fail(line, name, exc)
                refused = True
                continue
            limit = limit_of(type(obj), column.field)
            if limit is not None and len(value) > limit:
                message = _("%(count)s caractères, plus que les %(limit)s permis")
                self.fail(line, name, message % {"count": len(value), "limit": limit})
                refused = True
                continue
            earlier = given.get(column.field)
            if earlier and earlier[0] != value:
                message = _("différent de la ligne %(line)s (« %(text)s »)")
                self.fail(line, name, message % {"line": earlier[1], "text": f"{earlier[0]}"[:60]})
                refused = True
                continue
            given[column.field] = (value, line)
            setattr(obj, column.field, value)
        if refused:
            raise RowRefused

    def require_new(self, line, obj, record, fields):
        """A new record needs its French name and description."""
        if obj.pk is not None:
            return
        for name in fields:
            if not getattr(obj, f"{name}_fr"):
                self.refuse(
                    line, column_for(record, name), _("obligatoire pour un nouvel enregistrement")
                )

    def save(self, line, obj, record, column=None):
        created = obj.pk is None
        try:
            obj.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self.fail(line, column or column_for(record, name), " ".join(messages))
            raise RowRefused from None
        if not created and field_values(obj) == obj._stored_before_import:
            self.outcomes.setdefault((type(obj), obj.pk), "unchanged")
            return
        obj._change_reason = history.signature()
        try:
            with transaction.atomic():
                obj.save()
        except (IntegrityError, DataError) as exc:
            self.refuse(line, column or "", str(exc).splitlines()[0])
        obj._stored_before_import = field_values(obj)  # what a later line compares with
        key = (type(obj), obj.pk)
        self.objects[key] = obj
        if created:
            self.outcomes[key] = "created"
        elif self.outcomes.get(key) != "created":
            self.outcomes[key] = "updated"

    def summary(self):
        rows = []
        for model, label in KINDS.items():
            done = {"created": [], "updated": [], "unchanged": []}
            for (kind, pk), outcome in self.outcomes.items():
                if kind is model:
                    done[outcome].append(str(self.objects[(kind, pk)]))
            if any(done.values()):
                rows.append(
                    (
                        label,
                        sorted(done["created"]),
                        sorted(done["updated"]),
                        len(done["unchanged"]),
                    )
                )
        return rows

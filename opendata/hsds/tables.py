"""The whole directory (or a page of it) as HSDS tables: {table name: [rows sorted by id]}.

Every read goes through prefetching querysets, so the number of queries does not depend on the
number of records (the API builds its pages with the same functions).
"""

from django.db.models import Prefetch

from resources.models import (
    CostOption,
    Location,
    Organization,
    Phone,
    Schedule,
    Sector,
    Service,
    ServiceAtLocation,
)

from . import history, rows

RESOURCE_TYPES = {
    Organization: "organization",
    Service: "service",
    Location: "location",
    ServiceAtLocation: "service_at_location",
    Phone: "phone",
    Schedule: "schedule",
    Sector: "taxonomy_term",
    CostOption: "cost_option",
}


def empty_tables():
    return {
        name: []
        for name in (
            "organizations",
            "services",
            "locations",
            "addresses",
            "accessibility",
            "service_at_location",
            "phones",
            "schedules",
            "service_areas",
            "languages",
            "required_documents",
            "cost_options",
            "attributes",
            "taxonomies",
            "taxonomy_terms",
            "metadata",
        )
    }


def phones_prefetch(path):
    return Prefetch(
        path,
        queryset=Phone.objects.select_related(
            "organization", "service", "location"
        ).prefetch_related("languages"),
    )


def schedules_prefetch(path):
    return Prefetch(path, queryset=Schedule.objects.prefetch_related("periods", "closures"))


def services_queryset():
    return Service.objects.select_related("organization").prefetch_related(
        phones_prefetch("phones"),
        "languages",
        "cost_options",
        Prefetch("sectors", queryset=Sector.objects.select_related("parent")),
        "service_areas__municipalities",
        schedules_prefetch("schedules"),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related(
                "location__municipality", "location__organization"
            ).prefetch_related(
                schedules_prefetch("schedules"),
                phones_prefetch("location__phones"),
                schedules_prefetch("location__schedules"),
            ),
        ),
    )


def organizations_queryset():
    return Organization.objects.prefetch_related(
        phones_prefetch("phones"),
        Prefetch(
            "locations",
            queryset=Location.objects.select_related(
                "municipality", "organization"
            ).prefetch_related(phones_prefetch("phones"), schedules_prefetch("schedules")),
        ),
    )


def sectors_queryset():
    return Sector.objects.select_related("parent")


def metadata_order(row):
    """History reads best per record, oldest first."""
    return (row["resource_id"], row["last_action_date"], row["field_name"], row["id"])


class TableBuilder:
    """Collects rows, once per id, and the objects whose history becomes `metadata`."""

    def __init__(self, language, with_metadata=True):
        self.language = language
        self.tables = empty_tables()
        self.seen = set()
        self.with_metadata = with_metadata
        self.tracked = {}

    def add(self, table, row, obj=None):
        if row is None or (table, row["id"]) in self.seen:
            return
        self.seen.add((table, row["id"]))
        self.tables[table].append(row)
        if obj is not None and self.with_metadata:
            self.tracked.setdefault(type(obj), {})[obj.pk] = obj

    def add_phones(self, phones):
        for phone in phones:
            owners = {
                f"{kind}_id": str(getattr(phone, kind).uuid)
                for kind in ("organization", "service", "location")
                if getattr(phone, f"{kind}_id")
            }
            self.add("phones", rows.phone_row(phone, self.language, owners), phone)
            for language in phone.languages.all():
                self.add("languages", rows.language_row(phone, language, self.language, "phone"))

    def add_schedules(self, schedules, owner):
        for schedule in schedules:
            for index, row in enumerate(rows.schedule_rows(schedule, self.language, owner)):
                self.add("schedules", row, schedule if index == 0 else None)

    def add_location(self, location):
        location_row, address, accessibility = rows.location_rows(location, self.language)
        self.add("locations", location_row, location)
        self.add("addresses", address)
        self.add("accessibility", accessibility)
        self.add_phones(location.phones.all())
        self.add_schedules(location.schedules.all(), {"location_id": str(location.uuid)})

    def add_organization(self, org, full=True):
        self.add("organizations", rows.organization_row(org, self.language), org)
        if full:
            self.add_phones(org.phones.all())
            for location in org.locations.all():
                self.add_location(location)

    def add_service(self, service):
        lang = self.language
        self.add("services", rows.service_row(service, lang), service)
        self.add("required_documents", rows.required_document_row(service, lang))
        for option in service.cost_options.all():
            self.add("cost_options", rows.cost_option_row(option, service, lang), option)
        self.add_phones(service.phones.all())
        self.add_schedules(service.schedules.all(), {"service_id": str(service.uuid)})
        for area in service.service_areas.all():
            area.service = service
            self.add("service_areas", rows.service_area_row(area, lang))
        for language in service.languages.all():
            self.add("languages", rows.language_row(service, language, lang))
        for sector in service.sectors.all():
            self.add("attributes", rows.attribute_row(service, sector))
        for sal in service.service_at_locations.all():
            sal.service = service
            self.add("service_at_location", rows.service_at_location_row(sal, lang), sal)
            self.add_schedules(sal.schedules.all(), {"service_at_location_id": str(sal.uuid)})
            self.add_location(sal.location)

    def add_taxonomy(self, sectors):
        self.add("taxonomies", rows.taxonomy_row(self.language))
        for sector in sectors:
            parent = sector.parent.uuid if sector.parent_id else None
            self.add("taxonomy_terms", rows.term_row(sector, self.language, parent), sector)

    def finish(self):
        """Attach history as metadata (one query per model), sort every table by id."""
        for model, objects in self.tracked.items():
            found = history.history_rows(model, list(objects.values()))
            for pk, obj in objects.items():
                records = history.metadata_for(obj, RESOURCE_TYPES[model], found.get(pk, []))
                self.tables["metadata"].extend(records)
        for name, table in self.tables.items():
            table.sort(key=metadata_order if name == "metadata" else lambda row: row["id"])
        return self.tables


def directory_tables(language):
    """Everything: every organization, service and sector, with their history."""
    builder = TableBuilder(language)
    for org in organizations_queryset():
        builder.add_organization(org)
    for service in services_queryset():
        builder.add_service(service)
    builder.add_taxonomy(sectors_queryset())
    return builder.finish()

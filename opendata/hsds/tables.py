"""The whole directory (or a page of it) as HSDS tables: {table name: [rows sorted by id]}.

Every read goes through prefetching querysets, so the number of queries does not depend on the
number of records (the API builds its pages with the same functions).
"""

from django.db.models import Prefetch

from resources.models import (
    Attribute,
    CostOption,
    Location,
    Organization,
    Phone,
    Schedule,
    Sector,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
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


# The table of each HSDS entity an attribute may link (opendata/hsds/load_taxonomies.LINKED).
ENTITY_TABLES = {
    "service": "services",
    "organization": "organizations",
    "location": "locations",
    "service_at_location": "service_at_location",
    "phone": "phones",
    "schedule": "schedules",
    "service_area": "service_areas",
    "cost_option": "cost_options",
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


def feed_terms_queryset():
    return TaxonomyTerm.objects.select_related("taxonomy", "parent")


def attributes_queryset():
    return Attribute.objects.select_related(
        "taxonomy_term__taxonomy", "taxonomy_term__parent", "sector__parent"
    )


def metadata_order(row):
    """History reads best per record, oldest first."""
    return (row["resource_id"], row["last_action_date"], row["field_name"], row["id"])


class TableBuilder:
    """Collects rows, once per id, and the objects whose history becomes `metadata`."""

    def __init__(self, language, with_metadata=True, all_attributes=False):
        self.language = language
        # The whole directory reads every attribute at once; a page, those of its records.
        self.all_attributes = all_attributes
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

    def add_feed_taxonomies(self, taxonomies, terms):
        for taxonomy in taxonomies:
            self.add("taxonomies", rows.feed_taxonomy_row(taxonomy))
        for term in terms:
            self.add("taxonomy_terms", rows.feed_term_row(term))

    def term(self, attribute):
        """The term row of an attribute's term (a feed's, or one of our sectors)."""
        if attribute.taxonomy_term_id:
            return rows.feed_term_row(attribute.taxonomy_term)
        sector = attribute.sector
        parent = sector.parent.uuid if sector.parent_id else None
        return rows.term_row(sector, self.language, parent)

    def add_attributes(self):
        """The feed attributes kept for the records collected (one query), with their terms."""
        if self.all_attributes:
            found = attributes_queryset()
        else:
            linked = set(ENTITY_TABLES.values())
            ids = sorted({ident for table, ident in self.seen if table in linked})
            found = attributes_queryset().filter(link_id__in=ids) if ids else []
        for attribute in found:
            table = ENTITY_TABLES.get(attribute.link_entity)
            if (table, str(attribute.link_id)) not in self.seen:
                continue  # its record is not in these tables (or no longer exists)
            self.add("attributes", rows.feed_attribute_row(attribute))
            self.add("taxonomy_terms", self.term(attribute))

    def finish(self):
        """Attach the feed attributes, and history as metadata (one query per model); sort
        every table by id."""
        self.add_attributes()
        for model, objects in self.tracked.items():
            found = history.history_rows(model, list(objects.values()))
            for pk, obj in objects.items():
                records = history.metadata_for(obj, RESOURCE_TYPES[model], found.get(pk, []))
                self.tables["metadata"].extend(records)
        for name, table in self.tables.items():
            table.sort(key=metadata_order if name == "metadata" else lambda row: row["id"])
        return self.tables


def directory_tables(language):
    """Everything: every organization, service and sector, with their history; the feeds'
    taxonomies, terms and attributes."""
    builder = TableBuilder(language, all_attributes=True)
    for org in organizations_queryset():
        builder.add_organization(org)
    for service in services_queryset():
        builder.add_service(service)
    builder.add_taxonomy(sectors_queryset())
    builder.add_feed_taxonomies(Taxonomy.objects.all(), feed_terms_queryset())
    return builder.finish()

"""The HSDS 3.0 API endpoints (read-only JSON; see opendata/api/openapi.py for the contract).

Lists answer the HSDS page envelope. A page is built in a fixed number of queries: the ids of
the page first, then the records with everything they nest (prefetching querysets shared with
the export, opendata/hsds/tables.py).
"""

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from resources.models import Organization, Sector, Service, ServiceAtLocation, Taxonomy

from ..hsds import rows
from ..hsds.nesting import Nester
from ..hsds.profile import HSDS_VERSION, TAXONOMY_ID
from ..hsds.tables import (
    TableBuilder,
    feed_terms_queryset,
    organizations_queryset,
    services_queryset,
)
from . import params, queries
from .http import api_view, envelope, error
from .openapi import PROFILE_PATH, openapi_document


def paginate(request, selection):
    """(primary keys of the requested page, total) of a queryset or an ordered id list."""
    page, per_page = params.page(request)
    start = (page - 1) * per_page
    if isinstance(selection, queries.SearchPages):
        keys, total = selection.page(page, per_page)
        return keys, total, page, per_page
    if isinstance(selection, list):
        return selection[start : start + per_page], len(selection), page, per_page
    total = selection.count()
    keys = list(selection.values_list("pk", flat=True)[start : start + per_page])
    return keys, total, page, per_page


def in_order(queryset, keys):
    found = queryset.in_bulk(keys)
    return [found[k] for k in keys if k in found]


def full_services(services, language):
    builder = TableBuilder(language)
    for service in services:
        builder.add_service(service)
        builder.add_organization(service.organization, full=False)
        for sector in service.sectors.all():
            parent = sector.parent.uuid if sector.parent_id else None
            builder.add("taxonomy_terms", rows.term_row(sector, language, parent))
    nester = Nester(builder.finish())
    return nester, [nester.t.by_id("services", str(s.uuid)) for s in services]


@api_view
def root(request, language):
    return {
        "version": HSDS_VERSION,
        "profile": request.build_absolute_uri(reverse("api:profile")),
        "openapi_url": request.build_absolute_uri(reverse("api:openapi")),
    }


@api_view
def services(request, language):
    full = params.boolean(request, "full")
    keys, total, page, per_page = paginate(request, queries.service_ids(request))
    if full:
        page_services = in_order(services_queryset(), keys)
        nester, found = full_services(page_services, language)
        contents = [nester.service(row) for row in found]
    else:
        page_services = in_order(Service.objects.select_related("organization"), keys)
        contents = [
            {
                **rows.service_row(s, language),
                "organization": rows.organization_row(s.organization, language),
            }
            for s in page_services
        ]
    return envelope(contents, total, page, per_page)


@api_view
def service_detail(request, language, ident):
    service = services_queryset().filter(uuid=ident).first()
    if service is None:
        raise Http404
    nester, found = full_services([service], language)
    return nester.service(found[0])


@api_view
def organizations(request, language):
    keys, total, page, per_page = paginate(request, queries.organization_ids(request))
    found = in_order(Organization.objects.all(), keys)
    contents = [rows.organization_row(org, language) for org in found]
    return envelope(contents, total, page, per_page)


@api_view
def organization_detail(request, language, ident):
    org = organizations_queryset().filter(uuid=ident).first()
    if org is None:
        raise Http404
    builder = TableBuilder(language)
    builder.add_organization(org)
    tables = builder.finish()
    return Nester(tables).organization(tables["organizations"][0])


def all_taxonomies(language):
    """Ours and the feeds' kept by imports, as HSDS taxonomy objects, by id."""
    found = [rows.taxonomy_row(language)]
    found.extend(rows.feed_taxonomy_row(t) for t in Taxonomy.objects.all())
    return sorted(found, key=lambda row: row["id"])


@api_view
def taxonomies(request, language):
    raw = params.text(request, "search").lower()
    found = [t for t in all_taxonomies(language) if raw in t["name"].lower()]
    keys, total, page, per_page = paginate(request, found)
    return envelope(keys, total, page, per_page)


@api_view
def taxonomy_detail(request, language, ident):
    if str(ident) == TAXONOMY_ID:
        return rows.taxonomy_row(language)
    taxonomy = Taxonomy.objects.filter(uuid=ident).first()
    if taxonomy is None:
        raise Http404
    return rows.feed_taxonomy_row(taxonomy)


def term(record, language):
    """A sector (our taxonomy) or a feed's term, with its taxonomy nested."""
    if isinstance(record, Sector):
        parent = record.parent.uuid if record.parent_id else None
        return {
            **rows.term_row(record, language, parent),
            "taxonomy_detail": rows.taxonomy_row(language),
        }
    row = rows.feed_term_row(record)
    if record.taxonomy_id:
        row["taxonomy_detail"] = rows.feed_taxonomy_row(record.taxonomy)
    return row


@api_view
def taxonomy_terms(request, language):
    keys, total, page, per_page = paginate(request, queries.term_keys(request, TAXONOMY_ID))
    sectors = Sector.objects.select_related("parent").in_bulk(
        [pk for kind, pk in keys if kind == "sector"]
    )
    feed = feed_terms_queryset().in_bulk([pk for kind, pk in keys if kind == "term"])
    found = [(sectors if kind == "sector" else feed).get(pk) for kind, pk in keys]
    return envelope([term(t, language) for t in found if t], total, page, per_page)


@api_view
def taxonomy_term_detail(request, language, ident):
    found = Sector.objects.select_related("parent").filter(uuid=ident).first()
    found = found or feed_terms_queryset().filter(uuid=ident).first()
    if found is None:
        raise Http404
    return term(found, language)


def sal_queryset():
    return ServiceAtLocation.objects.select_related(
        "service__organization", "location__municipality", "location__organization"
    )


@api_view
def service_at_locations(request, language):
    keys, total, page, per_page = paginate(request, queries.service_at_location_ids(request))
    contents = []
    for sal in in_order(sal_queryset(), keys):
        location, _, _ = rows.location_rows(sal.location, language)
        contents.append(
            {
                **rows.service_at_location_row(sal, language),
                "location": location,
                "service": rows.service_row(sal.service, language),
            }
        )
    return envelope(contents, total, page, per_page)


@api_view
def service_at_location_detail(request, language, ident):
    service = services_queryset().filter(service_at_locations__uuid=ident).first()
    if service is None:
        raise Http404
    nester, found = full_services([service], language)
    full = nester.service(found[0])
    sal = next(s for s in full["service_at_locations"] if s["id"] == str(ident))
    return {**sal, "service": nester.service(found[0], full=False)}


@api_view
def openapi(request, language):
    return openapi_document(request)


@require_safe
def profile(request):
    """The profile (docs/hsds-profile.md) as Markdown text."""
    text = PROFILE_PATH.read_text(encoding="utf-8")
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@api_view
def not_found(request, language, path=""):
    return error(404, "no such endpoint; see /api/openapi.json")

"""Public browsing pages: home, sector, municipality, organization, service."""

from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from . import counts as service_counts
from . import my_list as my_lists
from .calls import phones_to_call, prefetch_calls
from .folding import place_names
from .listing import ServiceCard
from .maps import service_map
from .models import Municipality, Organization, Sector, Service
from .opening_hours import Hours, prefetch_places_schedules, schedules_of
from .querysets import translated_columns
from .safety import in_quick_exit_family, not_kept_offline, quick_exit

# A service page links to this many of its organization's other services, then to the
# organization's page for the rest.
OTHER_SERVICES_SHOWN = 10


@require_safe
def home(request):
    counts = service_counts.home_counts()
    sectors = list(Sector.objects.top_level())
    municipalities = list(Municipality.objects.in_mrc())
    for sector in sectors:
        sector.service_count = counts["sectors"].get(sector.pk, 0)
    for municipality in municipalities:
        municipality.service_count = counts["municipalities"].get(municipality.pk, 0)
    return render(
        request,
        "resources/home.html",
        {"sectors": sectors, "municipalities": municipalities, "place_names": home_place_names()},
    )


def home_place_names():
    """The place field's suggestions on the home page (folding.place_names, the rule the
    results page follows from the search's memory, a layer above this one); one query."""
    return place_names(Municipality.objects.only("name"))


@require_safe
def organization_detail(request, slug):
    """An organization and its services, as the cards of the other listings (sector,
    municipality and results pages: the search app's), in a fixed number of queries."""
    organization = get_object_or_404(
        Organization.objects.active().prefetch_related(
            "phones",
            # The services' organization is this one, with its numbers read above.
            Prefetch(
                "services",
                queryset=Service.objects.active()
                .with_listing_data(organization=False, details=False)
                .order_by("name"),
            ),
        ),
        slug=slug,
    )
    services = organization.services.all()
    # What the cards read besides: the places' numbers of services without their own (the
    # organization's were read above), the schedules of the places of those without their own.
    prefetch_calls(services)
    prefetch_places_schedules(services)
    cards = [ServiceCard(service) for service in services]
    return render(
        request,
        "resources/organization_detail.html",
        {"organization": organization, "cards": cards},
    )


@require_safe
def service_detail(request, slug):
    service = get_object_or_404(
        Service.objects.active().with_listing_data(sector_parents=True), slug=slug
    )
    prefetch_calls([service])
    prefetch_places_schedules([service])
    phones = phones_to_call(service)
    prefetch_related_objects(phones, "languages")
    # One query; one more than shown tells whether to link to the organization's page.
    others = list(
        Service.objects.active()
        .filter(organization_id=service.organization_id)
        .exclude(pk=service.pk)
        .order_by("name", "pk")
        .only("slug", *translated_columns("name"))[: OTHER_SERVICES_SHOWN + 1]
    )
    context = {
        "service": service,
        "phones": phones,
        "hours": Hours(schedules_of(service)),
        "other_services": others[:OTHER_SERVICES_SHOWN],
        "more_other_services": len(others) > OTHER_SERVICES_SHOWN,
        "quick_exit": quick_exit(hide := in_quick_exit_family(service.sectors.all())),
        "map": service_map(service, get_language() or "fr"),
    }
    response = render(request, "resources/service_detail.html", context)
    return not_kept_offline(response, hide)


@require_safe
def my_list(request):
    """ "Ma liste": the services whose uuids the `ids` parameter gives, in its order (see
    resources/my_list.py); a constant number of queries whatever the list's length."""
    asked = my_lists.parse_ids(request.GET.get("ids"))
    found = {
        service.uuid: service
        for service in Service.objects.active()
        .filter(uuid__in=asked)
        .with_listing_data(sector_parents=True, details=False)
    }
    prefetch_calls(found.values())
    prefetch_places_schedules(found.values())
    ids = [i for i in asked if i in found]
    items = []
    for index, uid in enumerate(ids):
        service = found[uid]
        items.append(
            {
                "service": service,
                "phones": phones_to_call(service),
                "places": [sal.location for sal in service.service_at_locations.all()],
                "hours": Hours(schedules_of(service)),
                "remove_url": my_lists.list_url(my_lists.without(ids, index)),
                "up_url": index > 0 and my_lists.list_url(my_lists.moved(ids, index, -1)),
                "down_url": index < len(ids) - 1
                and my_lists.list_url(my_lists.moved(ids, index, 1)),
            }
        )
    share_url = request.build_absolute_uri(my_lists.list_url(ids))
    context = {
        "items": items,
        "ids_param": my_lists.SEPARATOR.join(str(i) for i in ids),
        "share_url": share_url,
        "mailto": my_lists.mailto(items, share_url),
        "max_services": my_lists.MAX_SERVICES,
    }
    response = render(request, "resources/my_list.html", context)
    # A list holding a violence-sector service is never kept offline either (resources.safety).
    hide = any(in_quick_exit_family(found[uid].sectors.all()) for uid in ids)
    return not_kept_offline(response, hide)

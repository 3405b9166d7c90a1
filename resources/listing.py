"""A service as one card of a listing, from the directory tables: the organization page's
services. It answers what resources/card_html.py asks, as a search result does
(search.ranking.Hit, read from the search index) on the results, sector and municipality pages."""

from django.utils import timezone

from .calls import card_number, phones_to_call
from .models.directory import directions_to_point
from .opening_hours import schedules_of


class ServiceCard:
    """`service` read with ServiceQuerySet.with_listing_data, its places' schedules and the
    numbers resources.calls.prefetch_calls reads (views.organization_detail reads the
    organization with its numbers and gives it to its services): no query of its own."""

    distance_km = None  # no visitor's position on these pages
    matched = None

    def __init__(self, service, now=None):
        self.service = service
        self.now = now or timezone.now()
        self.places = [sal.location for sal in service.service_at_locations.all()]
        self.schedules = schedules_of(service)

    @property
    def is_located(self):
        return any(place.has_point for place in self.places)

    def _names(self, places):
        seen = {}
        for place in places:
            if place.municipality is not None:
                seen.setdefault(place.municipality.pk, place.municipality)
        return list(seen.values())

    @property
    def municipalities(self):
        """Its places' municipalities (a confidential one's too, never its address)."""
        return self._names(self.places)

    @property
    def confidential_places(self):
        return self._names(p for p in self.places if p.is_confidential)

    @property
    def other_places(self):
        hidden = {m.pk for m in self.confidential_places}
        return [m for m in self.municipalities if m.pk not in hidden]

    @property
    def open_now(self):
        if not self.schedules:
            return None
        return any(schedule.is_open_at(self.now) for schedule in self.schedules)

    @property
    def hours_today(self):
        today = timezone.localdate(self.now)
        return sorted(hours for s in self.schedules for hours in s.hours_on(today))

    @property
    def phone(self):
        return card_number(phones_to_call(self.service))

    @property
    def directions_url(self):
        for place in self.places:
            if place.has_point and place.longitude is not None:
                return directions_to_point(place.latitude, place.longitude)
        return None

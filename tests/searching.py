"""Searching from the tests as the results page does, through the one entry point
(search.finder.find), with the query parameters as strings."""

from resources.models import Service
from search.finder import find
from search.ranking import PAGE_SIZE


def outcome(now=None, size=PAGE_SIZE, **params):
    """The Outcome of the search with query parameters `params` (`now` stands in for the clock)."""
    return find(params, now=now, size=size).outcome


def found(**params):
    """The services found, in order, as model instances."""
    return [Service.objects.get(pk=hit.service.pk) for hit in outcome(**params).hits]

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


def results_page(client, **params):
    """The French results page's HTML for `params` (asserting it answered 200)."""
    response = client.get("/fr/recherche/", params)
    assert response.status_code == 200
    return response.content.decode()

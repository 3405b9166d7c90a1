"""The one way into the search: query parameters in, a page of results out.

The results page, the HSDS API, the benchmark and the tests all call `find` (or `find_ids`):
the parameters are read by `SearchForm` (a bad one is reported and dropped, never an error),
turned into `Criteria` and searched by `ranking.search` (the rule is in its docstring).
"""

from dataclasses import dataclass

from .forms import SearchForm
from .ranking import PAGE_SIZE, Criteria, Outcome, search


@dataclass
class Found:
    form: SearchForm  # the parameters as read, with their problems
    criteria: Criteria
    outcome: Outcome


def find(params, *, now=None, size=PAGE_SIZE, cards=True):
    """Search with the query parameters `params` (a QueryDict or a dict of strings, as the
    results page takes them: q, sector, postal_code, municipality, lat, lon, filters, sort,
    page). `now` stands in for the clock ("open now"); without `cards`, the outcome holds the
    page's service ids and the count only."""
    form = SearchForm(params)
    form.is_valid()
    criteria = form.criteria(now=now)
    page = form.cleaned_data.get("page") or 1
    return Found(form, criteria, search(criteria, page=page, size=size, cards=cards))


def find_ids(params, *, size=PAGE_SIZE):
    """(ids of the page's services in order, the count of matches up to ranking.COUNT_CAP,
    the page shown): what the API needs, without reading any result card."""
    outcome = find(params, size=size, cards=False).outcome
    return outcome.ids, outcome.total, outcome.page

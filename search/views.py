"""Search results (see search/ranking.py for the rule)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from resources.models import Sector
from resources.positions import without_exact_position

from .forms import SearchForm
from .ranking import search

FILTERS = ("open_now", "free", "language", "wheelchair", "age", "sector")


@require_GET
def results(request):
    form = SearchForm(request.GET)
    form.is_valid()
    criteria = form.criteria()
    outcome = search(criteria, page=form.cleaned_data.get("page") or 1)
    context = {
        "form": form,
        "messages_": form.messages(),
        "criteria": criteria,
        "outcome": outcome,
        "place": criteria.municipality,
        "searched": bool(request.GET),
        "echoed": without_exact_position(request.GET),  # the links' query strings
    }
    if outcome.total == 0:
        context["removable"] = [name for name in FILTERS if request.GET.get(name)]
        context["neighbour_sectors"] = _neighbour_sectors(form.cleaned_data.get("sector"))
    return render(request, "search/results.html", context)


def _neighbour_sectors(sector):
    """Sectors to try instead: the chosen one's siblings and parent, or the top-level ones."""
    if sector is None:
        return Sector.objects.top_level()[:8]
    parent_id = sector.parent_id or sector.pk
    return Sector.objects.filter(parent_id=parent_id).exclude(pk=sector.pk)[:8]

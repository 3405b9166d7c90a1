"""Search results (see search/ranking.py for the rule)."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from resources.models import Sector
from resources.positions import without_exact_position

from .finder import find

# The filters a search with no result offers to drop, and how the link reads.
FILTERS = {
    "open_now": _("sans « ouvert maintenant »"),
    "free": _("sans « gratuit »"),
    "language": _("toutes les langues"),
    "wheelchair": _("sans « accessible en fauteuil roulant »"),
    "age": _("tous les âges"),
    "sector": _("tous les secteurs"),
}


@require_safe
def results(request):
    found = find(request.GET)
    form, criteria, outcome = found.form, found.criteria, found.outcome
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
        context["removable"] = removal_links(context["echoed"])
        context["neighbour_sectors"] = _neighbour_sectors(form.cleaned_data.get("sector"))
    return render(request, "search/results.html", context)


def _neighbour_sectors(sector):
    """Sectors to try instead: the chosen one's siblings and parent, or the top-level ones."""
    if sector is None:
        return Sector.objects.top_level()[:8]
    parent_id = sector.parent_id or sector.pk
    return Sector.objects.filter(parent_id=parent_id).exclude(pk=sector.pk)[:8]


def removal_links(echoed):
    """[(label, link)] for each filter in force: the same search without it, from page 1."""
    links = []
    for name, label in FILTERS.items():
        if echoed.get(name):
            params = echoed.copy()
            for dropped in (name, "page"):
                params.pop(dropped, None)
            links.append((label, f"?{params.urlencode()}"))
    return links

"""Search results (see search/ranking.py for the rule)."""

from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from resources.maps import results_map, visitor_position
from resources.positions import without_exact_position
from resources.safety import QUICK_EXIT_SECTOR, not_kept_offline, quick_exit

from . import crisis, lookups, suggestions
from .finder import find
from .text import LANGUAGES, as_typed, stop_words

# The filters a search with no result offers to drop, and how the link reads.
FILTERS = {
    "open_now": _("sans « ouvert maintenant »"),
    "free": _("sans « gratuit »"),
    "language": _("toutes les langues"),
    "wheelchair": _("sans « accessible en fauteuil roulant »"),
    "age": _("tous les âges"),
    "sector": _("tous les secteurs"),
}


# Fewer results than this (full and partial together) and the page suggests sectors.
FEW = 5


@require_safe
def results(request):
    found = find(request.GET)
    form, criteria, outcome = found.form, found.criteria, found.outcome
    understanding = form.understanding
    raw = form.cleaned_data.get("q") or ""
    for hit in outcome.partial:
        hit.matched = [" ".join(as_typed(raw, words.split())) for words in hit.matched]
    context = {
        "form": form,
        "messages_": form.messages(),
        "criteria": criteria,
        "outcome": outcome,
        "place": criteria.municipality,
        "searched": bool(request.GET),
        "echoed": without_exact_position(request.GET),  # the links' query strings
        "need_sectors": [lookups.sector_by_pk(pk) for pk in understanding.sector_ids()],
        "ignored": as_typed(raw, _worth_naming(criteria.query.ignored if criteria.query else [])),
        "crisis": crisis.lines(understanding, criteria) if understanding.crisis else None,
    }
    hide = _in_quick_exit_family([form.cleaned_data.get("sector"), *context["need_sectors"]])
    context["quick_exit"] = quick_exit(hide)
    context["map"] = results_map(
        [*outcome.hits, *outcome.partial, *outcome.apart],
        get_language() or "fr",
        _map_position(form, criteria, outcome),
    )
    if outcome.total == 0:
        context["removable"] = removal_links(context["echoed"])
    if outcome.total + len(outcome.partial) < FEW:
        context["suggested_sectors"] = suggestions.sectors(found)
    response = render(request, "search/results.html", context)
    return not_kept_offline(response, hide)


def _map_position(form, criteria, outcome):
    """The point the results are ranked from, for the map: only when they are nearest first."""
    if outcome.sort != "nearest" or not criteria.point:
        return None
    if form.uses_coordinates:
        label = gettext_now("Votre position approximative")
    elif criteria.municipality is not None:
        label = gettext_now("Lieu de votre recherche : %(place)s") % {
            "place": criteria.municipality.name
        }
    else:
        label = gettext_now("Lieu de votre recherche")
    return visitor_position(criteria.point, label, form.uses_coordinates)


def _in_quick_exit_family(sectors):
    """Whether a sector chosen or understood is of the violence family (resources.safety)."""
    violence = lookups.sector(QUICK_EXIT_SECTOR)
    family = set(lookups.sector_family(violence)) if violence else set()
    return any(sector is not None and sector.pk in family for sector in sectors)


def _worth_naming(words):
    """The words set aside that a person would recognize as theirs ("cherche", "besoin",
    "pis"), not the stop words and single letters of "j'ai" or "l'épicerie"."""
    return [w for w in words if len(w) > 2 and not any(w in stop_words(lang) for lang in LANGUAGES)]


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

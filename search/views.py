"""The listings: search results, and the sector and municipality pages, which are the same
listing with their sector or municipality set (see search/ranking.py for the rule).

The sector and municipality pages live here, not in `resources`, because they search: the
search app owns the form and the engine, and `resources` never imports it. Their URLs keep
their names in the `resources` namespace (`resources:sector-detail`, ...): see `BROWSING` in
search/urls.py and directory211/urls.py.
"""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from resources.maps import results_map, visitor_position
from resources.positions import without_exact_position
from resources.safety import QUICK_EXIT_SECTOR, not_kept_offline, quick_exit

from . import crisis, fragments, lookups, suggestions, unmet_needs
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


# The parameters that say where the visitor is (search.forms.SearchForm).
PLACE_PARAMS = ("place", "postal_code", "municipality", "lat", "lon")


@require_safe
def results(request):
    found = find(request.GET)
    context = _listing(request, found)
    context["sector_choices"] = _sector_choices(found.form.cleaned_data.get("sector"))
    response = _render(request, "search/results.html", context)
    return unmet_needs.note(response, request, found, context["need_sectors"])


@require_safe
def sector_detail(request, slug):
    """A sector's page: its scope, then the results listing within the sector (or the
    subsector `sector` names); another sector asked for is a search of the results page."""
    sector = lookups.sector(slug)
    if sector is None:
        raise Http404
    params = request.GET.copy()
    asked = params.get("sector")
    if not asked:
        params["sector"] = sector.slug
    elif getattr(lookups.sector(asked[:80]), "pk", None) not in lookups.sector_family(sector):
        return _as_a_search(request)
    context = _listing(request, find(params), preset="sector", own=sector.slug)
    parent = lookups.sector_by_pk(sector.parent_id) if sector.parent_id else None
    children = [lookups.sector_by_pk(pk) for pk in lookups.sector_family(sector)[1:]]
    context.update(
        sector=sector,
        parent=parent,
        subsectors=children,
        sector_choices=[(sector, children)],
        listing_url=request.path,
    )
    return _render(request, "search/sector_detail.html", context)


@require_safe
def municipality_detail(request, slug):
    """A municipality's page: the results listing for a visitor of that municipality (the
    services serving it, nearest its centre first); another place asked for is a search of
    the results page."""
    municipality = lookups.snapshot().by_slug.get(slug)
    if municipality is None:
        raise Http404
    params = request.GET.copy()
    if not any(params.get(name) for name in PLACE_PARAMS):
        params["municipality"] = municipality.slug
    found = find(params)
    if getattr(found.criteria.municipality, "pk", None) != municipality.pk:
        return _as_a_search(request)
    context = _listing(request, found, preset="place")
    context.update(
        municipality=municipality,
        sector_choices=_sector_choices(found.form.cleaned_data.get("sector")),
        listing_url=request.path,
    )
    return _render(request, "search/municipality_detail.html", context)


def _render(request, template, context):
    """The page; with the quick exit (the violence family), marked never to be kept offline.
    The form's lists are HTML kept per language (search/fragments.py)."""
    context.update(
        sector_options=fragments.sector_options(
            context["sector_choices"], context["chosen_sector"]
        ),
        language_options=fragments.language_options(context["criteria"].language),
        place_name_options=fragments.place_name_options(),
        sort_options=fragments.sort_options(
            context["form"].fields["sort"].choices, context["criteria"].sort
        ),
    )
    return not_kept_offline(render(request, template, context), bool(context["quick_exit"]))


def _as_a_search(request):
    query = request.GET.urlencode()
    return redirect(reverse("search:results") + (f"?{query}" if query else ""))


def _sector_choices(chosen=None):
    """[(top-level sector, [its subsectors])], from memory: the subsectors of the chosen
    sector's family only (about 2 KB compressed less than all of them; a top-level sector
    chosen, the next search offers its subsectors)."""
    sectors = lookups.snapshot().sectors_by_pk.values()
    children = {}
    for sector in sectors:
        children.setdefault(sector.parent_id, []).append(sector)
    top = chosen and (chosen.parent_id or chosen.pk)
    return [(t, children.get(t.pk, []) if t.pk == top else []) for t in children.get(None, [])]


def _listing(request, found, preset=None, own=None):
    """The context of a listing page; `preset`: the parameter the page sets itself
    ("sector", "place"), whose chip leads to the results page without it."""
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
    context["listing_url"] = reverse("search:results")
    context["chosen_sector"] = getattr(form.cleaned_data.get("sector"), "slug", "")
    context["heading"] = heading(form, criteria, outcome)
    context["chips"] = chips(form, criteria, context["echoed"], preset, own)
    return context


def _map_position(form, criteria, outcome):
    """The point the results are ranked from, for the map: only when they are nearest first."""
    if outcome.sort != "nearest" or not criteria.point:
        return None
    if form.uses_coordinates:
        label = gettext("Votre position approximative")
    elif criteria.municipality is not None:
        label = gettext("Lieu de votre recherche : %(place)s") % {
            "place": criteria.municipality.name
        }
    else:
        label = gettext("Lieu de votre recherche")
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
    return [(label, _without(echoed, name)) for name, label in FILTERS.items() if echoed.get(name)]


def _without(echoed, *names, path=""):
    """A link to `path` (this page when empty) with the parameters `echoed` but `names`,
    from page 1."""
    params = echoed.copy()
    for dropped in (*names, "page"):
        params.pop(dropped, None)
    query = params.urlencode()
    return f"{path}?{query}" if query or not path else path


# How a listing's heading names its order (search.ranking.Criteria.effective_sort).
ORDERS = {
    "nearest": _("les plus proches d'abord"),
    "relevance": _("les plus pertinents d'abord"),
    "name": _("par ordre alphabétique"),
}


def heading(form, criteria, outcome):
    """What was asked, in words: « Logement social — Charlemagne, les plus proches d'abord »."""
    data = form.cleaned_data
    asked = []
    if data.get("q"):
        asked.append(gettext("« %(words)s »") % {"words": data["q"]})
    if data.get("sector"):
        asked.append(data["sector"].name)
    if not asked:
        asked.append(gettext("Tous les services"))
    if criteria.municipality is not None:
        asked.append(criteria.municipality.name)
    elif criteria.point:
        asked.append(gettext("près de vous"))
    order = ORDERS.get(outcome.sort)
    what = " — ".join(asked)
    return gettext("%(what)s, %(order)s") % {"what": what, "order": order} if order else what


def chips(form, criteria, echoed, preset=None, own=None):
    """[(label, link)]: each filter of the query string in force, as a link to the same
    listing without it. The filter a sector or municipality page sets itself (`preset`) leads
    to the results page without it (`own`: the slug of a sector page's sector)."""
    data = form.cleaned_data
    results = reverse("search:results")
    found = []
    if data.get("q"):
        found.append((gettext("« %(words)s »") % {"words": data["q"]}, _without(echoed, "q")))
    if any(echoed.get(name) for name in PLACE_PARAMS) and (
        criteria.municipality is not None or criteria.point
    ):
        label = criteria.municipality.name if criteria.municipality else gettext("Votre position")
        where = results if preset == "place" else ""
        found.append((label, _without(echoed, *PLACE_PARAMS, path=where)))
    sector = data.get("sector")
    if echoed.get("sector") and sector is not None:
        # On a sector page, a subsector chosen goes back to the page's own sector.
        where = results if preset == "sector" and sector.slug == own else ""
        found.append((sector.name, _without(echoed, "sector", path=where)))
    for name in ("open_now", "free", "wheelchair"):
        if data.get(name):
            found.append((form.fields[name].label, _without(echoed, name)))
    if data.get("language"):
        language = lookups.snapshot().languages.get(data["language"])
        label = gettext("Langue : %(name)s") % {"name": language.name if language else ""}
        found.append((label, _without(echoed, "language")))
    if data.get("age") is not None:
        label = gettext("%(age)s ans") % {"age": data["age"]}
        found.append((label, _without(echoed, "age")))
    if data.get("sort"):
        label = gettext("Tri : %(order)s") % {
            "order": dict(form.fields["sort"].choices)[data["sort"]]
        }
        found.append((label, _without(echoed, "sort")))
    return found

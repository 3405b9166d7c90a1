"""The card of every listing, written in Python: `{% card hit %}` (templatetags/directory.py).

A results page shows twenty cards; through the template engine (an include, two dozen tags and
filters each) they were about three quarters of the page's rendering and the page's largest
cost after the search itself (docs/deploy.md, "Load figures"). This builds the same markup with
plain string joins: each value escaped as the template escaped it, each sentence through
gettext under the msgid the template gave it (so the catalogues keep them; as `{% translate %}`,
a translation is not escaped).

`hit`: a search result (search.ranking.Hit) or an organization page's service
(resources.listing.ServiceCard): anything with `service`, `distance_km`, `municipalities`,
`is_located`, `confidential_places`, `other_places`, `open_now`, `hours_today`, `phone`,
`directions_url` and `matched`.
"""

from django.template.defaultfilters import floatformat
from django.utils.dateformat import time_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from .models.schedules import covers_whole_day
from .my_list import add_url, parse_ids
from .translation import in_language


def _e(value):
    return conditional_escape(value)


def _translated(instance, field, language):
    """As the `{% translated %}` tag gives it (escaped)."""
    text, lang = in_language(instance, field, language)
    return format_html('<span lang="{}">{}</span>', lang, text) if lang and text else _e(text)


def _names(places):
    return ", ".join(_e(place.name) for place in places)


def _where(hit):
    if hit.distance_km is not None:
        km = gettext("%(km)s km") % {"km": _e(floatformat(hit.distance_km, 1))}
        return f'<span class="distance">{km}</span> · {_names(hit.municipalities)}'
    if not hit.is_located and hit.confidential_places:
        label = gettext("Adresse confidentielle")
        others = _names(hit.other_places)
        return f'<span class="confidential">{label} — {_names(hit.confidential_places)}</span>' + (
            f" · {others}" if others else ""
        )
    lead = ""
    if not hit.is_located:
        label = gettext("Sans adresse physique (téléphone, en ligne ou à domicile)")
        lead = f'<span class="no-location">{label}</span> · '
    return lead + _names(hit.municipalities)


def _hours(hit):
    is_open, hours = hit.open_now, hit.hours_today
    if is_open is None:
        return ""
    if is_open and covers_whole_day(hours or []):
        text = f"<strong>{gettext('Ouvert 24 h sur 24')}</strong>"
    else:
        if is_open:
            text = f"<strong>{gettext('Ouvert maintenant')}</strong>"
        else:
            text = gettext("Fermé maintenant")
        if hours:
            spans = ", ".join(
                f"{_e(time_format(opens, 'H:i'))}–{_e(time_format(closes, 'H:i'))}"
                for opens, closes in hours
            )
            today = gettext("Aujourd'hui :")
            text += f" · {today} {spans}"
    return f'<p class="hours">{text}</p>'


def _actions(hit, service, name, plain_name, request):
    parts = []
    phone = hit.phone
    if phone:
        parts.append(
            f'<a class="phone" href="{_e(phone.tel_href)}"><span class="call-verb">'
            f"{gettext('Appeler')}</span> {_e(phone)}</a> "
        )
    directions = hit.directions_url
    if directions:
        parts.append(
            f'<a class="directions" href="{_e(directions)}" rel="noopener">'
            f'{gettext("Itinéraire")}<span class="visually-hidden"> — {name}</span></a> '
        )
    existing = parse_ids(request.GET.get("liste")) if request is not None else []
    # An attribute holds text only: the name without its lang mark (`name` is HTML).
    label = gettext("Ajouter %(name)s à ma liste") % {"name": plain_name}
    parts.append(
        f'<a class="add-to-list" href="{_e(add_url(existing, service.uuid))}" '
        f'aria-label="{label}">{gettext("Ajouter à ma liste")}</a>'
    )
    return "".join(parts)


def _matched(hit):
    if hit.matched is None:
        return ""
    if hit.matched:
        text = f"{gettext('Contient :')} {', '.join(_e(words) for words in hit.matched)}"
    else:
        text = gettext("Dans un secteur lié à votre besoin")
    return f'<p class="matched">{text}</p>'


def render_card(hit, request=None):
    """The card of `hit` (an `<li>`, safe HTML), in the active language."""
    language = get_language() or "fr"
    service = hit.service
    organization = service.organization
    name = _translated(service, "name", language)
    plain_name = _e(in_language(service, "name", language)[0])
    alert = ""
    if getattr(service, "alert", ""):
        alert = f'<p class="alert">{_translated(service, "alert", language)}</p>'
    return mark_safe(  # noqa: S308 (every value above is escaped)
        f'<li class="result" data-service-id="{_e(service.uuid)}">\n'
        f'  <h3><a href="{_e(service.get_absolute_url())}">{name}</a></h3>\n'
        f'  <p class="organization"><a href="{_e(organization.get_absolute_url())}">'
        f"{_translated(organization, 'name', language)}</a></p>\n"
        f"  {alert}\n"
        f'  <p class="where">{_where(hit)}</p>\n'
        f"  {_hours(hit)}\n"
        f'  <p class="actions">{_actions(hit, service, name, plain_name, request)}</p>\n'
        f"  {_matched(hit)}\n"
        "</li>\n"
    )

"""The card of every listing, written in Python: `{% cards hits %}` (templatetags/directory.py).

A results page shows twenty cards; through the template engine (an include, two dozen tags and
filters each) they were about three quarters of the page's rendering and the page's largest
cost after the search itself (docs/deploy.md, "Load figures"). This builds the same markup with
plain string joins: each value escaped as the template escaped it, each sentence through
gettext under the msgid the template gave it (so the catalogues keep them; as `{% translate %}`,
a translation is not escaped).

What is the same for every card of a page (the language, its sentences, the decimal separator,
"Ma liste"'s address and the list already carried) is worked out once per page (`Page`), not
once per card: a page of twenty cards costs about a third of what it did (docs/scale.md,
"Whole pages").

`hit`: a search result (search.ranking.Hit) or an organization page's service
(resources.listing.ServiceCard): anything with `service`, `distance_km`, `municipalities`,
`is_located`, `confidential_places`, `other_places`, `open_now`, `hours_today`, `phone`,
`directions_url` and `matched`.
"""

import html
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from . import links
from .models.schedules import covers_whole_day
from .my_list import MAX_SERVICES, SEPARATOR, add_url, parse_ids
from .translation import in_language

TENTH = Decimal("0.1")


def _e(value):
    """As `conditional_escape`: safe HTML as it is, anything else escaped."""
    if type(value) is str:
        return html.escape(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def one_decimal(value, separator):
    """`floatformat(value, 1)` for a number (a distance): rounded half up to one decimal, with
    the language's decimal separator and no grouping."""
    return f"{Decimal(repr(float(value))).quantize(TENTH, ROUND_HALF_UP):f}".replace(".", separator)


def _translated(instance, field, language):
    """As the `{% translated %}` tag gives it (escaped)."""
    text, lang = in_language(instance, field, language)
    if lang and text:
        return f'<span lang="{_e(lang)}">{_e(text)}</span>'
    return _e(text)


class Page:
    """What the cards of one page share."""

    def __init__(self, request=None):
        self.language = language = get_language() or "fr"
        self.separator = get_format("DECIMAL_SEPARATOR", language)
        self.km = gettext("%(km)s km")
        self.confidential = gettext("Adresse confidentielle")
        self.no_location = gettext("Sans adresse physique (téléphone, en ligne ou à domicile)")
        self.always_open = f"<strong>{gettext('Ouvert 24 h sur 24')}</strong>"
        self.open = f"<strong>{gettext('Ouvert maintenant')}</strong>"
        self.closed = gettext("Fermé maintenant")
        self.today = gettext("Aujourd'hui :")
        self.call = gettext("Appeler")
        self.text = gettext("Texto")
        self.directions = gettext("Itinéraire")
        self.add_named = gettext("Ajouter %(name)s à ma liste")
        self.add = gettext("Ajouter à ma liste")
        self.contains = gettext("Contient :")
        self.related = gettext("Dans un secteur lié à votre besoin")
        # "Ma liste" with the list the page carries, and each card's service added last.
        self.existing = parse_ids(request.GET.get("liste")) if request is not None else []
        kept = SEPARATOR.join(str(i) for i in self.existing[: MAX_SERVICES - 1])
        self.list_head = f"{links.url('resources:my-list')}?ids={kept}{SEPARATOR if kept else ''}"

    def names(self, places):
        language = self.language
        return ", ".join(_e(in_language(place, "name", language)[0]) for place in places)

    def add_url(self, service_uuid):
        """my_list.add_url(existing, service_uuid), without working the list out again."""
        service_uuid = uuid.UUID(str(service_uuid))
        if service_uuid in self.existing:
            return add_url(self.existing, service_uuid)
        return f"{self.list_head}{service_uuid}"

    def where(self, hit):
        if hit.distance_km is not None:
            km = self.km % {"km": one_decimal(hit.distance_km, self.separator)}
            return f'<span class="distance">{km}</span> · {self.names(hit.municipalities)}'
        if not hit.is_located and hit.confidential_places:
            others = self.names(hit.other_places)
            return (
                f'<span class="confidential">{self.confidential} — '
                f"{self.names(hit.confidential_places)}</span>" + (f" · {others}" if others else "")
            )
        names = self.names(hit.municipalities)
        if hit.is_located:
            return names
        # No place at all: the separator only before the names of places without a point.
        no_location = f'<span class="no-location">{self.no_location}</span>'
        return f"{no_location} · {names}" if names else no_location

    def hours(self, hit):
        is_open, hours = hit.open_now, hit.hours_today
        if is_open is None:
            return ""
        if is_open and covers_whole_day(hours or []):
            text = self.always_open
        else:
            text = self.open if is_open else self.closed
            if hours:
                spans = ", ".join(
                    f"{opens.hour:02d}:{opens.minute:02d}–{closes.hour:02d}:{closes.minute:02d}"
                    for opens, closes in hours
                )
                text += f" · {self.today} {spans}"
        return f'<p class="hours">{text}</p>'

    def actions(self, hit, service, name, plain_name):
        parts = []
        phone = hit.phone
        if phone:  # resources.calls.card_number: never a fax
            texting = phone.type == "text"
            href, verb = (phone.sms_href, self.text) if texting else (phone.tel_href, self.call)
            parts.append(
                f'<a class="phone" href="{_e(href)}"><span class="call-verb">'
                f"{verb}</span> {_e(phone)}</a> "
            )
        directions = hit.directions_url
        if directions:
            parts.append(
                f'<a class="directions" href="{_e(directions)}" rel="noopener">'
                f'{self.directions}<span class="visually-hidden"> — {name}</span></a> '
            )
        # An attribute holds text only: the name without its lang mark (`name` is HTML).
        label = self.add_named % {"name": plain_name}
        parts.append(
            f'<a class="add-to-list" href="{_e(self.add_url(service.uuid))}" '
            f'aria-label="{label}">{self.add}</a>'
        )
        return "".join(parts)

    def matched(self, hit):
        if hit.matched is None:
            return ""
        if hit.matched:
            text = f"{self.contains} {', '.join(_e(words) for words in hit.matched)}"
        else:
            text = self.related
        return f'<p class="matched">{text}</p>'

    def card(self, hit):
        """The card of `hit`: an `<li>` (HTML, every value escaped)."""
        language = self.language
        service = hit.service
        organization = service.organization
        name = _translated(service, "name", language)
        plain_name = _e(in_language(service, "name", language)[0])
        alert = ""
        if in_language(service, "alert", language)[0]:
            alert = f'<p class="alert">{_translated(service, "alert", language)}</p>'
        return (
            f'<li class="result" data-service-id="{_e(service.uuid)}">\n'
            f'  <h3><a href="{_e(service.get_absolute_url())}">{name}</a></h3>\n'
            f'  <p class="organization"><a href="{_e(organization.get_absolute_url())}">'
            f"{_translated(organization, 'name', language)}</a></p>\n"
            f"  {alert}\n"
            f'  <p class="where">{self.where(hit)}</p>\n'
            f"  {self.hours(hit)}\n"
            f'  <p class="actions">{self.actions(hit, service, name, plain_name)}</p>\n'
            f"  {self.matched(hit)}\n"
            "</li>\n"
        )


def render_cards(hits, request=None):
    """The cards of `hits`, one after the other (safe HTML), in the active language."""
    page = Page(request)
    return mark_safe("".join(page.card(hit) for hit in hits))  # noqa: S308 (values escaped)


def render_card(hit, request=None):
    """The card of `hit` (an `<li>`, safe HTML), in the active language."""
    return render_cards([hit], request)

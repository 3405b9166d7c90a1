"""The map of the results and service pages: which places give a point, and what the page hands
to static/js/map.js (which loads Leaflet and draws the map only when the visitor opens it).

One rule says which location gives a point: `public_point`. A confidential location never does
(its municipality only is ever shown), nor does an online or postal one, nor a place without
coordinates. The search index's cards follow the same rule (search/indexing.py), so the results
page's map is drawn from the cards, without a query of its own.

The page carries the markers as a JSON data block (`json_script`), never as inline code: a
marker's name, an optional line under it, and the link its popup gives. A visitor's position
appears only when the results are ranked by it, rounded as everywhere (resources/positions.py).
"""

from urllib.parse import urlsplit

from django.conf import settings

from .positions import round_coordinate
from .translation import in_language


def tile_origin():
    """The scheme and host of the map's tile URL template (setting MAP_TILE_URL), or None:
    what the Content-Security-Policy allows and the privacy page names."""
    parts = urlsplit(getattr(settings, "MAP_TILE_URL", None) or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def public_point(latitude, longitude, is_confidential, location_type):
    """(latitude, longitude) of a public physical location; None for a confidential, online or
    postal one, or one without coordinates."""
    if latitude is None or longitude is None or is_confidential or location_type != "physical":
        return None
    return (latitude, longitude)


def marker(point, name, href, detail="", lang=None):
    data = {"lat": point[0], "lon": point[1], "name": name, "href": href}
    if detail:
        data["detail"] = detail
    if lang:
        data["lang"] = lang
    return data


class PageMap:
    """What a page's map shows: `markers` (dicts, see `marker`), `hidden` (how many of the
    page's services or places give no point), `position` ({"lat", "lon", "label"} or None)."""

    def __init__(self, markers, hidden, position=None):
        self.markers = markers
        self.hidden = hidden
        self.position = position

    def __bool__(self):
        return bool(self.markers)

    @property
    def shown(self):
        return len(self.markers)

    @property
    def data(self):
        """The JSON data block's content."""
        return {"markers": self.markers, "position": self.position}

    @property
    def tile_url(self):
        return settings.MAP_TILE_URL

    @property
    def attribution(self):
        return settings.MAP_TILE_ATTRIBUTION


def visitor_position(point, label, mine):
    """The map's mark of the point the results are ranked from, never more precise than the
    search's rounding; `mine`: the visitor's own position rather than a place searched."""
    if not point:
        return None
    return {
        "lat": round_coordinate(point[0]),
        "lon": round_coordinate(point[1]),
        "label": label,
        "mine": mine,
    }


def service_map(service, language):
    """The map of a service page: a marker per public place of `service`, named after the place
    (else the service), its address under it and a link to the place in the page's list. Reads
    the prefetched `service_at_locations` only."""
    markers, hidden = [], 0
    for sal in service.service_at_locations.all():
        location = sal.location
        point = public_point(
            location.latitude, location.longitude, location.is_confidential, location.location_type
        )
        if point is None:
            hidden += 1
            continue
        name, lang = in_language(location, "name", language)
        if not name:
            name, lang = in_language(service, "name", language)
        street = ", ".join(p for p in (location.address_1, location.address_2) if p)
        town = " ".join(
            p for p in (str(location.municipality or ""), location.postal_code) if p
        ).strip()
        detail = ", ".join(p for p in (street, town) if p)
        markers.append(marker(point, name, f"#lieu-{location.uuid}", detail, lang))
    return PageMap(markers, hidden)


def results_map(hits, language, position=None):
    """The map of a results page: a marker per public point of each service shown (`hits`:
    search results, whose cards hold their public points), linking to the service's page."""
    markers, hidden, seen = [], 0, set()
    for hit in hits:
        service = hit.service
        if service.pk in seen:
            continue
        seen.add(service.pk)
        points = hit.card.points
        if not points:
            hidden += 1
            continue
        name, lang = in_language(service, "name", language)
        for point in points:
            markers.append(marker(point, name, service.get_absolute_url(), lang=lang))
    return PageMap(markers, hidden, position)

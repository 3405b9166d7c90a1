"""Geocoding in the location admin (resources/geocoding.py, docs/geocoding.md).

`GeocodingLocationForm` places a physical location's point when it is saved with an address
and no coordinates, when its address changes under a point placed automatically, or when staff
press "Enregistrer et géocoder" (`GEOCODE_BUTTON`). Coordinates typed (or set by dragging the
map's marker) are the staff's: recorded as "placed by hand" and never replaced; nor is a point
an import or the demo loaded. A lookup never blocks the save: what happened is said in a message
(`GeocodingAdminMixin.save_model`). The organization page's location inline uses the same form
(without messages).

`GeocodingAdminMixin` adds the map (static/js/admin-location-map.js, Leaflet from our static
files, tiles from MAP_TILE_URL): the marker shows the point; dragging it or clicking the map
fills the latitude and longitude fields, which work without it. No map for a confidential
location: its tiles would tell the tile server where it is.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .admin_forms import LocationForm
from .geocoding import Why, locate
from .models import GeocodeSource, Location, Municipality

GEOCODE_BUTTON = "_geocode"
ADDRESS_FIELDS = {"address_1", "address_2", "municipality", "postal_code"}
COORDINATE_FIELDS = {"latitude", "longitude"}
AUTOMATIC = {GeocodeSource.GEOCODER, GeocodeSource.POSTAL_PREFIX, GeocodeSource.MUNICIPALITY}
# Where the map opens for a location without a point or municipality: the MRC de L'Assomption.
DEFAULT_CENTRE = (45.79, -73.45)


def distance_label(metres):
    if metres is None:
        return ""
    if metres < 1000:
        return gettext("à environ %(distance)d m près") % {"distance": metres}
    return gettext("à environ %(distance)d km près") % {"distance": round(metres / 1000)}


def describe(source, precision, detail=""):
    """ "centre du préfixe postal J6A, à environ 3 km près" """
    text = str(GeocodeSource(source).label)
    if detail:
        text = f"{text} {detail}"
    distance = distance_label(precision)
    return f"{text}, {distance}" if distance else text


WHY_MESSAGES = {
    Why.CONFIDENTIAL: _(
        "Adresse confidentielle : elle n'est jamais envoyée au service de géocodage."
    ),
    Why.UNREACHABLE: _("Le service de géocodage n'a pas pu être joint."),
    Why.NOT_FOUND: _("Le service de géocodage n'a pas trouvé cette adresse."),
    Why.NO_STREET: _("Sans numéro ni rue, l'adresse n'est pas envoyée au service de géocodage."),
    Why.DISABLED: "",
}


class GeocodingLocationForm(LocationForm):
    """The location form, placing the point as the module docstring says. After `save`,
    `geocoding_messages` holds [(level, text)] for the admin to show."""

    def save(self, commit=True):
        self.geocoding_messages = []
        self.place_point(self.instance)
        return super().save(commit)

    def say(self, level, text):
        self.geocoding_messages.append((level, text))

    def place_point(self, location):
        changed = set(self.changed_data)
        asked = GEOCODE_BUTTON in self.data
        typed = bool(changed & COORDINATE_FIELDS)
        if typed and location.latitude is not None:
            location.geocode_source = GeocodeSource.MANUAL
            location.geocode_precision = None
            if asked:
                self.say(messages.WARNING, gettext("Le point saisi à la main est conservé."))
            return
        if location.location_type != Location.Type.PHYSICAL:
            if asked:
                self.say(
                    messages.WARNING, gettext("Seul un lieu physique a un point sur la carte.")
                )
            return
        if not (location.address_1 or location.postal_code or location.municipality_id):
            if location.latitude is None and asked:
                self.say(
                    messages.WARNING,
                    gettext("Indiquez une adresse, un code postal ou une municipalité à géocoder."),
                )
            return
        if location.latitude is not None:
            automatic = location.geocode_source in AUTOMATIC
            if not automatic:
                if asked:
                    self.say(
                        messages.WARNING,
                        gettext(
                            "Le point existant, saisi à la main ou importé, est conservé : videz "
                            "la latitude et la longitude pour le chercher de nouveau."
                        ),
                    )
                return
            if not (asked or changed & ADDRESS_FIELDS):
                return
        self.apply(location, locate(location))

    def apply(self, location, lookup):
        why = str(WHY_MESSAGES.get(lookup.why, ""))
        if not lookup.found:
            location.latitude = location.longitude = None
            location.geocode_source, location.geocode_precision = "", None
            text = gettext(
                "Aucun point trouvé pour cette adresse : placez-le sur la carte ou saisissez "
                "la latitude et la longitude."
            )
            self.say(messages.WARNING, f"{why} {text}".strip())
            return
        location.latitude, location.longitude = lookup.latitude, lookup.longitude
        location.geocode_source, location.geocode_precision = lookup.source, lookup.precision
        placed = gettext("Point placé : %(how)s.") % {
            "how": describe(lookup.source, lookup.precision, lookup.detail)
        }
        if lookup.source == GeocodeSource.GEOCODER:
            self.say(messages.SUCCESS, placed)
        else:
            check = gettext("Vérifiez-le sur la carte.")
            self.say(messages.WARNING, " ".join(part for part in (why, placed, check) if part))


class GeocodingAdminMixin:
    """For LocationAdmin: the geocoding form, its messages, and the map (`point_on_map`, a
    read-only field to put beside the coordinates)."""

    form = GeocodingLocationForm

    class Media:
        css = {"all": ("leaflet/leaflet.css", "css/admin-location-map.css")}
        js = ("leaflet/leaflet.js", "js/leaflet-setup.js", "js/admin-location-map.js")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for level, text in getattr(form, "geocoding_messages", ()):
            self.message_user(request, text, level)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # "Enregistrer et géocoder" saves and comes back to the page, as "continue" does.
        if request.method == "POST" and GEOCODE_BUTTON in request.POST:
            post = request.POST.copy()
            post["_continue"] = "1"
            request.POST = post
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("Point sur la carte"))
    def point_on_map(self, obj):
        summary = self.point_summary(obj)
        if obj is not None and obj.is_confidential:
            note = gettext(
                "Carte masquée pour une adresse confidentielle : ses tuiles diraient au serveur "
                "de tuiles où se trouve le lieu. Saisissez la latitude et la longitude."
            )
            return format_html('<p>{}</p><p class="geocode-help">{}</p>', summary, note)
        municipality = obj.municipality if obj is not None and obj.municipality_id else None
        if municipality is None:
            municipality = Municipality.objects.in_mrc().order_by("-population").first()
        centre = municipality_centre(municipality)
        help_text = gettext(
            "Faites glisser le repère, ou cliquez sur la carte, pour placer le point : la latitude "
            "et la longitude se remplissent. Enregistrez ensuite."
        )
        return format_html(
            '<p class="geocode-summary">{}</p>'
            '<div class="admin-location-map" data-location-map hidden'
            ' data-tile-url="{}" data-attribution="{}" data-centre-lat="{}" data-centre-lon="{}"'
            ' data-icon="{}" data-icon-2x="{}" data-icon-shadow="{}" data-marker-label="{}"'
            ' role="region" aria-label="{}"></div>'
            '<p class="geocode-help" data-location-map-help hidden>{}</p>',
            summary,
            settings.MAP_TILE_URL,
            settings.MAP_TILE_ATTRIBUTION,
            centre[0],
            centre[1],
            static("leaflet/images/marker-icon.png"),
            static("leaflet/images/marker-icon-2x.png"),
            static("leaflet/images/marker-shadow.png"),
            gettext("Point du lieu"),
            gettext("Carte du point du lieu"),
            help_text,
        )

    def point_summary(self, obj):
        if obj is None or obj.latitude is None:
            return gettext("Aucun point pour l'instant.")
        if not obj.geocode_source:
            return gettext("Point importé ou chargé (source non précisée).")
        text = describe(obj.geocode_source, obj.geocode_precision)
        return text[:1].upper() + text[1:]


def municipality_centre(municipality):
    if municipality is None:
        return DEFAULT_CENTRE
    return (municipality.latitude, municipality.longitude)

"""The search form: every parameter in the query string, the same names in both languages.

A bad value never fails the search: its field's message is shown and the search runs without
it (latitude 200 → no position; page "x" → page 1; an unknown sector → all sectors).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import lookups, places
from .ranking import Criteria
from .text import (
    MAX_QUERY_CHARS,
    apply_synonyms,
    beneficiaries,
    clean_query,
    drop_ignored,
    parse,
    phrases,
    strip_control_characters,
)


class QueryField(forms.CharField):
    """Free text with control characters (NUL included) turned into spaces before validation,
    so that an odd character costs the visitor nothing."""

    def to_python(self, value):
        return super().to_python(strip_control_characters(value or ""))


class SearchForm(forms.Form):
    q = QueryField(label=_("Que cherchez-vous ?"), required=False)
    sector = forms.CharField(label=_("Secteur"), required=False)
    municipality = forms.CharField(label=_("Municipalité"), required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    postal_code = forms.CharField(label=_("Code postal"), required=False)
    open_now = forms.BooleanField(label=_("Ouvert maintenant"), required=False)
    free = forms.BooleanField(label=_("Gratuit"), required=False)
    language = forms.CharField(label=_("Langue"), required=False)
    wheelchair = forms.BooleanField(label=_("Accessible en fauteuil roulant"), required=False)
    age = forms.IntegerField(label=_("Âge"), required=False, min_value=0, max_value=130)
    sort = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[
            ("", _("automatique")),
            ("nearest", _("distance")),
            ("relevance", _("pertinence")),
        ],
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.notices = []
        self.understanding = None  # search.needs.Understanding, set by criteria()

    def clean_q(self):
        raw = self.cleaned_data["q"]
        cleaned = clean_query(raw)
        if len(" ".join(raw.split())) > MAX_QUERY_CHARS:
            self.notices.append(
                _(
                    "Votre recherche était très longue : seuls ses %(n)s premiers caractères "
                    "ont servi."
                )
                % {"n": MAX_QUERY_CHARS}
            )
        return cleaned

    def clean_sector(self):
        slug = self.cleaned_data["sector"]
        if not slug:
            return None
        sector = lookups.sector(slug[:80])
        if sector is None:
            raise forms.ValidationError(
                _("Ce secteur n'existe pas : tous les secteurs sont affichés.")
            )
        return sector

    def clean_municipality(self):
        value = self.cleaned_data["municipality"][:120]
        if not value:
            return None
        found = places.from_municipality(value)
        if found is None:
            raise forms.ValidationError(_("Municipalité inconnue : essayez un code postal."))
        return found

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"][:20]
        if not value:
            return None
        normalized = places.normalize_postal_code(value)
        if normalized is None:
            raise forms.ValidationError(
                _(
                    "Code postal mal formé : écrivez-le comme J5Y 1A1, "
                    "ou ses trois premiers caractères."
                )
            )
        place = places.from_postal_code(normalized[0])
        if place is None:
            raise forms.ValidationError(
                _("Ce code postal est hors de notre territoire : choisissez une municipalité.")
            )
        return place

    def clean_language(self):
        code = self.cleaned_data["language"][:3].lower()
        if code and not lookups.language_exists(code):
            raise forms.ValidationError(_("Langue inconnue : toutes les langues sont affichées."))
        return code

    def clean(self):
        data = super().clean()
        has_lat = data.get("lat") is not None
        has_lon = data.get("lon") is not None
        if has_lat != has_lon and not self.has_error("lat") and not self.has_error("lon"):
            data.pop("lat", None)
            data.pop("lon", None)
            self.add_error(
                "lat" if not has_lat else "lon",
                _("La latitude et la longitude vont ensemble : position ignorée."),
            )
        return data

    def messages(self):
        """Every problem, as sentences for the page."""
        found = list(self.notices)
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            found += [f"{label} : {e}" if label else str(e) for e in errors]
        return found

    def place(self):
        """The visitor's Place (coordinates first, then postal code, then municipality)."""
        data = self.cleaned_data
        if data.get("lat") is not None and data.get("lon") is not None:
            place = places.from_coordinates(data["lat"], data["lon"])
        elif data.get("postal_code"):
            place = data["postal_code"]
        else:
            municipality = data.get("municipality")
            place = places.Place(
                municipality and municipality.latitude,
                municipality and municipality.longitude,
                municipality,
            )
        if data.get("municipality"):
            place.municipality = data["municipality"]
        return place

    def criteria(self, now=None):
        """The search these parameters ask for (reference data and synonyms from memory)."""
        data = self.cleaned_data
        place = self.place()
        query = None
        self.understanding = lookups.understand(data.get("q") or "")
        if data.get("q"):
            query = parse(data["q"])
            query = apply_synonyms(query, lookups.synonyms(phrases(query)))
            query = drop_ignored(query, beneficiaries(data["q"]))
        sector = data.get("sector")
        sector_ids = []
        if sector is not None:
            sector_ids = lookups.sector_family(sector)
        return Criteria(
            query=query,
            sector_ids=sector_ids,
            municipality=place.municipality,
            point=place.point,
            open_now=bool(data.get("open_now")),
            free=bool(data.get("free")),
            language=data.get("language") or "",
            wheelchair=bool(data.get("wheelchair")),
            age=data.get("age"),
            sort=data.get("sort") or "",
            now=now,
            need_groups=self.understanding.groups(lookups.family_of),
            asked=bool(data.get("q")),
        )

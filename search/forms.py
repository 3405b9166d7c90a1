"""The search form: every parameter in the query string, the same names in both languages.

A bad value never fails the search: its field's message is shown and the search runs without
it (latitude 200 → no position; page "x" → page 1; an unknown sector → all sectors).

Where: the one place field, `place` (a postal code or a municipality's name, search/places.py
`resolve`), or browser coordinates (`lat`, `lon`). `postal_code` and `municipality` (older links,
the municipality pages' `municipality=<slug>`) are read by the same resolver; a `place` given
wins over them and over coordinates. A text several places begin with ("saint") is not an
error: the search runs without a place and `place_choices` lists them.
"""

from dataclasses import replace

from django import forms
from django.utils.translation import gettext_lazy as _

from resources.folding import place_names
from resources.languages import iso_639_2

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
    age = forms.IntegerField(
        label=_("Âge de la personne"), required=False, min_value=0, max_value=130
    )
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

    # The filters the results page folds under "Plus de filtres" (open when one is in force).
    MORE_FILTERS = ("free", "wheelchair", "language", "age", "sort")
    PLACE_FIELDS = ("place", "postal_code", "municipality")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.notices = []
        self.understanding = None  # search.needs.Understanding, set by criteria()
        self.place_choices = []  # Municipalities a place text may mean (several begin with it)
        self.place_text = ""  # what the place field shows: the text given, a slug as its name

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

    def _resolve_place(self, name, limit):
        """The Place the field `name` gives (see places.resolve), or None; a ValidationError
        when nothing matches; choices kept when several do."""
        text = self.cleaned_data[name].strip()[:limit]
        if not text:
            return None
        found = places.resolve(text)
        if found.place is not None:
            return found.place
        if found.choices:
            self.place_choices = found.choices
            return None
        if found.postal_code:
            raise forms.ValidationError(
                _("Ce code postal est hors de notre territoire : choisissez une municipalité.")
            )
        if any(c.isdigit() for c in text):
            raise forms.ValidationError(
                _(
                    "Code postal mal formé : écrivez-le comme J5Y 1A1, "
                    "ou ses trois premiers caractères."
                )
            )
        raise forms.ValidationError(_("Lieu inconnu : essayez un code postal."))

    def clean_place(self):
        return self._resolve_place("place", 120)

    def clean_municipality(self):
        place = self._resolve_place("municipality", 120)
        return place and place.municipality

    def clean_postal_code(self):
        return self._resolve_place("postal_code", 20)

    def clean_language(self):
        """An ISO 639-2 code, or a 639-1 one ("en", "EN", "eng" → "eng"; resources.languages)."""
        given = self.cleaned_data["language"].strip()[:20]
        if not given:
            return ""
        code = iso_639_2(given)
        if code is None or not lookups.language_exists(code):
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
        self.place_text = self._place_text()
        return data

    def _place_text(self):
        """What the place field shows: the first place parameter given, as given, except a
        municipality's slug, shown as its name ("saint-sulpice" → "Saint-Sulpice")."""
        for name in self.PLACE_FIELDS:
            text = " ".join(str(self.data.get(name) or "").split())[:120]
            if text:
                found = self.cleaned_data.get(name)  # a Place, or a Municipality
                municipality = found.municipality if isinstance(found, places.Place) else found
                if municipality is not None and text == municipality.slug:
                    return municipality.name
                return text
        return ""

    @property
    def uses_coordinates(self):
        """Whether the position searched is the browser's coordinates (no place text given):
        the page keeps them (rounded) for the next search."""
        data = getattr(self, "cleaned_data", {})
        return not self.place_text and data.get("lat") is not None and data.get("lon") is not None

    @property
    def more_filters_in_force(self):
        data = getattr(self, "cleaned_data", {})
        return any(
            data.get(name) is not None and data.get(name) is not False and data.get(name) != ""
            for name in self.MORE_FILTERS
        )

    @staticmethod
    def place_names():
        """The municipalities' and places' names (the active language's), for the place
        field's suggestions: from memory, no query."""
        return place_names(lookups.municipalities())

    @staticmethod
    def language_choices():
        """Every language a service may be offered in, by name (from memory)."""
        return lookups.languages()

    def messages(self):
        """Every problem, as sentences for the page."""
        found = list(self.notices)
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            found += [f"{label} : {e}" if label else str(e) for e in errors]
        return found

    def place(self):
        """The visitor's Place: the place field's when it is given; else coordinates first,
        then postal code, then municipality (which names the municipality of any of them)."""
        data = self.cleaned_data
        if str(self.data.get("place") or "").strip():
            found = data.get("place")  # a copy: the Place in cleaned_data stays as read
            return replace(found) if found else places.Place()
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
            understood = {w for said in self.understanding.said for w in said}
            query.known.update(understood - self.understanding.corrected)
        sector = data.get("sector")
        sector_ids = []
        if sector is not None:
            sector_ids = lookups.sector_family(sector)
        return Criteria(
            query=query,
            sector_ids=sector_ids,
            sector=sector.pk if sector is not None else None,
            municipality=place.municipality,
            point=place.point,
            open_now=bool(data.get("open_now")),
            free=bool(data.get("free")),
            language=data.get("language") or "",
            wheelchair=bool(data.get("wheelchair")),
            age=data.get("age"),
            sort=data.get("sort") or "",
            now=now,
            need_groups=self.understanding.groups(lookups.family_of, lookups.parent_of),
            asked=bool(data.get("q")),
        )


def _with_place_field(fields):
    """The fields with `place` after `sector`: declared here because the form's method
    `place()` (the visitor's Place, which callers use) holds the name in the class body."""
    ordered = {}
    for name, field in fields.items():
        ordered[name] = field
        if name == "sector":
            label = _("Code postal ou municipalité")
            ordered["place"] = forms.CharField(label=label, required=False)
    return ordered


SearchForm.base_fields = SearchForm.declared_fields = _with_place_field(SearchForm.base_fields)

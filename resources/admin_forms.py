"""Admin forms: the database's check constraints, said in words staff understand.

Each check puts its message on a field; Django then leaves that field out of the model's own
constraint validation (ModelForm._get_validation_exclusions), so staff read one clear message
instead of "Constraint … is violated". The database constraints stay the rule for every writer.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_AGE = 130  # service_max_age_plausible


def check_order(form, data, first, last, message):
    if data.get(first) is not None and data.get(last) is not None and data[first] > data[last]:
        form.add_error(last, message)


def check_one_owner(form, data, owners, message):
    """Only where the form edits the owners: an inline gets its owner from the parent page."""
    edits_owners = all(name in form.fields for name in owners)
    if edits_owners and sum(data.get(name) is not None for name in owners) != 1:
        form.add_error(owners[0], message)


class ServiceForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        if data.get("maximum_age") is not None and data["maximum_age"] > MAX_AGE:
            self.add_error("maximum_age", _("Au plus %(max)d ans.") % {"max": MAX_AGE})
        else:
            check_order(
                self,
                data,
                "minimum_age",
                "maximum_age",
                _("L'âge maximum ne peut pas être inférieur à l'âge minimum."),
            )
        return data


class LocationForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if latitude is not None and not -90 <= latitude <= 90:
            self.add_error("latitude", _("La latitude va de -90 à 90 degrés."))
        if longitude is not None and not -180 <= longitude <= 180:
            self.add_error("longitude", _("La longitude va de -180 à 180 degrés."))
        if (latitude is None) != (longitude is None) and not self.has_error("latitude"):
            self.add_error(
                "longitude" if longitude is None else "latitude",
                _("Indiquez la latitude et la longitude, ou aucune des deux."),
            )
        return data


class PhoneForm(forms.ModelForm):
    OWNERS = ("organization", "service", "location")

    def clean(self):
        data = super().clean()
        edits_owners = all(name in self.fields for name in self.OWNERS)
        if edits_owners and all(data.get(name) is None for name in self.OWNERS):
            self.add_error(
                "organization", _("Un numéro appartient à un organisme, un service ou un lieu.")
            )
        return data


class ScheduleForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        check_one_owner(
            self,
            data,
            ("service", "location", "service_at_location"),
            _("Un horaire appartient à un seul : le service, le lieu ou le service à un lieu."),
        )
        check_order(
            self, data, "valid_from", "valid_to", _("La fin de validité précède son début.")
        )
        return data


class ScheduleClosureForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        check_order(
            self, data, "start_date", "end_date", _("La fermeture finit avant de commencer.")
        )
        return data


def territory_choices():
    """The territories a service area over an MRC or a region may name: those of the gazetteer
    (its municipalities' MRCs and regions), grouped, the home ones first by the blank choice."""
    from .models.reference import territory_names

    names = territory_names()
    groups = {"mrc": [], "region": []}
    for (scope, code), name in sorted(names.items(), key=lambda item: (item[1] or "", item[0])):
        groups[scope].append((code, f"{name} ({code})" if name else code))
    return [
        ("", _("celui du répertoire")),
        (_("MRC"), groups["mrc"]),
        (_("Régions"), groups["region"]),
    ]


class ServiceAreaForm(forms.ModelForm):
    """A service area: its territory chosen among the gazetteer's MRCs and regions (the model's
    clean() checks that the code exists for the scope)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "territory_code" in self.fields:
            self.fields["territory_code"].widget = forms.Select(choices=territory_choices())

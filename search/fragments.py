"""The search form's lists, as HTML built once per language from the reference data.

The results, sector and municipality pages show the same form: a select of the sectors, one of
the languages a service may be offered in and the place field's suggestions. Through the
template engine, their few hundred tags and lookups were about a fifth of the page's rendering.
Here each list is written once per language (and, for the sectors, per sector chosen) and kept
with the reference data it is built from (search/lookups.py): an edit of a sector, a
municipality or a language drops the snapshot, and these with it. The markup is the one the
template wrote, each value escaped as it escaped it.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from resources.folding import place_names

from . import lookups


def _kept(key, build):
    """`build()`, kept with the current reference data under `key` and the active language."""
    memo = lookups.snapshot().fragments
    key = (get_language(), *key)
    found = memo.get(key)
    if found is None:
        found = memo[key] = build()
    return found


def _selected(value, chosen):
    return " selected" if value == chosen else ""


def sector_options(sector_choices, chosen):
    """The sector select's options (after "all sectors"): [(top-level sector, [its subsectors])]
    as search.views._sector_choices gives them; `chosen` the slug of the sector chosen."""
    shape = tuple((top.pk, *(child.pk for child in children)) for top, children in sector_choices)

    def build():
        parts = []
        for top, children in sector_choices:
            name, slug = escape(top.name), escape(top.slug)
            if children:
                everything = gettext("%(name)s (tous)") % {"name": name}
                parts.append(
                    f'<optgroup label="{name}"><option value="{slug}"'
                    f"{_selected(top.slug, chosen)}>{everything}</option>"
                )
                parts += [
                    f'<option value="{escape(child.slug)}"{_selected(child.slug, chosen)}>'
                    f"{escape(child.name)}</option>"
                    for child in children
                ]
                parts.append("</optgroup>")
            else:
                parts.append(f'<option value="{slug}"{_selected(top.slug, chosen)}>{name}</option>')
        return mark_safe("".join(parts))  # noqa: S308 (every value escaped)

    return _kept(("sectors", shape, chosen), build)


def language_options(chosen):
    """The language select's options (after "all languages"), `chosen` (a code) selected."""
    options = _kept(
        ("languages",),
        lambda: [
            (language.code, f'<option value="{escape(language.code)}"', escape(language.name))
            for language in lookups.languages()
        ],
    )
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f"{start}{_selected(code, chosen)}>{name}</option>" for code, start, name in options
        )
    )


def place_name_options():
    """The place field's suggestions (search.forms.SearchForm.place_names) as `<option>`s."""
    return _kept(
        ("places",),
        lambda: mark_safe(  # noqa: S308 (every value escaped)
            "".join(
                f'<option value="{escape(name)}"></option>'
                for name in place_names(lookups.municipalities())
            )
        ),
    )


def sort_options(choices, chosen):
    """The sort select's options: `choices` (the form field's), `chosen` (a value) selected."""
    options = _kept(
        ("sort",),
        lambda: [
            (value, f'<option value="{escape(value)}"', escape(label)) for value, label in choices
        ],
    )
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f"{start}{_selected(value, chosen)}>{label}</option>" for value, start, label in options
        )
    )

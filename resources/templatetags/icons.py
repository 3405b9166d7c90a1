"""The site's icons: symbols of one SVG sprite, static/img/icons.svg, drawn for the project.

Each top-level sector has a symbol named by its slug; a subsector shows its parent's. The icons
are decorative (the sector's name is always written beside them), so hidden from assistive
technology. The sprite is one cached file: a page carries only `<use href="…#slug">`.
"""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()

SPRITE = "img/icons.svg"
# The symbols of the sprite drawn for a sector (the slugs of fixtures/reference/sectors.csv's
# top-level rows); any other sector gets the generic one.
SECTOR_ICONS = frozenset(
    {
        "addictions",
        "community-action",
        "disabilities",
        "education",
        "employment",
        "families",
        "food",
        "gender-diversity",
        "government-services",
        "health",
        "homelessness",
        "housing",
        "indigenous",
        "material-aid",
        "mental-health",
        "newcomers",
        "rights-legal",
        "seniors",
        "transport",
        "violence",
        "youth",
    }
)
GENERIC = "sector"


@register.simple_tag
def icon(name, css_class="icon"):
    """A decorative icon of the sprite, sized and coloured by the stylesheet's `.icon`."""
    return format_html(
        '<svg class="{}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        css_class,
        static(SPRITE),
        name,
    )


@register.simple_tag
def sector_icon(sector, parent=None, css_class="icon"):
    """The icon of `sector`: its own, or its parent's (a subsector), or the generic one."""
    slug = getattr(parent, "slug", None) or getattr(sector, "slug", "")
    return icon(slug if slug in SECTOR_ICONS else GENERIC, css_class)

"""What the <head> of every page says to search engines and link previews: the page's title and
description captured once, its address in each language (hreflang), its Open Graph locale, and
the JSON-LD of organization and service pages (resources/structured_data.py)."""

from django import template
from django.conf import settings
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .. import structured_data
from .directory import url_in_language

register = template.Library()

OG_LOCALES = {"fr": "fr_CA", "en": "en_CA"}


class CaptureNode(template.Node):
    # Blocks inside stay overridable by child templates (ExtendsNode looks through this list).
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        # Rendered with autoescaping, so the text is safe HTML: shown again as it is.
        context[self.name] = mark_safe(" ".join(self.nodelist.render(context).split()))  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """`{% capture as name %}...{% endcapture %}`: renders its content once into `name` (a block
    inside, such as the page's title, then serves <title> and og:title alike)."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}...{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.simple_tag(takes_context=True)
def language_alternates(context):
    """<link rel="alternate" hreflang> of the page in each language, and x-default (the default
    language's, as the sitemap says), absolute; the query string as the language switcher keeps
    it (a position rounded)."""
    request = context["request"]
    links = [
        (code, request.build_absolute_uri(url_in_language(context, code)))
        for code, _name in settings.LANGUAGES
    ]
    links.append(("x-default", dict(links)[settings.LANGUAGE_CODE]))
    return format_html_join("\n  ", '<link rel="alternate" hreflang="{}" href="{}">', links)


@register.simple_tag
def og_locales():
    """og:locale of the page's language, og:locale:alternate of the others."""
    current = get_language() or settings.LANGUAGE_CODE
    tags = [("og:locale", OG_LOCALES.get(current, current))]
    tags += [
        ("og:locale:alternate", OG_LOCALES.get(code, code))
        for code, _name in settings.LANGUAGES
        if code != current
    ]
    return format_html_join("\n  ", '<meta property="{}" content="{}">', tags)


@register.simple_tag(takes_context=True)
def organization_json_ld(context, organization):
    request = context["request"]
    locations = organization.locations.public().select_related("municipality")
    data = structured_data.organization(
        organization, request.build_absolute_uri(organization.get_absolute_url()), locations
    )
    return structured_data.script(data)


@register.simple_tag(takes_context=True)
def service_json_ld(context, service, phones, hours):
    request = context["request"]
    data = structured_data.service(
        service,
        request.build_absolute_uri(service.get_absolute_url()),
        request.build_absolute_uri(service.organization.get_absolute_url()),
        phones,
        hours.schedules,
    )
    return structured_data.script(data)

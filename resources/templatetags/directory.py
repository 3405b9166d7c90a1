"""Template helpers for the public pages."""

import functools
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.base import TextNode, TokenType
from django.template.loader import get_template
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix, translate_url
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .. import card_html, links
from ..maps import tile_origin
from ..models.schedules import covers_whole_day
from ..my_list import MAX_SERVICES, add_url, parse_ids
from ..positions import without_exact_position
from ..translation import in_language

register = template.Library()


@register.simple_tag(takes_context=True)
def url_in_language(context, language):
    """The current page, query string kept, in `language` (the language switcher). A position
    is echoed rounded as the search rounds it (resources/positions.py), or dropped when unreadable:
    the visitor's exact coordinates never appear in the page. Worked out once per request and
    language (the page's head and its switcher both ask)."""
    request = context["request"]
    known = getattr(request, "_urls_in_language", None)
    if known is None:
        known = request._urls_in_language = {None: without_exact_position(request.GET).urlencode()}
    if language not in known:
        path = _translated_path(request.path, language, settings.ROOT_URLCONF, get_script_prefix())
        query = known[None]
        known[language] = f"{path}?{query}" if query else path
    return known[language]


@functools.lru_cache(maxsize=512)
def _translated_path(path, language, urlconf, prefix):
    """`translate_url(path, language)`: the same for every request of a path (resolving and
    reversing it is most of the language links' cost)."""
    return translate_url(path, language)


def _forget(setting, **_kwargs):
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE"):
        _translated_path.cache_clear()
    _kept_includes.clear()
    KeptNode.generation += 1


setting_changed.connect(_forget)


# (template name, language, script prefix) → its HTML (`kept_include`).
_kept_includes = {}


@register.simple_tag
def kept_include(name):
    """`{% include name %}` of a template that depends on the language only (no variable of the
    page: the crisis numbers, "Ma liste"'s script): rendered once per language and kept."""
    key = (name, get_language(), get_script_prefix())
    found = _kept_includes.get(key)
    if found is None:
        found = _kept_includes[key] = mark_safe(get_template(name).render())  # noqa: S308
    return found


def _constant(expression):
    """Whether a tag's argument (a FilterExpression) is a literal without filters."""
    return not expression.filters and getattr(expression.var, "literal", expression.var) is not None


def _depends_on_language_only(node):
    """Whether `node` renders the same for every request in a language: text, `{% translate %}`
    and `{% blocktranslate %}` of literal text, `{% static %}` and `{% link %}` of literal names."""
    if isinstance(node, TextNode):
        return True
    context = getattr(node, "message_context", None)
    if context is not None and not _constant(context):
        return False
    if isinstance(node, TranslateNode):
        return node.asvar is None and _constant(node.filter_expression)
    if isinstance(node, BlockTranslateNode):
        tokens = node.singular + (node.plural or [])
        return (
            node.asvar is None
            and not node.extra_context
            and node.counter is None
            and all(token.token_type == TokenType.TEXT for token in tokens)
        )
    if isinstance(node, StaticNode):
        return node.varname is None and _constant(node.path)
    if getattr(node, "func", None) is link:
        return node.target_var is None and all(_constant(arg) for arg in node.args)
    return False


class KeptNode(template.Node):
    """`{% kept %}...{% endkept %}`: see `kept`."""

    # Bumped when a setting a kept part may show changes (tests): every kept part is redone.
    generation = 0

    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendered, self.rendered_in = {}, KeptNode.generation

    def render(self, context):
        if self.rendered_in != KeptNode.generation:
            # Replaced, not cleared: another thread may be reading or filling the old one.
            self.rendered, self.rendered_in = {}, KeptNode.generation
        rendered, key = self.rendered, (get_language(), get_script_prefix())
        found = rendered.get(key)
        if found is None:
            found = rendered[key] = mark_safe(self.nodelist.render(context))  # noqa: S308
        return found


@register.tag
def kept(parser, token):
    """`{% kept %}...{% endkept %}`: a part of a template that is the same on every page in a
    language (text, translations, static files' and fixed links' addresses), rendered once per
    language and kept with the parsed template. Anything that could differ from one request to
    the next (a variable, a condition, another tag) is refused when the template is read, so a
    kept part can never carry one visitor's page into another's."""
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    for node in nodelist:
        if not _depends_on_language_only(node):
            raise template.TemplateSyntaxError(
                f"{{% kept %}} holds only text, translations, static and fixed links: {node!r}"
            )
    return KeptNode(nodelist)


@register.simple_tag
def link(name):
    """`{% url name %}` for a URL name without arguments, reversed once per language
    (resources/links.py): the links every page's header and footer carry."""
    return links.url(name)


@register.simple_tag
def translated(instance, field):
    """A translated field; when the page is not French and only French text exists, the French
    text is shown marked `lang="fr"` so screen readers pronounce it right."""
    text, lang = in_language(instance, field, get_language() or "fr")
    return format_html('<span lang="{}">{}</span>', lang, text) if lang and text else text


@register.simple_tag(takes_context=True)
def card(context, hit):
    """The card of a listing's result (resources/card_html.py)."""
    return card_html.render_cards([hit], context.get("request"))


@register.simple_tag(takes_context=True)
def cards(context, hits):
    """The cards of a listing's results, one after the other (resources/card_html.py)."""
    return card_html.render_cards(hits, context.get("request"))


@register.simple_tag
def translated_text(instance, field):
    """A translated field as plain text, for an attribute (an `aria-label`, a `title`): the same
    fallback to French as `translated`, without the `lang` mark an attribute cannot hold."""
    return in_language(instance, field, get_language() or "fr")[0]


@register.filter
def whole_day(hours):
    """Whether a day's hours [(opens_at, closes_at)] are all of it (models.schedules
    `covers_whole_day`): "Ouvert 24 h sur 24"."""
    return covers_whole_day(hours or [])


@register.filter
def web_address(url):
    """A web address as people read it: without "https://", "www." or a lone trailing slash."""
    shown = (url or "").split("://", 1)[-1]
    shown = shown.removeprefix("www.")
    return shown[:-1] if shown.endswith("/") and shown.count("/") == 1 else shown


@register.simple_tag(takes_context=True)
def add_to_list_url(context, service):
    """The "Ajouter à ma liste" link of `service`: the list page with the list this page carries
    (its `liste` parameter, when any) plus `service` (resources/my_list.py)."""
    request = context.get("request")
    existing = parse_ids(request.GET.get("liste")) if request is not None else []
    return add_url(existing, service.uuid)


@register.simple_tag
def my_list_max():
    """How many services a list holds (resources/my_list.py), for static/js/my-list.js."""
    return MAX_SERVICES


@register.simple_tag
def map_tile_server():
    """The host the pages' map asks for its tiles when a visitor opens it (settings
    MAP_TILE_URL), as the privacy page names it."""
    origin = tile_origin()
    return urlsplit(origin).hostname if origin else settings.MAP_TILE_URL

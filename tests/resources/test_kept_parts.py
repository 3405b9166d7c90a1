"""`{% kept %}` (resources/templatetags/directory.py): the parts of a page that are the same for
every visitor in a language are rendered once and kept; nothing that could differ between two
requests may be kept, and the pages read as they did."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import set_script_prefix
from django.utils import translation

from resources.templatetags.directory import KeptNode
from tests.searching import results_page

LOAD = "{% load i18n static directory %}"


def render(text, **values):
    return Template(LOAD + text).render(Context(values))


def test_a_kept_part_is_rendered_once_per_language_and_script_prefix():
    template = Template(
        LOAD + "{% kept %}<a href=\"{% link 'about' %}\">{% translate 'À propos' %}</a>"
        "<link href=\"{% static 'css/site.css' %}\">{% endkept %}"
    )
    with translation.override("fr"):
        french = template.render(Context())
    with translation.override("en"):
        english = template.render(Context())
        try:
            set_script_prefix("/annuaire/")
            prefixed = template.render(Context())
        finally:
            set_script_prefix("/")
    with translation.override("fr"):
        again = template.render(Context())
    assert french == again
    assert '<a href="/fr/a-propos/">À propos</a>' in french
    assert ">About</a>" in english and "/en/" in english and "/annuaire/en/" not in english
    assert 'href="/annuaire/en/' in prefixed
    assert "css/site" in french


def test_a_kept_part_follows_a_changed_setting():
    template = Template(LOAD + "{% kept %}{% static 'css/site.css' %}{% endkept %}")
    before = template.render(Context())
    with override_settings(STATIC_URL="/elsewhere/"):
        during = template.render(Context())
    assert during.startswith("/elsewhere/") and not before.startswith("/elsewhere/")
    assert template.render(Context()) == before


@pytest.mark.parametrize(
    "inside",
    [
        "{{ name }}",
        "{% if name %}x{% endif %}",
        "{% translate name %}",
        "{% translate 'Fermer' as closing %}",
        "{% translate 'Fermer' context kind %}",
        "{% blocktranslate %}Bonjour {{ name }}{% endblocktranslate %}",
        "{% blocktranslate count n=total %}un{% plural %}plusieurs{% endblocktranslate %}",
        "{% static path %}",
        "{% static 'css/site.css' as address %}",
        "{% link name %}",
        "{% link 'about' as address %}",
        "{% now 'Y' %}",
        "{% include 'includes/near_me.html' %}",
    ],
)
def test_anything_that_could_differ_between_requests_is_refused_when_read(inside):
    with pytest.raises(TemplateSyntaxError, match="kept"):
        Template(LOAD + "{% kept %}" + inside + "{% endkept %}")


def test_a_kept_part_is_rendered_once_per_language_around_what_changes():
    kept = "{% kept %}{% translate 'Fermer' %}{% endkept %}"
    template = Template(LOAD + "{{ name }}|" + kept + "|{{ name }}")
    kept_part = template.nodelist.get_nodes_by_type(KeptNode)[0]
    renders = []
    inner = kept_part.nodelist.render
    kept_part.nodelist.render = lambda context: renders.append(1) or inner(context)
    pages = []
    for language, name in [("fr", "a"), ("fr", "b"), ("en", "c"), ("en", "d"), ("fr", "e")]:
        with translation.override(language):
            pages.append(template.render(Context({"name": name})))
    assert pages == ["a|Fermer|a", "b|Fermer|b", "c|Close|c", "d|Close|d", "e|Fermer|e"]
    assert len(renders) == 2  # once in French, once in English


@pytest.mark.django_db
def test_the_results_page_keeps_its_parts_in_the_pages_language(client):
    french = results_page(client, q="aide")
    english = client.get("/en/search/", {"q": "aide"}).content.decode()
    french_again = results_page(client, q="aide")
    assert french == french_again
    for kept_french, kept_english in [
        ("Aller au contenu", "Skip to content"),
        ("Plus de filtres", "More filters"),
        ("Toutes les langues", "All languages"),
    ]:
        assert kept_french in french and kept_french not in english
        assert kept_english in english

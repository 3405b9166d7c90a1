"""Guard rails: migrations in step with models, catalogues compiled and used, English pages
falling back to French content, and the reference data the migrations load."""

import gettext
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from resources.catalogues import compile_catalogues
from resources.models import Municipality, Sector
from search import lookups
from tests.factories import make_service

pytestmark = pytest.mark.django_db


def in_language(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.parametrize("use_msgfmt", [None, False], ids=["msgfmt", "polib"])
def test_catalogues_compile_into_working_translations(tmp_path, use_msgfmt):
    """Both ways of compiling (GNU msgfmt, or polib on a machine with only Python) give a
    catalogue that translates every English entry."""
    if use_msgfmt is None and not shutil.which("msgfmt"):
        pytest.skip("GNU msgfmt is not installed")
    source = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
    folder = tmp_path / "en" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(source, folder / "django.po")
    compile_catalogues([tmp_path], use_msgfmt=use_msgfmt)
    with open(folder / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    entries = [e for e in polib.pofile(str(source)) if e.msgstr and not e.msgid_plural]
    assert entries
    assert [compiled.gettext(e.msgid) for e in entries] == [e.msgstr for e in entries]
    # Readable by every user: a server running as another user than the build (the
    # container's) reads them.
    assert (folder / "django.mo").stat().st_mode & 0o444 == 0o444


def test_english_catalogue_translates_every_entry():
    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES/django.po"))
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_english_home_page_uses_the_english_catalogue(client):
    english = client.get(in_language("en", "resources:home")).content.decode()
    french = client.get(in_language("fr", "resources:home")).content.decode()
    assert "Find help near you" in english
    assert "Trouver de l'aide près de chez vous" not in english
    assert "Trouver de l'aide près de chez vous" in french


def test_english_page_falls_back_to_french_content_marked_as_french(client):
    service = make_service(name_fr="Popote roulante du quartier", description_fr="Repas chauds.")
    html = client.get(in_language("en", "resources:service-detail", service.slug)).content.decode()
    assert '<span lang="fr">Popote roulante du quartier</span>' in html
    assert '<span lang="fr">Repas chauds.</span>' in html


def test_a_french_fallback_name_in_an_attribute_is_plain_text(client):
    """An aria-label cannot hold the lang mark: the "Add ... to my list" labels of the service
    page and of the organization page's cards carry the French name as text."""
    service = make_service(name_fr="Popote roulante du quartier")
    pages = [
        in_language("en", "resources:service-detail", service.slug),
        in_language("en", "resources:organization-detail", service.organization.slug),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert 'aria-label="Add Popote roulante du quartier to my list"' in html, url
        assert 'aria-label="Add <span' not in html and "&lt;span" not in html, url


def test_english_page_shows_english_content_when_there_is_some(client):
    service = make_service(
        name_fr="Popote roulante du quartier",
        name_en="Neighbourhood meals on wheels",
        description_fr="Repas chauds.",
        description_en="Hot meals.",
    )
    english = client.get(in_language("en", "resources:service-detail", service.slug))
    french = client.get(in_language("fr", "resources:service-detail", service.slug))
    assert "Neighbourhood meals on wheels" in english.content.decode()
    assert "Popote roulante du quartier" not in english.content.decode()
    assert "Hot meals." in english.content.decode()
    assert "Popote roulante du quartier" in french.content.decode()
    assert "Neighbourhood meals on wheels" not in french.content.decode()


def test_reference_data_has_the_five_municipalities_of_the_mrc():
    assert set(Municipality.objects.in_mrc().values_list("slug", flat=True)) == {
        "repentigny",
        "charlemagne",
        "l-assomption",
        "l-epiphanie",
        "saint-sulpice",
    }


def test_reference_data_has_21_top_level_sectors_with_english_names():
    top_level = Sector.objects.top_level()
    assert top_level.count() == 21
    assert not top_level.filter(name_en="").exists()
    assert Sector.objects.filter(parent__isnull=False).exists()


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("L'Épiphanie-Ville", "l-epiphanie"),
        ("Paroisse de L'Épiphanie", "l-epiphanie"),
        ("l'epiphanie paroisse", "l-epiphanie"),
        ("Le Gardeur", "repentigny"),
        ("LE GARDEUR", "repentigny"),
        ("Repentigny", "repentigny"),
    ],
)
def test_old_and_merged_names_resolve_to_todays_municipality(name, slug):
    assert lookups.municipality(name).slug == slug


@pytest.mark.parametrize("name", ["", "Atlantide", None])
def test_unknown_names_resolve_to_nothing(name):
    assert lookups.municipality(name) is None

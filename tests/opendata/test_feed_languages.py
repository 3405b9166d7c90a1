"""Languages from a feed are kept: matched by code (two or three letters) or by name, a language
we do not list is added under the feed's name and exported back, a listed language without a
name in the file's language takes the feed's (never renamed otherwise), and a row that names no
language is refused with its record and field."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from opendata.hsds.importer import ImportFailed, import_path
from resources.models import Language, Phone, Service
from tests.opendata.helpers import listing_checksum, read_folder

SERVICE = "0b6f3a52-6d1e-4c3a-9f1e-2a4b5c6d7e01"
ORGANIZATION = "0b6f3a52-6d1e-4c3a-9f1e-2a4b5c6d7e02"
PHONE = "0b6f3a52-6d1e-4c3a-9f1e-2a4b5c6d7e03"


def language_rows(owner, languages, kind="service"):
    return [
        {"id": f"0b6f3a52-6d1e-4c3a-9f1e-{kind[:2].encode().hex()}{index:08d}", **given}
        for index, given in enumerate(languages)
    ]


def write_feed(folder, languages, phone_languages=(), english=True):
    """One service of one organization, with the languages given ({name, code}) on the
    service and on its phone, in English (or French)."""
    service = {
        "id": SERVICE,
        "name": "Food bank" if english else "Banque alimentaire",
        "description": "Weekly groceries." if english else "Épicerie chaque semaine.",
        "status": "active",
        "organization_id": ORGANIZATION,
        "organization": {
            "id": ORGANIZATION,
            "name": "Helping hands" if english else "Mains tendues",
            "description": "Fictional." if english else "Fictif.",
        },
        "languages": language_rows(SERVICE, languages),
        "phones": [
            {
                "id": PHONE,
                "number": "450 555-0199",
                "languages": language_rows(PHONE, phone_languages, "phone"),
            }
        ],
    }
    folder.mkdir(exist_ok=True)
    (folder / "services.json").write_text(json.dumps([service], ensure_ascii=False))
    return folder


def run_import(folder, language):
    out = StringIO()
    call_command("import_hsds", folder, language=language, stdout=out, stderr=out)
    return out.getvalue()


def codes(obj):
    return sorted(obj.languages.values_list("code", flat=True))


def test_an_english_feed_keeps_an_unlisted_language_and_matches_the_others(db, tmp_path):
    spanish = Language.objects.get(code="spa")
    listed = Language.objects.count()
    feed = write_feed(
        tmp_path / "feed",
        [
            {"name": "Tigrinya", "code": "ti"},  # not listed: added
            {"name": "French", "code": "fra"},
            {"name": "Latin American Spanish", "code": "es"},  # listed: never renamed
            {"name": "HAITIAN creole"},  # no code: by name, accents and case aside
        ],
        [{"name": "kabyle"}, {"name": "Canadian French", "code": "fr-CA"}],
    )

    printed = run_import(feed, "en")

    tigrinya = Language.objects.get(code="ti")
    assert (tigrinya.name_en, tigrinya.name_fr) == ("Tigrinya", "Tigrinya")
    assert Language.objects.count() == listed + 1
    assert "languages listed: 1" in printed
    service = Service.objects.get(uuid=SERVICE)
    assert codes(service) == ["fra", "hat", "spa", "ti"]
    assert codes(Phone.objects.get(uuid=PHONE)) == ["fra", "kab"]
    spanish.refresh_from_db()
    assert (spanish.name_fr, spanish.name_en) == ("Espagnol", "Spanish")
    french = Language.objects.get(code="fra")
    assert (french.name_fr, french.name_en) == ("Français", "French")


@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_the_added_language_is_exported_and_a_reimport_changes_nothing(db, tmp_path, file_format):
    feed = write_feed(tmp_path / "feed", [{"name": "Tigrinya", "code": "ti"}])
    run_import(feed, "en")
    call_command("export_hsds", tmp_path / "first", format=file_format, language="en")
    if file_format == "json":
        services = json.loads((tmp_path / "first" / "services.json").read_text())
        assert [(x["code"], x["name"]) for x in services[0]["languages"]] == [("ti", "Tigrinya")]
    else:
        assert ",Tigrinya,ti," in (tmp_path / "first" / "languages.csv").read_text()
    before = listing_checksum()

    printed = run_import(tmp_path / "first", "en")

    assert "services unchanged: 1" in printed and "languages" not in printed, printed
    assert "updated" not in printed and "created" not in printed, printed
    assert listing_checksum() == before
    call_command("export_hsds", tmp_path / "second", format=file_format, language="en")
    assert read_folder(tmp_path / "first") == read_folder(tmp_path / "second")


def test_a_french_feed_names_in_french_and_fills_only_an_empty_name(db, tmp_path):
    Language.objects.create(code="wol", name_fr="", name_en="Wolof")
    feed = write_feed(
        tmp_path / "feed",
        [
            {"name": "Tigrigna", "code": "tir"},  # three letters, not listed
            {"name": "Wolof", "code": "wol"},  # listed, no French name: filled in
            {"name": "Anglais canadien", "code": "eng"},  # listed, named: kept
            {"name": "espagnol"},
        ],
        english=False,
    )

    printed = run_import(feed, "fr")

    tigrigna = Language.objects.get(code="tir")
    assert (tigrigna.name_fr, tigrigna.name_en) == ("Tigrigna", "")  # English falls back
    assert Language.objects.get(code="wol").name_fr == "Wolof"
    assert Language.objects.get(code="eng").name_fr == "Anglais"
    assert "languages listed: 1" in printed and "languages named: 1" in printed
    assert codes(Service.objects.get(uuid=SERVICE)) == ["eng", "spa", "tir", "wol"]
    call_command("export_hsds", tmp_path / "en", language="en")
    services = json.loads((tmp_path / "en" / "services.json").read_text())
    names = {x["code"]: x["name"] for x in services[0]["languages"]}
    assert names["tir"] == "Tigrigna" and names["wol"] == "Wolof"


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        ({}, "code", "missing, and no name: give one of them"),
        ({"code": "??"}, "code", "'??' is not a language code, and no name"),
        ({"name": "Klingon"}, "name", "'Klingon' matches no language we list, and no code"),
        ({"code": "tlh"}, "name", "'tlh' is not a language we list, and no name"),
        ({"name": "x" * 81, "code": "tlh"}, "name", "81 characters, more than the 80 allowed"),
    ],
)
def test_a_row_naming_no_language_is_refused_naming_record_and_field(
    db, tmp_path, given, field, message
):
    feed = write_feed(tmp_path / "feed", [{"name": "French", "code": "fra"}, given])
    before = listing_checksum()
    with pytest.raises(ImportFailed) as failure:
        import_path(feed, language="en")
    row = language_rows(SERVICE, [{}, given])[1]["id"]
    [error] = failure.value.errors
    assert error.startswith(f"languages {row}: {field}: {message}"), error
    assert listing_checksum() == before
    assert not Language.objects.filter(code="tlh").exists()

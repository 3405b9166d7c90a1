"""Language codes: the directory lists languages by their ISO 639-2 code (three letters,
`fra`, `eng`; ISO 639-3 for the ones 639-2 lacks: `cmn`, `yue`, `fcs`, `ase`); others write
two-letter ISO 639-1 codes (`fr`, `en`) or the 639-2 "bibliographic" ones (`fre`). The one
table between them, for the HSDS import and the search's `language` parameter.

Chinese: ISO 639-1 `zh` is the macrolanguage (ISO 639-2 `zho`), which does not say Mandarin
(`cmn`) or Cantonese (`yue`), the two we list; they are not mutually intelligible, so `zh` is
read as `zho` and never guessed as one of them (the import lists it as a language of its own,
the search knows it only if the directory does). Kabyle, Atikamekw and the sign languages have
no ISO 639-1 code.
"""

import re

# ISO 639-1 → the ISO 639-2 (terminology) code, for the languages fixtures/reference lists.
ISO_639_1 = {
    "fr": "fra",
    "en": "eng",
    "es": "spa",
    "ar": "ara",
    "zh": "zho",
    "ht": "hat",
    "pt": "por",
    "it": "ita",
    "vi": "vie",
    "fa": "fas",
    "ru": "rus",
    "uk": "ukr",
    "ro": "ron",
    "pl": "pol",
    "ta": "tam",
    "pa": "pan",
    "tl": "tgl",
}
# ISO 639-2 bibliographic codes → terminology codes, where they differ for those languages.
ISO_639_2_B = {"fre": "fra", "chi": "zho", "per": "fas", "rum": "ron"}
_CODE = re.compile(r"[a-z]{2,3}")


def iso_639_2(value):
    """The ISO 639-2 code `value` stands for, in lower case ("EN", "eng", "fr-CA" and "fre" →
    "eng", "eng", "fra", "fra"; a two-letter code this module does not know stays as given), or
    None when it is not shaped like a language code."""
    code = re.split(r"[-_]", str(value or "").strip().lower())[0]
    if not _CODE.fullmatch(code):
        return None
    return ISO_639_1.get(code) or ISO_639_2_B.get(code, code)

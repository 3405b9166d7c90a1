"""How text is folded for matching, everywhere: lower case, no accents, ligatures spelled out,
punctuation as spaces ("L'Épiphanie" → "l epiphanie", "Cœur" → "coeur").

The one fold: the gazetteer's names and aliases (`normalized_name`), the search index's words
and sort names, synonyms and the visitor's words all go through it, so they meet.
"""

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_LIGATURE = re.compile("[œŒæÆß]")
# Byte by byte: ASCII letters to lower case, digits kept, everything else a space.
_WORD_BYTES = bytes(c if chr(c).isascii() and chr(c).isalnum() else 32 for c in range(256)).lower()


def fold(text):
    """Lower case, no accents, punctuation as spaces: "L'Épiphanie" → "l epiphanie"."""
    text = text or ""
    if _LIGATURE.search(text):  # rare: str.translate reads a whole text slowly
        text = text.translate(_LIGATURES)
    ascii_bytes = unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
    # The words ([a-z0-9]+) joined by single spaces; bytes.translate is a table lookup in C.
    return " ".join(ascii_bytes.translate(_WORD_BYTES).decode().split())


def place_names(places):
    """The names of `places` (gazetteer entries), once each, in reading order (folded): the
    place field's suggestions on the home and results pages."""
    return sorted({place.name for place in places}, key=fold)

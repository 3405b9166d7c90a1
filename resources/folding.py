"""How text is folded for matching, everywhere: lower case, no accents, ligatures spelled out,
punctuation as spaces ("L'Épiphanie" → "l epiphanie", "Cœur" → "coeur").

The one fold: the gazetteer's names and aliases (`normalized_name`), the search index's words
and sort names, synonyms and the visitor's words all go through it, so they meet.
"""

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_WORD = re.compile(r"[a-z0-9]+")


def fold(text):
    """Lower case, no accents, punctuation as spaces: "L'Épiphanie" → "l epiphanie"."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_LIGATURES))
    text = text.encode("ascii", "ignore").decode().lower()
    return " ".join(_WORD.findall(text))


def place_names(places):
    """The names of `places` (gazetteer entries), once each, in reading order (folded): the
    place field's suggestions on the home and results pages."""
    return sorted({place.name for place in places}, key=fold)

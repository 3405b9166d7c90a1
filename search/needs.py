"""Needs in people's own words: which sectors a query asks for, and whether it shows a crisis.

Staff keep a lexicon of need expressions (search.models.NeedExpression: "perdu ma job",
"bouffe", "can't pay rent", "je veux en finir"), each pointing at sectors. A query is read as a
sequence of folded words; an expression is found where its words follow each other in it,
two words meeting when they share a key: their French stem, their English stem, or the word
without a final s or x (so "logements" meets "logement", "coupée" meets "coupé", and "loyers"
meets "loyer" although French Snowball stems "loyer" to "loi"). An expression made of
meaningful words only ("payer loyer") is looked for among the query's meaningful words, so
"payer mon loyer" holds it; one that holds
stop words or conversational words ("en finir", "pus d'argent") is looked for word for word.
Where a longer expression is found, the shorter ones inside it are not ("maison des jeunes" is
not also "maison").

Nothing here filters: the sectors found boost their services (ranking.py), name the results
("Résultats pour : Emploi, Alimentation") and choose the suggestions; a crisis expression puts
the emergency numbers first. Everything is computed in Python from the lexicon held in memory
(search.lookups), the same on both databases; the query never leaves the server.
"""

from dataclasses import dataclass, field

from .text import (
    TYPO_MIN_LENGTH,
    beneficiaries,
    clean_query,
    is_ignored,
    stem,
    within_one_edit,
    words,
)

LANGUAGE_NAMES = {"fr": "french", "en": "english"}


@dataclass(frozen=True)
class Need:
    """A lexicon entry, ready for matching."""

    pk: int
    expression: str
    language: str  # "fr" or "en"
    is_crisis: bool
    keys: tuple  # each word's keys (word_keys)
    literal: bool  # holds ignored words: matched word for word
    sector_ids: tuple  # the sectors it names (not their subsectors)


def word_key(word, language):
    """A folded word's stem in `language` ("fr" / "en"), or the word itself for a stop word."""
    return stem(word, LANGUAGE_NAMES[language]) or word


def word_keys(word):
    """The keys two words are compared by: they meet when they share one. A stem of fewer
    than four letters is no key ("repas" and "répit" both stem to "rep" in French)."""
    singular = word[:-1] if len(word) > 3 and word[-1] in "sx" else word
    stems = {word_key(word, "fr"), word_key(word, "en")}
    return frozenset({k for k in stems if len(k) >= 4 or k == word} | {singular})


def compile_need(pk, expression, language, kind, sector_ids):
    found = words(expression)
    return Need(
        pk=pk,
        expression=expression,
        language=language,
        is_crisis=kind == "crisis",
        keys=tuple(word_keys(w) for w in found),
        literal=any(is_ignored(w) for w in found),
        sector_ids=tuple(sorted(sector_ids)),
    )


@dataclass(frozen=True)
class Lexicon:
    """The lexicon as `understand` reads it: `first` {key of a first word: [Need, ...]},
    `words` every word of every expression (what a typo may be one edit from), `keys` every
    word key."""

    first: dict
    words: frozenset
    keys: frozenset


def index(needs):
    first, words_, keys = {}, set(), set()
    for need in needs:
        for key in need.keys[0] if need.keys else ():
            entries = first.setdefault(key, [])
            if need not in entries:
                entries.append(need)
        words_.update(words(need.expression))
        keys.update(k for word_keys_ in need.keys for k in word_keys_)
    return Lexicon(first, frozenset(words_), frozenset(keys))


@dataclass(frozen=True)
class NeedGroup:
    """The sectors answering a need (with their subsectors) and the query's words that said
    it: a clause of those words is met by the words or by the sectors (ranking.py)."""

    sector_ids: frozenset
    words: frozenset
    # The other subsectors of their parents ("Meubles" → the rest of "Assistance matérielle"):
    # services there are related, below those of the need itself.
    related_ids: frozenset = frozenset()


@dataclass
class Understanding:
    """What a query asks for, as the lexicon reads it."""

    needs: list = field(default_factory=list)  # Need, in the order they appear
    ignored: list = field(default_factory=list)  # conversational and stop words, folded
    said: list = field(default_factory=list)  # per need, the query's words that said it
    corrected: set = field(default_factory=set)  # words read as a lexicon word one edit away

    @property
    def crisis(self):
        return [need for need in self.needs if need.is_crisis]

    def sector_ids(self):
        """Every sector named, in order of appearance, once."""
        return list(dict.fromkeys(pk for need in self.needs for pk in need.sector_ids))

    def groups(self, family, parent=lambda pk: None):
        """A NeedGroup per distinct set of sectors (each with its subsectors, through
        `family(pk)`; related: its parent's, through `parent(pk)`)."""
        found = {}
        said = self.said or [()] * len(self.needs)
        for need, words_ in zip(self.needs, said, strict=True):
            group = frozenset(pk for sid in need.sector_ids for pk in family(sid))
            if group:
                found[group] = found.get(group, frozenset()) | frozenset(words_)
        groups = []
        for group, words_ in found.items():
            parents = {parent(pk) for pk in group} - {None}
            related = frozenset(pk for p in parents for pk in family(p)) - group
            groups.append(NeedGroup(group, words_, related))
        return groups


def _only(every, span, words_):
    """The span's meaningful words are all among `words_`."""
    said = [w for _, w, _ in every[span[0] : span[1] + 1] if not is_ignored(w)]
    return bool(said) and all(w in words_ for w in said)


def _keys(word, lexicon):
    """A query word's keys; a word of TYPO_MIN_LENGTH letters or more that meets no
    expression's word also takes the keys of the lexicon's words one edit from it
    ("grossese" → "grossesse", "nouriture" → "nourriture")."""
    keys = word_keys(word)
    if len(word) >= TYPO_MIN_LENGTH and not keys & lexicon.keys:
        for other in lexicon.words:
            if abs(len(other) - len(word)) <= 1 and within_one_edit(word, other):
                keys |= word_keys(other)
    return keys


def _sequences(text, lexicon):
    """(every word with its keys, the meaningful ones): [(position, word, keys)]."""
    every = [(n, w, _keys(w, lexicon)) for n, w in enumerate(words(clean_query(text)))]
    return every, [entry for entry in every if not is_ignored(entry[1])]


def _found(sequence, lexicon, literal):
    """[(first position, last position, Need)] of the expressions `sequence` holds."""
    spans = []
    for start, (_, _, keys) in enumerate(sequence):
        candidates = {id(n): n for key in keys for n in lexicon.first.get(key, ())}.values()
        for need in candidates:
            if need.literal != literal or start + len(need.keys) > len(sequence):
                continue
            run = sequence[start : start + len(need.keys)]
            if all(entry[2] & k for entry, k in zip(run, need.keys, strict=True)):
                spans.append((run[0][0], run[-1][0], need))
    return spans


def understand(text, lexicon):
    """The Understanding of a query's text, given the Lexicon (`index`)."""
    if not text:
        return Understanding()
    every, meaningful = _sequences(text, lexicon)
    spans = _found(every, lexicon, True) + _found(meaningful, lexicon, False)
    context = beneficiaries(text)  # "pour ma famille": whom for, not what
    if context:
        needed = [s for s in spans if not _only(every, s, context)]
        spans = needed or spans
    spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
    kept = []
    for first, last, need in spans:
        inside = any(a <= first and last <= b and (a, b) != (first, last) for a, b, _ in kept)
        if not inside and all(need.pk != other.pk for _, _, other in kept):
            kept.append((first, last, need))
    kept.sort(key=lambda s: (s[0], s[1]))
    ignored = list(dict.fromkeys(word for _, word, _ in every if is_ignored(word)))
    return Understanding(
        needs=[need for _, _, need in kept],
        ignored=ignored,
        said=[tuple(word for _, word, _ in every[first : last + 1]) for first, last, _ in kept],
        corrected={word for _, word, keys in every if not word_keys(word) & lexicon.keys},
    )


def sector_words(sectors):
    """{word key: [sector pk, ...]} of the meaningful words of sectors' names (word_keys)."""
    found = {}
    for sector in sectors:
        for name in (sector.name_fr, sector.name_en):
            for word in words(name or ""):
                if not is_ignored(word) and len(word) > 2:
                    for key in word_keys(word):
                        pks = found.setdefault(key, [])
                        if sector.pk not in pks:
                            pks.append(sector.pk)
    return found

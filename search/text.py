"""Words: folding, stemming and the parsed shape of a query, the same for both engines.

Documents and queries go through the same steps PostgreSQL's `search_fr` / `search_en`
configurations take (see migration 0002): fold accents and case, drop the language's stop words
(PostgreSQL's own lists, copied in stopwords/, checked after folding as unaccent does), stem with
Snowball. SQLite gets its stems from the PyPI `snowballstemmer`, PostgreSQL from its own Snowball.

Query syntax is PostgreSQL's `websearch_to_tsquery` one: words are all required, `"quoted words"`
are required together, `-word` excludes, `or` / `ou` between two words accepts either.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import snowballstemmer

from resources.folding import fold

LANGUAGES = ("french", "english")
MAX_QUERY_CHARS = 200
MAX_WORDS = 8
TYPO_MIN_LENGTH = 5
PREFIX_MIN_LENGTH = 5

_WORD = re.compile(r"[a-z0-9]+")
_QUERY_TOKEN = re.compile(r'"[^"]*"?|\S+')


def words(text):
    return _WORD.findall(fold(text))


@functools.cache
def stop_words(language):
    path = Path(__file__).parent / "stopwords" / f"{language}.txt"
    return frozenset(line.strip() for line in path.read_text().splitlines() if line.strip())


@functools.cache
def _stemmer(language):
    return snowballstemmer.stemmer(language)


@functools.lru_cache(maxsize=100_000)
def stem(word, language):
    """The Snowball stem of a folded word, or None for a stop word of that language."""
    if word in stop_words(language):
        return None
    return _stemmer(language).stemWord(word)


def as_typed(raw, folded):
    """The words `folded` as the visitor typed them in `raw` ("electricite" → "électricité")."""
    typed = {}
    for token in re.findall(r"[^\W_]+", raw or ""):
        for word in words(token):
            typed.setdefault(word, token if len(words(token)) == 1 else word)
    return [typed.get(word, word) for word in folded]


def is_stop_word(word):
    return all(word in stop_words(language) for language in LANGUAGES)


@functools.cache
def conversational_words():
    """Words of a request rather than of a need ("cherche", "besoin", "help", "need"...)."""
    path = Path(__file__).parent / "stopwords" / "conversational.txt"
    return frozenset(
        line.strip()
        for line in path.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )


def is_ignored(word):
    """A word a query never requires: a stop word of either language, or a conversational one
    ("je cherche un emploi" asks for "emploi")."""
    return word in conversational_words() or any(
        word in stop_words(language) for language in LANGUAGES
    )


def document_lexemes(text, languages=LANGUAGES):
    """The lexemes SQLite indexes for a text: each word's stems in `languages` (French and
    English, or the text's own language)."""
    lexemes = []
    for word in words(text):
        for language in languages:
            lexeme = stem(word, language)
            if lexeme and lexeme not in lexemes[-2:]:
                lexemes.append(lexeme)
    return " ".join(lexemes)


def is_prefix(lexeme, word):
    """The prefix rule: a long stem matches as a prefix ("aliment" finds "alimentaire"), a
    short one exactly ("logements" → "log", not "logiciel"), unless it is the word itself."""
    return len(lexeme) >= PREFIX_MIN_LENGTH or (lexeme == word and len(word) >= 3)


def lexeme_patterns(word):
    """[(language, stem, is_prefix)] a query word matches: a long stem also as a prefix
    ("aliment" finds "alimentaire"), a short one exactly ("logements" → "log", not "logiciel")."""
    patterns = []
    for language in LANGUAGES:
        lexeme = stem(word, language)
        if lexeme:
            patterns.append((language, lexeme, is_prefix(lexeme, word)))
    return patterns


def within_one_edit(a, b):
    """Damerau (optimal string alignment) distance of a and b is at most 1."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        i = diffs[0]
        return len(diffs) == 2 and diffs[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


@dataclass
class Clause:
    """One requirement of a query: any of its alternatives, each a list of words all required."""

    alternatives: list = field(default_factory=list)
    negated: bool = False

    def words(self):
        return [w for alternative in self.alternatives for w in alternative]


@dataclass
class ParsedQuery:
    clauses: list
    corrections: dict = field(default_factory=dict)
    ignored: list = field(default_factory=list)  # words dropped by drop_ignored, in order
    # Words a synonym or the need lexicon knows: never read as typos of other words ("linge"
    # is clothing, not "ligne"; "taxes" is not "taxis").
    known: set = field(default_factory=set)

    @property
    def is_empty(self):
        return not any(not clause.negated for clause in self.clauses)

    def all_words(self):
        return [w for clause in self.clauses for w in clause.words()]


def strip_control_characters(text):
    return "".join(c if unicodedata.category(c)[0] != "C" else " " for c in text)


def clean_query(raw):
    """The query with control characters removed, whitespace collapsed, length capped."""
    return " ".join(strip_control_characters(raw or "").split())[:MAX_QUERY_CHARS]


def _capped(found, room):
    """The words of `found` while no more than `room` of them are meaningful (not ignored)."""
    kept = []
    for word in found:
        if not is_ignored(word):
            if room == 0:
                break
            room -= 1
        kept.append(word)
    return kept


def parse(raw):
    """The clauses of a query (no stop words of both languages, at most MAX_WORDS meaningful
    words: words drop_ignored will drop are kept for synonyms' phrases, but not counted)."""
    clauses, join_next, count = [], False, 0
    for token in _QUERY_TOKEN.findall(clean_query(raw)):
        negated = token.startswith("-") and len(token) > 1
        found = words(token[1:] if negated else token)
        if not found:
            continue
        if found in (["or"], ["ou"]) and not token.startswith('"') and clauses:
            join_next = True
            continue
        kept = _capped([w for w in found if not is_stop_word(w)], MAX_WORDS - count)
        if not kept:
            join_next = False
            continue
        count += sum(1 for w in kept if not is_ignored(w))
        if join_next and not negated and not clauses[-1].negated:
            clauses[-1].alternatives.append(kept)
        else:
            clauses.append(Clause(alternatives=[kept], negated=negated))
        join_next = False
        if count >= MAX_WORDS:
            break
    return ParsedQuery(clauses=clauses)


def synonym_key(text):
    """How synonym terms are compared: folded, a final s or x dropped from words of 4+ letters
    (so "shelters" meets "shelter", and "impôt" meets "impôts")."""
    return " ".join(w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in words(text))


def phrases(parsed, longest=4):
    """Every run of 1 to `longest` consecutive single-word clauses, as synonym keys."""
    singles = [
        c.alternatives[0][0] if len(c.alternatives) == 1 and len(c.alternatives[0]) == 1 else None
        for c in parsed.clauses
    ]
    found = set()
    for start in range(len(singles)):
        for end in range(start + 1, min(start + longest, len(singles)) + 1):
            run = singles[start:end]
            if None in run:
                break
            found.add(synonym_key(" ".join(run)))
    return found


def apply_synonyms(parsed, synonyms):
    """Merge each run of clauses spelling a synonym's term into one clause that also accepts the
    expansion. `synonyms`: {synonym key: [expansion, ...]}, longest terms win."""
    for term in sorted(synonyms, key=lambda t: -len(t.split())):
        size = len(term.split())
        clauses = parsed.clauses
        for start in range(len(clauses) - size + 1):
            run = clauses[start : start + size]
            if any(c.negated or len(c.alternatives) != 1 for c in run):
                continue
            typed = [w for c in run for w in c.alternatives[0]]
            if synonym_key(" ".join(typed)) != term:
                continue
            merged = Clause(alternatives=[typed])
            parsed.known.update(typed)
            for expansion in synonyms[term]:
                kept = [w for w in words(expansion) if not is_stop_word(w)]
                if kept and kept not in merged.alternatives:
                    merged.alternatives.append(kept)
            parsed.clauses = clauses[:start] + [merged] + clauses[start + size :]
            break
    return parsed


# Who the help is for, not what is needed: "de la nourriture pour ma famille" asks for food.
_FOR = frozenset({"pour", "for"})
_POSSESSIVES = frozenset(
    {"ma", "mon", "mes", "notre", "nos", "sa", "son", "ses", "leur", "leurs"}
    | {"my", "our", "his", "her", "their"}
)
_VAGUE = frozenset({"aide", "aides"})  # says no need: "aide pour ma famille" asks for family
# Words that qualify a need without saying it: a service holding only them is no partial match
# ("a free meal" does not make every free service an answer).
_QUALIFIERS = frozenset(
    {"gratuit", "gratuite", "gratuits", "gratuites", "gratuitement", "free", "cheap"}
    | {"cher", "chere", "chers", "coute", "coutent", "couteux", "prix", "expensive", "cost"}
    | {"aide", "aides", "service", "services", "support", "soutien", "information", "info"}
)


def is_qualifier(clause):
    """Every word of the clause's first alternative qualifies a need without saying it."""
    return all(w in _QUALIFIERS for w in clause.alternatives[0])


def beneficiaries(raw):
    """The words naming whom the help is for: the first meaningful word after "pour" or "for"
    and a possessive ("pour ma famille", "for my kids")."""
    tokens = words(clean_query(raw))
    found = set()
    for i in range(len(tokens) - 2):
        if tokens[i] in _FOR and tokens[i + 1] in _POSSESSIVES:
            found.update([w for w in tokens[i + 2 : i + 4] if not is_ignored(w)][:1])
    return found


def drop_ignored(parsed, context=frozenset()):
    """The query without the words it never requires (text.is_ignored), after synonyms have
    read them ("panier de Noël"); they are listed in `parsed.ignored`. A clause left without a
    word is dropped. The `context` words (beneficiaries) are dropped too when other words
    remain ("nourriture pour ma famille" asks for "nourriture"; "pour mes enfants" for them)."""
    typed = [w for c in parsed.clauses if not c.negated for w in c.alternatives[0]]
    if all(is_ignored(w) or w in context or w in _VAGUE for w in typed):
        context = frozenset()

    def dropped(word):
        return is_ignored(word) or word in context

    kept = []
    for clause in parsed.clauses:
        alternatives = []
        for alternative in clause.alternatives:
            meaningful = [w for w in alternative if not dropped(w)]
            if alternative is clause.alternatives[0]:
                parsed.ignored += [w for w in alternative if dropped(w)]
            if meaningful and meaningful not in alternatives:
                alternatives.append(meaningful)
        if alternatives:
            kept.append(Clause(alternatives=alternatives, negated=clause.negated))
    parsed.clauses = kept
    parsed.ignored = list(dict.fromkeys(parsed.ignored))
    return parsed

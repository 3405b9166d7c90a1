"""The small tables every search reads, held in memory: sectors, municipalities with their
aliases, postal prefixes, languages, synonyms and the need lexicon.

Read from the database on each search they cost two to five queries and about 2 ms, a large
share of a fast search at 100,000 services. They hold a few hundred rows, so they are loaded
together (six queries) on first use and kept in memory (resources/memory.py: an edit of one of
them shows at once in this process, within a minute in the others).
"""

from dataclasses import dataclass, field

from resources.folding import fold
from resources.memory import KeptInMemory
from resources.models import (
    Language,
    Municipality,
    MunicipalityAlias,
    PostalPrefix,
    Sector,
)

from . import needs
from .models import NeedExpression, Synonym


@dataclass
class Snapshot:
    sectors: dict  # slug → Sector
    families: dict  # sector pk → [its pk, its subsectors' pks]
    municipalities: list  # every Municipality, in their order
    by_slug: dict  # slug → Municipality
    by_name: dict  # place key (see place_key) of a name or alias → Municipality
    postal: dict  # prefix → (PostalPrefix, [Municipality, ...])
    languages: dict  # code → Language
    synonyms: dict  # normalized term → [expansion, ...]
    needs: object  # the need lexicon (needs.Lexicon)
    sectors_by_pk: dict  # pk → Sector
    sector_words: dict  # (language, word key) → [sector pk, ...] (search.suggestions)
    # HTML built from the above, kept with it (search/fragments.py).
    fragments: dict = field(default_factory=dict)


def _load():
    sectors = list(Sector.objects.all())
    families = {s.pk: [s.pk] for s in sectors}
    for sector in sectors:
        if sector.parent_id in families:
            families[sector.parent_id].append(sector.pk)
    municipalities = list(Municipality.objects.all())
    by_pk = {m.pk: m for m in municipalities}
    aliases = {}
    for municipality_id, key in MunicipalityAlias.objects.values_list(
        "municipality_id", "normalized_name"
    ):
        aliases.setdefault(municipality_id, []).append(key)
    by_name = {}
    for municipality in municipalities:  # the first in order wins
        for key in [municipality.normalized_name, *aliases.get(municipality.pk, [])]:
            by_name.setdefault(place_key(key), municipality)
    for municipality in municipalities:  # then English names ("Montreal"), where they differ
        by_name.setdefault(place_key(municipality.name_en), municipality)
    by_name.pop("", None)
    links = {}
    for prefix_id, municipality_id in PostalPrefix.municipalities.through.objects.values_list(
        "postalprefix_id", "municipality_id"
    ):
        links.setdefault(prefix_id, []).append(by_pk[municipality_id])
    order = {m.pk: n for n, m in enumerate(municipalities)}
    postal = {
        prefix.code: (prefix, sorted(links.get(prefix.pk, []), key=lambda m: order[m.pk]))
        for prefix in PostalPrefix.objects.all()
    }
    synonyms = {}
    for term, expansion in Synonym.objects.values_list("normalized_term", "expansion"):
        synonyms.setdefault(term, []).append(expansion)
    named = {}
    for expression_id, sector_id in NeedExpression.sectors.through.objects.values_list(
        "needexpression_id", "sector_id"
    ):
        named.setdefault(expression_id, []).append(sector_id)
    lexicon = [
        needs.compile_need(pk, expression, language, kind, named.get(pk, []))
        for pk, expression, language, kind in NeedExpression.objects.values_list(
            "pk", "expression", "language", "kind"
        )
    ]
    return Snapshot(
        needs=needs.index(lexicon),
        sectors_by_pk={s.pk: s for s in sectors},
        sector_words=needs.sector_words(sectors),
        sectors={s.slug: s for s in sectors},
        families=families,
        municipalities=municipalities,
        by_slug={m.slug: m for m in municipalities},
        by_name=by_name,
        postal=postal,
        languages={language.code: language for language in Language.objects.all()},
        synonyms=synonyms,
    )


_kept = KeptInMemory(
    "search-reference",
    _load,
    models=(
        Sector,
        Municipality,
        MunicipalityAlias,
        PostalPrefix,
        Language,
        Synonym,
        NeedExpression,
    ),
    links=(PostalPrefix.municipalities.through, NeedExpression.sectors.through),
)


def snapshot():
    """The reference data (loaded on first use, kept in memory)."""
    return _kept.get()


def sector(slug):
    return snapshot().sectors.get(slug)


def sector_by_pk(pk):
    return snapshot().sectors_by_pk.get(pk)


def parent_of(pk):
    """The pk of the parent of the sector `pk`, or None."""
    sector = snapshot().sectors_by_pk.get(pk)
    return sector.parent_id if sector else None


def understand(text):
    """What the need lexicon reads in a query's text (search.needs.Understanding)."""
    return needs.understand(text, snapshot().needs)


def sector_family(sector):
    """The pks of `sector` and of its subsectors: the sector membership rule of
    resources.querysets.in_sector_condition, as the index's sector ids."""
    return family_of(sector.pk)


def family_of(pk):
    """The pks of the sector `pk` and of its subsectors."""
    return list(snapshot().families.get(pk, [pk]))


# Abbreviations of place names, written out: "St-Sulpice", "Ste-Julienne".
ABBREVIATIONS = {"st": "saint", "ste": "sainte"}
SHORTEST_PREFIX = 3  # letters a beginning of a name needs to stand for it


def place_key(text):
    """How a place name is matched: folded (any case, accents, hyphens and apostrophes alike),
    abbreviations written out ("St-Sulpice" and "saint sulpice" → "saint sulpice")."""
    return " ".join(ABBREVIATIONS.get(word, word) for word in fold(text or "").split())


def municipality(value):
    """A municipality by slug, name (French, else English) or alias, in any case, with or
    without accents or punctuation, "St" or "Ste" for "Saint" or "Sainte" ("Le Gardeur" →
    Repentigny), or None: the one resolver of place names (the search form, the HSDS import)."""
    data = snapshot()
    return data.by_slug.get(value) or data.by_name.get(place_key(value))


def municipalities_named_like(value):
    """The municipalities (in their order, each once) a name or alias of which begins with
    `value` at the start of one of its words ("repent" → Repentigny, "sulpice" →
    Saint-Sulpice, "saint" → three): a beginning of at least SHORTEST_PREFIX letters, or whole
    words ("l'" → L'Assomption, L'Épiphanie, Saint-Roch-de-l'Achigan)."""
    key = place_key(value)
    if not key:
        return []
    whole_words = len(key.replace(" ", "")) < SHORTEST_PREFIX
    found = []
    for name, place in snapshot().by_name.items():
        padded = f" {name} "
        if (f" {key} " if whole_words else f" {key}") in padded and place not in found:
            found.append(place)
    order = {m.pk: n for n, m in enumerate(municipalities())}
    return sorted(found, key=lambda m: order[m.pk])


def municipalities():
    return snapshot().municipalities


def postal_prefix(code):
    """(PostalPrefix, its municipalities) of a prefix, or None."""
    return snapshot().postal.get(code)


def language_exists(code):
    return code in snapshot().languages


def languages():
    """Every Language, by its name in the active language (folded: accents do not move it)."""
    return sorted(snapshot().languages.values(), key=lambda language: fold(language.name))


def synonyms(terms):
    """{term: [expansion, ...]} of the normalized `terms` staff gave synonyms."""
    known = snapshot().synonyms
    return {term: list(known[term]) for term in terms if term in known}

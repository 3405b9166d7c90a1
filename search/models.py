"""The search index (derived from the directory, rebuilt by search.indexing) and staff synonyms.

`SearchEntry` holds one row per service and public map point (a service with no public point has
one row without coordinates); the row marked `is_primary` stands for the service when distance does
not matter. Texts are kept as written; each engine indexes them its own way: on PostgreSQL a
generated, GIN-indexed tsvector (French and English configurations with unaccent; the body's texts
in their own language's only), on SQLite the
FTS5 table `search_fts` (see search/engine_sqlite.py). Key columns such as `sector_keys`
("|3|17|") let both engines filter without joins; on PostgreSQL they are also integer arrays
(generated columns, migrations 0002 and 0006).
"""

import zlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from .text import synonym_key, words

# A service area over a whole territory is written in `served_keys` as a negative number, beside
# the ids of the municipalities named one by one: "serves the visitor" is then one test of the
# municipality's id and of the codes of the territories that hold it. The province and the
# metropolitan area have one code each; an MRC or a region has its own, from its gazetteer code
# (served_code). -2 and -3 were the home MRC and region before territories were named
# (migration 0013_territory_keys rewrites them).
SCOPE_CODES = {"province": -1, "metro": -4}
# MRC n is -(100000 + n) (codes of up to 5 digits), region n is -(1000 + n) (2 digits); a code
# that is not a number gets a hashed one in a range of its own.
TERRITORY_BASES = {"mrc": (100_000, 1_000_000_000), "region": (1_000, 1_200_000_000)}


def served_code(key):
    """The integer of a territory key (resources' territory_key: "province", "mrc:610",
    "region:14") in `served_keys`; None for an unknown one."""
    if key in SCOPE_CODES:
        return SCOPE_CODES[key]
    scope, _sep, code = key.partition(":")
    if scope not in TERRITORY_BASES or not code:
        return None
    numeric, hashed = TERRITORY_BASES[scope]
    if code.isascii() and code.isdigit():
        return -(numeric + int(code))
    return -(hashed + zlib.crc32(code.encode()) % 100_000_000)


WEEK_HOURS = 168


def _hour_bits(periods, hours):
    """168 bits, one per hour of the week, set for the hours `hours(opens, closes)` (a range of
    the day's hours) gives for each of `periods` (weekday, opens, closes)."""
    bits = bytearray(WEEK_HOURS // 8)
    for weekday, opens, closes in periods:
        for hour in hours(opens, closes):
            bit = (weekday * 24 + hour) % WEEK_HOURS
            bits[bit // 8] |= 1 << (bit % 8)
    return bytes(bits)


def week_hours(periods):
    """`SearchEntry.open_hours` of weekly periods given as (weekday, opens, closes) in minutes
    from the local midnight of the day they open (`closes` past 1440 runs into the next day):
    every hour a period is open in, if only a minute."""
    return _hour_bits(
        periods, lambda opens, closes: range(opens // 60, (max(closes, opens + 1) - 1) // 60 + 1)
    )


def whole_hours(periods):
    """`SearchEntry.whole_hours` of weekly periods given as `week_hours` takes them: the hours
    of the week each wholly inside one of them (9:00 to 16:30: 9 h to 15 h)."""
    return _hour_bits(periods, lambda opens, closes: range(-(-opens // 60), closes // 60))


def week_hour(weekday, minute):
    """The bit of `open_hours` holding minute `minute` of weekday `weekday`."""
    return weekday * 24 + minute // 60


class SearchEntry(models.Model):
    service = models.ForeignKey(
        "resources.Service", on_delete=models.CASCADE, related_name="search_entries"
    )
    is_primary = models.BooleanField(default=True)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    name_text = models.TextField()
    org_text = models.TextField()
    # The body (descriptions, eligibility): its French texts, stemmed in French, and its English
    # ones, stemmed in English (the name and organization are stemmed both ways; migration 0022).
    body_text = models.TextField()
    body_en_text = models.TextField(default="")
    sort_name = models.CharField(max_length=200)  # the French name, folded
    sort_name_en = models.CharField(max_length=200)  # the English name (else French), folded
    sector_keys = models.CharField(max_length=400)
    # Municipality ids, and the negative codes of whole territories (search.models.SCOPE_CODES).
    served_keys = models.CharField(max_length=400)
    language_keys = models.CharField(max_length=200)
    is_free = models.BooleanField(default=False)
    wheelchair = models.BooleanField(default=False)
    minimum_age = models.PositiveSmallIntegerField(null=True)
    maximum_age = models.PositiveSmallIntegerField(null=True)
    # The hours of the week (weekday × 24 + hour, Monday 0 h = bit 0) in which one of the
    # service's weekly periods is open, whatever its rule, dates or closures: "open now" tests
    # this bit before looking up the periods (search/sql.py open_now). NULL: not computed.
    open_hours = models.BinaryField(null=True, max_length=WEEK_HOURS // 8)
    # The hours of the week wholly inside one of the service's plain weekly periods (every
    # week, no dates, no rule, its schedule without closures: search/indexing.py):
    # the service is open at any minute of them but on a statutory holiday, and "open now"
    # then needs no lookup in the periods. NULL: not computed.
    whole_hours = models.BinaryField(null=True, max_length=WEEK_HOURS // 8)

    # No index on is_primary / sort_name: with one, PostgreSQL's planner filters text matches
    # through it instead of the GIN index (60 ms became 376 ms at 100,000 services).

    def __str__(self):
        return self.sort_name


class SearchOpening(models.Model):
    """An opening period of a service, in minutes from the local midnight of the day it opens
    (`closes` may pass 1440 when it ends the next day). A period that does not open every week
    carries its rule as `OpeningPeriod.rule_keys` gives it (`nth` weekday of the month, every
    `every` weeks or months counted from `anchor`), its own first and last dates folded into
    `valid_from` / `valid_to`; resources.models.schedules.keys_match reads them."""

    service = models.ForeignKey(
        "resources.Service", on_delete=models.CASCADE, related_name="search_openings"
    )
    schedule = models.ForeignKey("resources.Schedule", on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField()
    opens = models.PositiveSmallIntegerField()
    closes = models.PositiveSmallIntegerField()
    closed_on_holidays = models.BooleanField()
    valid_from = models.DateField(null=True)
    valid_to = models.DateField(null=True)
    nth = models.SmallIntegerField(null=True)
    every = models.PositiveSmallIntegerField(default=1)
    unit = models.CharField(max_length=1, default="W")
    anchor = models.IntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["service", "weekday"], name="search_opening_day")]

    def __str__(self):
        return f"{self.weekday} {self.opens}–{self.closes}"


class SearchCard(models.Model):
    """What a result shows of a service, both languages, as JSON text (see search/cards.py)."""

    service = models.OneToOneField(
        "resources.Service", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    data = models.TextField()

    def __str__(self):
        return str(self.service_id)


class SectorListing(models.Model):
    """A listed service under a sector it is in (one of its sectors, or the parent of one), by
    name: the "sector only" listing (a sector's page, `?sector=` alone) walks one sector's rows
    in name order and stops at the page, where the entries had to read and sort every match of
    the sector (51,000 at 1,000,000 services: 95 ms). Written by the indexer with the entries."""

    sector_id = models.IntegerField()
    sort_name = models.CharField(max_length=200)
    sort_name_en = models.CharField(max_length=200)  # the English page's order (SearchEntry)
    service = models.ForeignKey("resources.Service", on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["sector_id", "sort_name", "service"], name="search_listing_order"),
            models.Index(
                fields=["sector_id", "sort_name_en", "service"], name="search_listing_order_en"
            ),
        ]

    def __str__(self):
        return f"{self.sector_id} {self.sort_name}"


class SearchTerm(models.Model):
    """A word of the indexed texts (folded, not stemmed): the vocabulary typo correction uses."""

    word = models.CharField(max_length=60, unique=True)

    def __str__(self):
        return self.word


class Synonym(models.Model):
    """Staff-kept equivalence: a search for `term` also looks for `expansion` (both languages)."""

    term = models.CharField(
        _("terme recherché"),
        max_length=100,
        help_text=_("Mot ou expression que les gens tapent, par ex. « bouffe » ou « food bank »."),
    )
    expansion = models.CharField(
        _("chercher aussi"),
        max_length=200,
        help_text=_("Ce que le répertoire dit, par ex. « alimentation »."),
    )
    normalized_term = models.CharField(max_length=100, editable=False, db_index=True)

    class Meta:
        ordering = ["normalized_term"]
        verbose_name = _("synonyme")
        verbose_name_plural = _("synonymes")
        constraints = [
            models.UniqueConstraint(
                fields=["normalized_term", "expansion"], name="unique_synonym_expansion"
            )
        ]

    def __str__(self):
        return f"{self.term} → {self.expansion}"

    def save(self, *args, **kwargs):
        self.normalized_term = synonym_key(self.term)
        super().save(*args, **kwargs)


class NeedExpression(models.Model):
    """How people say a need, and the sectors that answer it (staff-kept, both languages).

    A query holding the expression (search.needs: words folded, plurals and feminines through
    the stemmer, stop words kept only when the expression has some) boosts the services of its
    sectors, never filters them, and the results page names those sectors. A *crisis*
    expression ("je veux en finir", "he's going to kill me") also puts the emergency numbers and
    its sectors' crisis lines above the results.
    """

    class Kind(models.TextChoices):
        NEED = "need", _("besoin")
        CRISIS = "crisis", _("crise ou danger immédiat")

    class Language(models.TextChoices):
        FRENCH = "fr", _("français")
        ENGLISH = "en", _("anglais")

    expression = models.CharField(
        _("expression"),
        max_length=120,
        help_text=_(
            "Mot ou courte phrase comme les gens la disent, par ex. « perdu ma job » ou "
            "« can't pay rent ». Les pluriels et féminins sont reconnus."
        ),
    )
    language = models.CharField(_("langue"), max_length=2, choices=Language, default="fr")
    kind = models.CharField(_("type"), max_length=10, choices=Kind, default=Kind.NEED)
    sectors = models.ManyToManyField(
        "resources.Sector",
        verbose_name=_("secteurs"),
        related_name="need_expressions",
        help_text=_("Les services de ces secteurs (et de leurs sous-secteurs) passent devant."),
    )
    normalized = models.CharField(max_length=120, editable=False, db_index=True)

    class Meta:
        ordering = ["language", "normalized"]
        verbose_name = _("expression de besoin")
        verbose_name_plural = _("expressions de besoin")
        constraints = [
            models.UniqueConstraint(
                fields=["normalized", "language"], name="unique_need_expression"
            )
        ]

    def __str__(self):
        return self.expression

    def save(self, *args, **kwargs):
        self.normalized = " ".join(words(self.expression))[:120]
        super().save(*args, **kwargs)


class SearchNeedStat(models.Model):
    """How many searches of one kind a day saw, and how many results they had (search/
    unmet_needs.py). No person in it: a scrubbed query, the sectors it was understood as, a
    municipality, a language; never a position, an address, a session or a browser."""

    day = models.DateField(_("jour"), db_index=True)
    query = models.CharField(_("recherche"), max_length=120, blank=True)
    # The slugs of the understood sectors (search.needs), space-separated.
    sectors = models.CharField(_("secteurs compris"), max_length=400, blank=True)
    municipality = models.ForeignKey(
        "resources.Municipality",
        verbose_name=_("municipalité"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    language = models.CharField(_("langue"), max_length=2)
    results = models.PositiveIntegerField(_("résultats"))
    searches = models.PositiveIntegerField(_("recherches"), default=0)

    class Meta:
        verbose_name = _("besoin non comblé")
        verbose_name_plural = _("besoins non comblés")
        indexes = [models.Index(fields=["results", "day"], name="search_need_results")]

    def __str__(self):
        return f"{self.day} {self.query} ({self.results})"


class ServiceCount(models.Model):
    """How many listed services a top-level sector (`kind` "s") or a municipality ("m") has:
    the home page's counts, kept by the indexer (search/counts.py) so no request counts over
    the directory. Rewritten whole by a full rebuild, adjusted by each partial refresh.

    `place` 0: over the whole directory; a municipality's pk (sectors only): among the services
    serving that municipality (the sectors a search with few results suggests first)."""

    kind = models.CharField(max_length=1)
    key = models.IntegerField()
    place = models.IntegerField(default=0)
    services = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "place", "key"], name="unique_count_place_key")
        ]

    def __str__(self):
        return f"{self.kind}{self.key}@{self.place}: {self.services}"

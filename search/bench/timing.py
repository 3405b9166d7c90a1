"""Timing search shapes as the results page runs them (the `bench_search` command).

Each shape is a query string, searched the way the results page does (form, synonyms, the need
lexicon, ranking, result cards). The ratio compares the whole search with the bare SQL of its
main query: the statements that find, count and order the matches (ranking.py marks them
`/* search:main */`: one, or a count and a nearest-first walk; and the partial matches that fill
a short first page, `/* search:partial */`), timed alone the same number of times.
"""

import statistics
import time

from django.db import connection, transaction

from search.engine_postgres import TEXT_SETTINGS_SQL
from search.finder import find

REPENTIGNY = "lat=45.742&lon=-73.450"
MONTREAL = "lat=45.509&lon=-73.562"

SHAPES = [
    ("text", "q=aide alimentaire"),
    ("text, one word", "q=logement"),
    ("text, relevance", "q=banque alimentaire&sort=relevance"),
    ("text, prefix", "q=aliment"),
    ("sector only", "sector=food"),
    ("sector only, page 5", "sector=housing&page=5"),
    ("text + position", f"q=dépannage&{REPENTIGNY}"),
    ("text + position (Montréal)", f"q=emploi&{MONTREAL}"),
    ("sector + position", f"sector=homelessness&{MONTREAL}"),
    ("sector + position + open now", f"sector=food&open_now=on&{REPENTIGNY}"),
    ("sector + position, page 5", f"sector=employment&page=5&{REPENTIGNY}"),
    ("text + sector + position", f"q=aide&sector=food&{REPENTIGNY}"),
    ("typo", "q=alimantaire"),
    ("typo + position", f"q=logemnt&{REPENTIGNY}"),
    ("English", "q=food bank"),
    ("English + position", f"q=shelter&{MONTREAL}"),
    ("synonym", "q=bouffe"),
    ("rare word + position", f"q=naloxone&{MONTREAL}"),
    ("zero results", "q=xyzzyq"),
    ("postal code only", "postal_code=J5Y 1A1"),
    ("municipality only", "municipality=repentigny"),
    ("text + municipality (apart block)", "q=aide&municipality=l-assomption"),
    ("text + filters", "q=aide&free=on&age=70&language=fra"),
    ("wheelchair + sector + position", f"sector=health&wheelchair=on&{REPENTIGNY}"),
    # Long conversational queries (8 to 12 words): partial matches, needs read by the lexicon.
    ("conversational", "q=je cherche un emploi pour mon fils qui a perdu sa job"),
    (
        "conversational + position",
        f"q=j'ai perdu ma job pis j'ai pus d'argent pour l'épicerie&{REPENTIGNY}",
    ),
    ("conversational, rent", "q=je n'arrive pas à payer mon loyer ce mois-ci, aidez-moi"),
    ("conversational, English", "q=I lost my apartment and need a place to stay tonight"),
    (
        "conversational, English + position",
        f"q=my kids need winter coats and boots before the cold&{MONTREAL}",
    ),
    ("conversational, crisis + position", f"q=je veux en finir, je n'en peux plus&{REPENTIGNY}"),
]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class QueryRecorder:
    """Counts the queries of a search and keeps its main ones (SQL and parameters)."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.count, self.main, self.settings = 0, [], []

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if "/* search:main */" in sql or "/* search:partial */" in sql:
            self.main.append((sql, params))
        elif sql.startswith("SELECT set_config("):  # a setting made after the words' query
            self.settings.append(sql)
        return execute(sql, params, many, context)


def run_search(query_string):
    params = dict(part.split("=", 1) for part in query_string.split("&"))
    return find(params).outcome


def bare_sql(main, runs, settings=()):
    """Milliseconds per run of the main statements alone, run as the search runs them: in a
    transaction with the engine's settings (those the words' query makes, then `settings`,
    the setting statements the search made after it)."""
    if not main:
        return []
    times = []
    with transaction.atomic(), connection.cursor() as cursor:
        planned = ("@@ tq", "e.sector_ids &&")  # text or sector: ranking.search's settings
        if connection.vendor == "postgresql" and any(p in sql for sql, _ in main for p in planned):
            cursor.execute(TEXT_SETTINGS_SQL)
        for statement in settings:
            cursor.execute(statement)
        for _ in range(runs + 2):
            start = time.perf_counter()
            for sql, params in main:
                cursor.execute(sql, params)
                cursor.fetchall()
            times.append((time.perf_counter() - start) * 1000)
    return times[2:]


def time_shapes(runs, shapes=SHAPES):
    """[(name, times ms, queries per search, results, bare SQL times ms, ratio)] per shape."""
    rows = []
    for name, query_string in shapes:
        for _ in range(2):
            run_search(query_string)
        times, recorder = [], QueryRecorder()
        for _ in range(runs):
            recorder.reset()
            with connection.execute_wrapper(recorder):
                start = time.perf_counter()
                outcome = run_search(query_string)
                times.append((time.perf_counter() - start) * 1000)
        bare = bare_sql(recorder.main, runs, recorder.settings)
        ratio = statistics.median(times) / statistics.median(bare) if bare else None
        rows.append((name, times, recorder.count, outcome.total, bare, ratio))
    return rows

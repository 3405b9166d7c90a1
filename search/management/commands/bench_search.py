"""`manage.py bench_search [--runs 50]`: latency of a fixed mix of search shapes.

Each shape is a query string, searched the way the results page does (form, synonyms, ranking,
result cards), `--runs` times after two warm-up runs. Printed per shape and overall: p50 / p95 /
p99 in milliseconds, SQL queries per search, and the ratio of the whole search to the bare SQL of
its main query: the statements that find, count and order the matches (ranking.py marks them
`/* search:main */`: one, or a count and a nearest-first walk), timed alone the same number of
times. Meant for a database filled by `generate_bench_data`; reads only.
"""

import gc
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import translation

from search.engine_postgres import TEXT_SETTINGS_SQL
from search.forms import SearchForm
from search.ranking import search

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
]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class QueryRecorder:
    """Counts the queries of a search and keeps its main ones (SQL and parameters)."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.count, self.main = 0, []

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if "/* search:main */" in sql:
            self.main.append((sql, params))
        return execute(sql, params, many, context)


def run_search(query_string):
    params = dict(part.split("=", 1) for part in query_string.split("&"))
    form = SearchForm(params)
    form.is_valid()
    outcome = search(form.criteria(), page=form.cleaned_data.get("page") or 1)
    return outcome


class Command(BaseCommand):
    help = "Mesure la latence d'un ensemble fixe de recherches (p50, p95, p99)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=50)

    def handle(self, *args, runs, **options):
        translation.activate("fr")
        gc.freeze()  # as the server does once loaded (directory211/wsgi.py)
        rows, all_times, all_ratios = [], [], []
        for name, query_string in SHAPES:
            for _ in range(2):
                run_search(query_string)
            times, recorder = [], QueryRecorder()
            for _ in range(runs):
                recorder.reset()
                with connection.execute_wrapper(recorder):
                    start = time.perf_counter()
                    outcome = run_search(query_string)
                    times.append((time.perf_counter() - start) * 1000)
            bare = self._bare(recorder.main, runs)
            ratio = statistics.median(times) / statistics.median(bare) if bare else None
            all_times += times
            if ratio:
                all_ratios.append(ratio)
            rows.append((name, times, recorder.count, outcome.total, bare, ratio))
        self._print(rows, all_times, all_ratios)

    def _bare(self, main, runs):
        if not main:
            return []
        times = []
        # The main SQL runs as the search runs it: in a transaction with the engine's settings.
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql" and any("@@ tq" in sql for sql, _ in main):
                cursor.execute(TEXT_SETTINGS_SQL)
            for _ in range(runs + 2):
                start = time.perf_counter()
                for sql, params in main:
                    cursor.execute(sql, params)
                    cursor.fetchall()
                times.append((time.perf_counter() - start) * 1000)
        return times[2:]

    def _print(self, rows, all_times, all_ratios):
        out = self.stdout.write
        out(f"Database: {connection.vendor}")
        header = (
            "| shape | results | p50 ms | p95 ms | p99 ms | queries | main SQL p50 ms | ratio |"
        )
        out(header)
        out("|---|---|---|---|---|---|---|---|")
        for name, times, count, total, bare, ratio in rows:
            main = f"{statistics.median(bare):.1f}" if bare else "—"
            shown = f"{ratio:.2f}" if ratio else "—"
            out(
                f"| {name} | {total} | {percentile(times, 0.5):.1f} | "
                f"{percentile(times, 0.95):.1f} | {percentile(times, 0.99):.1f} | {count} | "
                f"{main} | {shown} |"
            )
        out(
            f"| **overall** | | {percentile(all_times, 0.5):.1f} | "
            f"{percentile(all_times, 0.95):.1f} | {percentile(all_times, 0.99):.1f} | | | "
            f"{statistics.median(all_ratios):.2f} (median), {max(all_ratios):.2f} (max) |"
        )

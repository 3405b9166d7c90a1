"""`manage.py bench_search [--runs 50]`: latency of a fixed mix of search shapes.

Each shape (search/bench/timing.py) is searched `--runs` times after two warm-up runs. Printed per
shape and overall: p50 / p95 / p99 in milliseconds, SQL queries per search, and the ratio of the
whole search to the bare SQL of its main query. Meant for a database filled by
`generate_bench_data`; reads only.
"""

import gc
import statistics

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import translation

from search.bench import machine
from search.bench.timing import SHAPES, percentile, time_shapes


class Command(BaseCommand):
    help = "Mesure la latence d'un ensemble fixe de recherches (p50, p95, p99)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=50)
        parser.add_argument(
            "--only", default="", help="Seules les formes dont le nom contient ce texte."
        )

    def handle(self, *args, runs, only, **options):
        translation.activate("fr")
        gc.freeze()  # as the server does once loaded (directory211/wsgi.py)
        rows = time_shapes(runs, [shape for shape in SHAPES if only in shape[0]])
        all_times = [t for row in rows for t in row[1]]
        all_ratios = [row[5] for row in rows if row[5]]
        self._print(rows, all_times, all_ratios)

    def _print(self, rows, all_times, all_ratios):
        out = self.stdout.write
        out(f"Database: {connection.vendor}")
        out(machine.reference().line())
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

"""`manage.py bench_pages [--runs 30] [--only results] [--cache off|on|both]`: whole pages.
`manage.py bench_pages --mix results [--size 1500] [--slowest 10]`: the load test's addresses.

Each public page (search/bench/whole_pages.py: home, results of several shapes, sector,
municipality, organization and service pages, the API's search) is asked through the WSGI
handler `--runs` times after two warm-up requests, first with the page cache off, then on
(reported apart: a page with a position is never kept, so it costs the same). Printed per page:
p50 / p95 / p99 in milliseconds, queries per request, the queries' own time, the process's CPU
time, and for listings the template's rendering time with the result cards' share of it
(CPU time).

With `--mix KIND`, every address of that kind in the load test's mix (search/bench/load.py,
the same seed) is asked instead, page cache off, once unmeasured (PostgreSQL's buffers filled;
`--cold`: not) and once measured: the percentiles over the addresses and the slowest of them
with their queries' time, to find the addresses that make a kind's tail.

Meant for a database filled by `generate_bench_data`; reads only (the searches are counted in
the cache, search/unmet_needs.py). With the page cache on, CACHE_URL should name the shared
cache the server uses (Redis); the local-memory default works too.
"""

import gc
import statistics

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings
from django.utils import translation

from search.bench import machine
from search.bench.load import KINDS, build_mix
from search.bench.timing import percentile
from search.bench.whole_pages import PAGES, time_addresses, time_pages


class Command(BaseCommand):
    help = "Mesure le temps de réponse des pages entières (p50, p95, p99), sans puis avec cache."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30)
        parser.add_argument(
            "--only", default="", help="Seules les pages dont le nom contient ce texte."
        )
        parser.add_argument("--cache", choices=["off", "on", "both"], default="both")
        parser.add_argument(
            "--mix",
            choices=[kind.name for kind in KINDS],
            help="Chaque adresse de ce type de page du mélange de load_test, une fois.",
        )
        parser.add_argument("--size", type=int, default=1500, help="Adresses par type (--mix).")
        parser.add_argument("--slowest", type=int, default=10, help="Les plus lentes (--mix).")
        parser.add_argument(
            "--cold", action="store_true", help="Sans tour préalable des adresses (--mix)."
        )

    def handle(self, *args, runs, only, cache, **options):
        if options["mix"]:
            return self._mix(options["mix"], options["size"], options["slowest"], options["cold"])
        pages = [page for page in PAGES if only in page.name]
        if not pages:
            raise CommandError(f"Aucune page ne correspond à « {only} ».")
        translation.activate("fr")
        gc.freeze()  # as the server does once loaded (directory211/wsgi.py)
        out = self.stdout.write
        out(f"Database: {connection.vendor}; cache: {settings.CACHES['default']['BACKEND']}")
        out(machine.reference().line())
        passes = [
            ("off", 0, "Page cache off"),
            ("on", 60, "Page cache on (kept pages answered from the cache; positions never kept)"),
        ]
        for name, seconds, title in passes:
            if cache in (name, "both"):
                with override_settings(PAGE_CACHE_SECONDS=seconds):
                    rows = time_pages(runs, pages)
                self._check(rows)
                out(title)
                self._print(rows, detailed=name == "off")

    def _mix(self, kind, size, slowest, cold):
        translation.activate("fr")
        gc.freeze()
        out = self.stdout.write
        addresses = build_mix(1, size)[kind]
        with override_settings(PAGE_CACHE_SECONDS=0):
            asked = time_addresses(addresses, warm=not cold)
        failed = [f"{a.address}: {a.status}" for a in asked if a.status != 200]
        if failed:
            raise CommandError("Pages en erreur : " + "; ".join(failed[:10]))
        walls = [a.wall for a in asked]
        how = "asked once" if cold else "asked once after an unmeasured pass"
        out(f"Database: {connection.vendor}; {kind}: {len(asked)} addresses, each {how}")
        out(machine.reference().line())
        out("| p50 ms | p95 ms | p99 ms | max ms | SQL mean ms |")
        out("|---|---|---|---|---|")
        out(
            f"| {percentile(walls, 0.5):.1f} | {percentile(walls, 0.95):.1f} | "
            f"{percentile(walls, 0.99):.1f} | {max(walls, default=0):.1f} | "
            f"{statistics.fmean([a.sql for a in asked]) if asked else 0:.1f} |"
        )
        out("")
        out("| slowest ms | SQL ms | queries | address |")
        out("|---|---|---|---|")
        for a in sorted(asked, key=lambda a: -a.wall)[:slowest]:
            out(f"| {a.wall:.1f} | {a.sql:.1f} | {a.queries} | {a.address} |")

    def _check(self, rows):
        failed = [f"{row.name} ({row.path}): {row.status}" for row in rows if row.status != 200]
        if failed:
            raise CommandError("Pages en erreur : " + "; ".join(failed))

    def _print(self, rows, detailed):
        out = self.stdout.write
        header = "| page | KB sent | p50 ms | p95 ms | p99 ms | queries | SQL p50 ms | CPU p50 ms |"
        if detailed:
            header += " template p50 ms | cards p50 ms |"
        out(header)
        out("|" + "---|" * (header.count("|") - 1))
        for row in rows:
            low, high = min(row.queries), max(row.queries)
            shown = str(low) if low == high else f"{low}–{high}"
            line = (
                f"| {row.name} | {row.size / 1024:.1f} | {percentile(row.wall, 0.5):.1f} | "
                f"{percentile(row.wall, 0.95):.1f} | {percentile(row.wall, 0.99):.1f} | "
                f"{shown} | {statistics.median(row.sql):.1f} | {statistics.median(row.cpu):.1f} |"
            )
            if detailed:
                template = statistics.median(row.template)
                cards = statistics.median(row.cards)
                line += f" {template:.1f} | {cards:.1f} |" if template else " — | — |"
            out(line)
        everything = [t for row in rows for t in row.wall]
        out(
            f"| **overall** | | {percentile(everything, 0.5):.1f} | "
            f"{percentile(everything, 0.95):.1f} | {percentile(everything, 0.99):.1f} | | | |"
            + (" | |" if detailed else "")
        )

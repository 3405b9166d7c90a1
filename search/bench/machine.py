"""Two reference figures of the machine a benchmark runs on, printed with its results.

Each session's machine differs: the same code on the same data measured 1.3 to 2 × apart from
one sitting to the next (docs/scale.md), Python and PostgreSQL each by their own factor. The
benchmark commands (`bench_search`, `bench_pages`, `generate_bench_data`, `load_test`) print
these figures so that results from two machines can be compared by what each machine is
worth, not guessed at from the results themselves:

- Python: a fixed piece of pure-Python work shaped like a page's (attribute and dictionary
  reads, string building, a small sort), the best of REPEATS runs, in ms.
- PostgreSQL: a fixed query shaped like the search's server work (`to_tsvector` of a short
  French text through the built-in `french` configuration, a `tsquery` test, a sort), the best
  of REPEATS runs timed at the server (`EXPLAIN ANALYZE`'s execution time, so the network and
  the client do not count), in ms. Not measured on SQLite.

The best of several runs is the machine's speed with the least interference; a figure that
moves between two commands of one sitting says something else ran beside them.
"""

import json
import time
from dataclasses import dataclass

from django.db import connection

REPEATS = 5
# The Python work: this many records turned into strings, looked up and sorted.
PYTHON_RECORDS = 20_000
# The PostgreSQL work: this many short texts turned into search documents and tested.
SQL_ROWS = 2_000
SQL_WORK = f"""
SELECT count(*) FROM (
    SELECT d FROM (
        SELECT to_tsvector('french', 'Banque alimentaire et dépannage numéro ' || i
            || ' : repas communautaires, paniers de Noël, cuisine collective') AS d
        FROM generate_series(1, {SQL_ROWS}) AS i
    ) AS documents
    WHERE d @@ to_tsquery('french', 'alimentaire & repas')
    ORDER BY ts_rank(d, to_tsquery('french', 'cuisine')) DESC, length(d::text)
) AS ranked
"""


@dataclass(frozen=True)
class Record:
    name: str
    number: int
    sector: str


def python_work():
    """The fixed Python work (a page's kind: objects read, text built, a sort); its result."""
    sectors = ("food", "housing", "health", "employment", "legal")
    records = [Record(f"service {i}", i, sectors[i % 5]) for i in range(PYTHON_RECORDS)]
    by_sector = {}
    for record in records:
        by_sector.setdefault(record.sector, []).append(f"<li>{record.name} ({record.number})</li>")
    ordered = sorted(records, key=lambda record: (record.sector, -record.number))
    return sum(len(lines) for lines in by_sector.values()) + ordered[0].number


def _best(run):
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def _sql_ms(cursor):
    cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + SQL_WORK)
    plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Execution Time"]


@dataclass(frozen=True)
class Figures:
    python_ms: float
    sql_ms: float | None  # None: not PostgreSQL

    def line(self):
        """The line the benchmark commands print."""
        sql = f"PostgreSQL {self.sql_ms:.1f} ms" if self.sql_ms is not None else "PostgreSQL —"
        return (
            f"Machine (search/bench/machine.py, best of {REPEATS}): "
            f"Python {self.python_ms:.1f} ms, {sql}"
        )


def reference():
    """The machine's Figures, measured now (PostgreSQL's on the default connection)."""
    python_ms = _best(python_work)
    sql_ms = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            sql_ms = min(_sql_ms(cursor) for _ in range(REPEATS))
    return Figures(python_ms, sql_ms)

"""The machine's reference figures (search/bench/machine.py), printed by the benchmark commands
so that figures from two sessions' machines can be compared by what each machine is worth."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from search.bench import machine

pytestmark = pytest.mark.django_db

LINE = re.compile(
    r"^Machine \(search/bench/machine\.py, best of 5\): Python (\d+\.\d) ms, "
    r"PostgreSQL (\d+\.\d ms|—)$",
    re.M,
)


def test_the_python_work_is_fixed_and_does_what_a_page_does():
    # Every record listed under its sector, then the first of the sorted records: the
    # "employment" record with the highest number.
    assert machine.python_work() == machine.python_work() == 20_000 + 19_998


def test_the_figures_are_measured_on_this_database():
    figures = machine.reference()
    assert figures.python_ms > 0
    if connection.vendor == "postgresql":
        assert figures.sql_ms > 0
        # The query does the work it stands for: every text made a document that matches,
        # then ranked and sorted.
        with connection.cursor() as cursor:
            cursor.execute(machine.SQL_WORK)
            assert cursor.fetchone()[0] == machine.SQL_ROWS
    else:
        assert figures.sql_ms is None
    python, sql = LINE.search(figures.line()).groups()
    assert float(python) == round(figures.python_ms, 1)
    assert (sql == "—") is (connection.vendor != "postgresql")


def test_the_benchmark_commands_print_them():
    out = StringIO()
    call_command("bench_search", "--runs", "1", "--only", "zero results", stdout=out)
    assert LINE.search(out.getvalue())

"""`manage.py bench_pages`: every public page answered whole through the WSGI handler, timed with
the page cache off and on, in a table whose shape the docs and the README rely on."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from search.bench.whole_pages import PAGES
from tests.factories import locate, make_phone, make_schedule

pytestmark = pytest.mark.django_db

NUMBER = r"\d+\.\d"


@pytest.fixture
def in_the_test_transaction():
    """As Django's test client does: a request must not close the test's connection (the
    handler closes a connection whose autocommit differs from its settings at each request)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def bench(*args):
    out = StringIO()
    call_command("bench_pages", *args, stdout=out)
    return out.getvalue()


def rows(text, table):
    """{page name: [cells]} of one of the output's two tables."""
    part = text.split(table, 1)[1].split("| **overall**", 1)[0]
    found = {}
    for line in part.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| ") and cells[0] not in ("page",):
            found[cells[0]] = cells[1:]
    return found


def test_every_page_is_timed_with_the_cache_off_and_on(food_bank, in_the_test_transaction):
    locate(food_bank)
    make_phone(service=food_bank)
    make_schedule([(0, "09:00", "17:00")], service=food_bank)
    text = bench("--runs", "3")
    off = rows(text, "Page cache off")
    on = rows(text, "Page cache on")
    names = [page.name for page in PAGES]
    assert list(off) == names
    assert list(on) == names
    for name, cells in off.items():
        size, p50, p95, p99, queries, sql, cpu, template, cards = cells
        assert all(re.fullmatch(NUMBER, value) for value in (size, p50, p95, p99, sql, cpu))
        assert float(p50) <= float(p95) <= float(p99)
        # A fixed number of queries per request: the same figure for every run.
        assert re.fullmatch(r"\d+", queries), (name, queries)
        if name == "API search":
            assert template == cards == "—"
        else:
            assert re.fullmatch(NUMBER, template) and re.fullmatch(NUMBER, cards)
            assert float(cards) <= float(template)
    # The found food bank's card is rendered, and timed apart, on a results page.
    assert float(off["results, text"][8]) > 0
    # Kept pages are answered from the cache without a query; a position is never kept.
    assert on["home"][4] == on["service"][4] == "0"
    assert on["results, text + position"][4] != "0"
    assert re.search(rf"\| \*\*overall\*\* \| \| {NUMBER} \| {NUMBER} \| {NUMBER} \|", text)


def test_only_some_pages_and_one_cache_setting(food_bank, in_the_test_transaction):
    text = bench("--runs", "2", "--only", "results", "--cache", "off")
    assert "Page cache on" not in text
    assert set(rows(text, "Page cache off")) == {p.name for p in PAGES if "results" in p.name}
    with pytest.raises(CommandError):
        bench("--only", "nothing of the kind")


@pytest.mark.parametrize("cold", [False, True])
def test_the_load_tests_addresses_of_a_kind_each_asked_with_the_slowest_listed(
    food_bank, in_the_test_transaction, cold
):
    text = bench(
        "--mix", "results", "--size", "12", "--slowest", "3", *(["--cold"] if cold else [])
    )
    assert "results: 12 addresses" in text
    assert ("after an unmeasured pass" in text) is not cold
    p50, p95, p99, top, sql = re.search(
        rf"\| ({NUMBER}) \| ({NUMBER}) \| ({NUMBER}) \| ({NUMBER}) \| ({NUMBER}) \|", text
    ).groups()
    assert float(p50) <= float(p95) <= float(p99) <= float(top)
    slowest = re.findall(rf"^\| ({NUMBER}) \| ({NUMBER}) \| (\d+) \| (\S+) \|$", text, re.M)
    assert len(slowest) == 3
    times = [float(row[0]) for row in slowest]
    assert times == sorted(times, reverse=True) and times[0] == float(top)
    # The mix's addresses as a browser sends them: both languages' results pages.
    assert all(re.match(r"/(fr/recherche|en/search)/\?", row[3]) for row in slowest)
    assert all(int(row[2]) > 0 and float(row[1]) <= float(row[0]) for row in slowest)


def test_a_kind_outside_the_mix_is_refused():
    with pytest.raises(CommandError):
        bench("--mix", "nowhere")

"""The entries read bucket by bucket (sql.first_rows, migration 0019): a search finds, counts
and orders the same services whether its statements read one bucket after the other or the
table as one, and stops at the bucket that gives it the rows it asked for. PostgreSQL only:
SQLite reads its entries as one table."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from search import engine_postgres, sql
from search.bench.timing import SHAPES
from search.finder import find

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's buckets"),
]

BUCKET_IDS = 1 << 17  # the ids of a bucket (migration 0019)
REPENTIGNY = {"lat": "45.742", "lon": "-73.450"}


def spread(buckets, interleaved=False):
    """Move the entries into `buckets` buckets: by runs of ids (as the indexer writes them),
    or `interleaved` (an entry's bucket by its id modulo `buckets`)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM search_searchentry")
        first, last = cursor.fetchone()
        run = (last - first) // buckets + 1
        which = f"(id % {buckets})" if interleaved else f"((id - {first}) / {run})"
        cursor.execute(f"UPDATE search_searchentry SET id = id + {BUCKET_IDS} * {which}")
        cursor.execute("SELECT count(DISTINCT bucket) FROM search_searchentry")
        assert cursor.fetchone()[0] == buckets
        cursor.execute("ANALYZE search_searchentry")


def outcome(params):
    found = find(params).outcome
    return (
        [hit.service.pk for hit in found.hits],
        found.total,
        found.capped,
        [hit.service.pk for hit in found.apart],
        [(hit.service.pk, hit.matched) for hit in found.partial],
    )


def main_statements(params):
    with CaptureQueriesContext(connection) as queries:
        find(params)
    return [q["sql"] for q in queries.captured_queries if "/* search:" in q["sql"]]


@pytest.fixture
def directory(monkeypatch):
    """600 generated services (every search of the shapes finds fewer rows than the caps, so
    that every statement reads all its matches whatever the order), every search with more
    than one bucket read bucket by bucket whatever the planner expects."""
    call_command("generate_bench_data", services=600, seed=1, stdout=io.StringIO())
    monkeypatch.setattr(engine_postgres, "SPLIT_ROWS", 0)
    yield
    engine_postgres.forget_statistics()


def as_params(query_string):
    return dict(part.split("=", 1) for part in query_string.split("&"))


@pytest.mark.parametrize("interleaved", [False, True], ids=["runs", "interleaved"])
def test_every_shape_finds_the_same_in_buckets(directory, interleaved):
    shapes = [as_params(q) for _name, q in SHAPES]
    before = [outcome(params) for params in shapes]
    assert all(not any("e.bucket" in s for s in main_statements(p)) for p in shapes[:8])

    spread(3, interleaved)

    split = [s for p in shapes for s in main_statements(p) if "e.bucket = 2" in s]
    assert split  # the text and sector searches read bucket by bucket
    assert [outcome(params) for params in shapes] == before


def test_a_walk_past_the_gather_counts_the_same_in_buckets(directory, monkeypatch):
    """Matches past the gather's cap (with or without needs' points: both caps lowered) are
    counted, then walked nearest first, the same in buckets."""
    for module in ("search.sql", "search.ranking"):
        monkeypatch.setattr(f"{module}.COUNT_CAP", 8)
    monkeypatch.setattr(sql, "GATHER_CAP", 8)
    params = {"q": "logement", **REPENTIGNY}
    before = outcome(params)
    assert before[2]  # more than counted: "8+"
    spread(3)
    statements = main_statements(params)
    assert any(s.startswith("/* search:main */ SELECT n.service_id") for s in statements)  # walk
    assert any("e.bucket = 2" in s for s in statements)
    assert outcome(params) == before


NEAR = [
    {"q": "logement", **REPENTIGNY},
    {"q": "aide alimentaire", **REPENTIGNY},
    {"sector": "food", **REPENTIGNY},
    {"q": "dépannage", "page": "2", **REPENTIGNY},
    # Many clauses: the need whatever the place gathered with the services apart, first.
    {"q": "j'ai perdu ma job pis j'ai pus d'argent pour l'épicerie", **REPENTIGNY},
]


def gathers(statements):
    return [s for s in statements if "WITH m AS MATERIALIZED" in s or "WITH b AS MATERIALIZED" in s]


@pytest.mark.parametrize("params", NEAR, ids=["word", "words", "sector", "page 2", "many clauses"])
def test_where_the_planner_expects_a_crowd_the_walk_comes_without_the_gather(
    directory, monkeypatch, params
):
    """A nearest-first search whose matches the planner expects to be far more than a gather
    holds (engine_postgres.CROWDED_ROWS) skips the gather and walks at once: the same page,
    count and services apart as when the gather is read and found too full."""
    for module in ("search.sql", "search.ranking"):
        monkeypatch.setattr(f"{module}.COUNT_CAP", 8)
    spread(3)
    monkeypatch.setattr(sql, "GATHER_CAP", 0)  # every gather overflows: then the walk
    overflowed = outcome(params)
    assert gathers(main_statements(params))
    monkeypatch.setattr(engine_postgres, "CROWDED_ROWS", 0)  # every search expects a crowd
    statements = main_statements(params)
    assert not gathers(statements)
    assert any(s.startswith("/* search:main */ SELECT n.service_id") for s in statements)
    assert outcome(params) == overflowed
    assert any(overflowed[i] for i in (0, 3, 4))  # something found: page, apart or partial


def test_below_a_crowd_the_gather_is_read_first(directory):
    spread(3)
    params = {"q": "logement", **REPENTIGNY}
    assert engine_postgres.CROWDED_ROWS > 600  # more than the directory's entries
    assert gathers(main_statements(params))


def test_rows_after_the_last_bucket_read_are_found(directory, monkeypatch):
    """Rows written after the search read its buckets (a bucket past its last) still match."""
    params = {"q": "aide alimentaire", **REPENTIGNY}
    before = outcome(params)
    spread(3)
    monkeypatch.setattr(engine_postgres.PostgresEngine, "buckets", lambda self: (0, 1))
    statements = main_statements(params)
    assert any("e.bucket > 1" in s for s in statements)
    assert outcome(params) == before


def test_a_search_stops_at_the_bucket_that_gives_its_rows(directory, monkeypatch):
    """With more matches in the first bucket than a statement asks for, the other buckets'
    statements never run (their bitmaps never built)."""
    monkeypatch.setattr(sql, "RANK_CAP", 5)
    spread(3)
    with transaction.atomic():  # the search's settings last until its end
        statements = main_statements({"q": "aide", "sort": "relevance"})
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {statements[0]}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    scans = [line for line in plan.splitlines() if "Bitmap Index Scan" in line]
    assert len(scans) >= 4  # a bucket 0, 1, 2 and past 2
    assert "(never executed)" not in scans[0]
    assert all("(never executed)" in line for line in scans[1:])
    assert "bucket = 0" in plan


def test_only_searches_the_planner_expects_to_match_many_read_bucket_by_bucket(
    directory, monkeypatch
):
    spread(3)
    common, rare = {"q": "aide", **REPENTIGNY}, {"q": "naloxone", **REPENTIGNY}
    by_name = {"sector": "food", "municipality": "repentigny"}  # a list by name reads them all
    monkeypatch.setattr(engine_postgres, "SPLIT_ROWS", 50)

    def split(params):
        return any("e.bucket = 0" in s for s in main_statements(params))

    assert split(common)
    assert not split(rare)
    assert not split(by_name)
    monkeypatch.setattr(engine_postgres, "SPLIT_ROWS", 1_000)  # the default: a small directory
    assert not split(common)


MONTREAL = {"lat": "45.509", "lon": "-73.562"}
BOUNDED_WALKS = [
    {"q": "aide", **REPENTIGNY},
    {"q": "aide", **MONTREAL},
    {"q": "services", **MONTREAL},
]


def test_a_walk_bounded_by_the_gather_finds_the_same(directory, monkeypatch):
    """Where the planner expects few matches (the gate: SPLIT_ROWS) and the gather overflows,
    the walk is bounded by the distance of the gathered rows' 40th nearest (sql.gather's
    `bound_rows`: a page of 20), and finds the same services in the same order as a walk without
    it; a page farther than the gathered rows reach walks unbounded."""
    for module in ("search.sql", "search.ranking"):
        monkeypatch.setattr(f"{module}.COUNT_CAP", 20)
    monkeypatch.setattr(sql, "GATHER_CAP", 45)
    spread(3)
    farther = {"q": "aide", "page": "2", **REPENTIGNY}  # 70 rows: more than were gathered
    searches = [*BOUNDED_WALKS, farther]
    unbounded = [outcome(params) for params in searches]  # SPLIT_ROWS 0: many expected
    assert all(found[2] for found in unbounded)  # past the caps: counted "20+", walked

    monkeypatch.setattr(engine_postgres, "SPLIT_ROWS", 10**9)  # few expected: bounded
    walks = [[s for s in main_statements(p) if "SELECT n.service_id" in s] for p in searches]
    assert [["cube_enlarge" in s for s in walk] for walk in walks] == [[True]] * 3 + [[False]]
    assert [outcome(params) for params in searches] == unbounded


def test_the_walks_bound_holds_every_row_as_near(directory):
    """PostgresEngine.within: every row within the distance (as the search measures it) meets
    the bound, and none much farther does (the cube around the point: its corners)."""
    eng = engine_postgres.PostgresEngine()
    lat, lon = 45.742, -73.450
    distance = eng.distance(lat, lon)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {distance.sql} FROM search_searchentry e WHERE e.point IS NOT NULL ORDER BY 1",
            distance.params,
        )
        nearest = [row[0] for row in cursor.fetchall()]
        for metres in (nearest[4], nearest[49], nearest[299]):  # the 5th, 50th, 300th row's
            within = eng.within(lat, lon, metres)
            cursor.execute(
                f"SELECT {distance.sql}, {within.sql} FROM search_searchentry e "
                "WHERE e.point IS NOT NULL",
                distance.params + within.params,
            )
            rows = cursor.fetchall()
            assert all(inside for d, inside in rows if d <= metres)
            assert not any(inside for d, inside in rows if d > 1.8 * metres)

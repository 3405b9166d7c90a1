"""Writing many rows at once on PostgreSQL with `COPY ... FROM STDIN` (psycopg 3's
`cursor.copy()`), the bulk path of the benchmark generator and of the search index rebuild.

`bulk_create` sends multi-row INSERTs and reads back every new id; COPY streams rows in one
statement, several times faster, but returns nothing: `reserve_ids` takes the ids from the
table's own sequence first (so later inserts by the ORM never collide with them), and
`copy_rows` streams plain tuples (search/bench/data.py makes them from its rows, the index
rebuild from its dicts: model instances cost more than the COPY). No model signal is sent, as
with `bulk_create`.

A table emptied with TRUNCATE in the current transaction can be written with `COPY ... FREEZE`
(`truncate`, then `copy_rows(freeze=True)`): PostgreSQL (14 and later) writes the rows already
frozen and sets their pages' visibility map bits, so the table needs no VACUUM afterwards for the
index-only scans. `secondary_indexes_dropped` drops a table's secondary indexes around a bulk
load and builds each once at the end, faster than keeping them row by row.
"""

import contextlib
import itertools
import os
import threading

from django.db import DatabaseError, connection, transaction
from django.db.backends.postgresql.psycopg_any import is_psycopg3
from psycopg._copy_base import TextFormatter  # psycopg's COPY formatting (version pinned)
from psycopg.adapt import Transformer

# Session settings of a bulk load: no statement timeout (a COPY may stream for minutes), index
# builds sort in memory with two parallel workers, and the commits do not wait for the WAL
# flush (a bench load lost to a crash is generated again).
BULK_SETTINGS = (
    "SET statement_timeout = 0",
    "SET maintenance_work_mem = '512MB'",
    "SET max_parallel_maintenance_workers = 2",
    "SET synchronous_commit = off",
)


BULK_NAMES = [statement.split()[1] for statement in BULK_SETTINGS]
SKIP_FOREIGN_KEY_CHECKS = os.environ.get("BENCH_FK_CHECKS") != "1"  # measured both ways


def available():
    """Is COPY the bulk path here (PostgreSQL through psycopg 3)?"""
    return connection.vendor == "postgresql" and is_psycopg3


def bulk_settings(cursor=None):
    """Apply BULK_SETTINGS to this session (or `cursor`'s); then, for a superuser, skip the
    foreign key checks as pg_restore --disable-triggers does: the rows of a bulk load are
    composed with their parents' ids, and checking each key cost a lookup per row. Returns
    whether the checks are skipped."""
    with contextlib.nullcontext(cursor) if cursor else connection.cursor() as cursor:
        for statement in BULK_SETTINGS:
            cursor.execute(statement)
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
        if superuser and SKIP_FOREIGN_KEY_CHECKS:
            cursor.execute("SET session_replication_role = replica")
        return superuser and SKIP_FOREIGN_KEY_CHECKS


def reset_bulk_settings():
    """This session's settings back to what they were before `bulk_settings()`."""
    with connection.cursor() as cursor:
        for name in [*BULK_NAMES, "session_replication_role"]:
            cursor.execute(f"RESET {name}")


@contextlib.contextmanager
def _cursor(raw=None):
    """A psycopg cursor of Django's connection, or of `raw` (that same psycopg connection,
    handed to another thread: Django's connections belong to the thread that opened them)."""
    if raw is not None:
        with raw.cursor() as cursor:
            yield cursor
    else:
        with connection.cursor() as wrapper:
            yield wrapper.cursor


def reserve_ids(model, count, raw=None):
    """`count` new primary keys of `model` from its sequence (increasing)."""
    if not count:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with _cursor(raw) as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(table, columns, rows, freeze=False, raw=None):
    """COPY the tuples `rows` into `table` (`columns` in their order); returns how many.
    `freeze`: the table was truncated in this transaction (see `truncate`)."""
    written = 0
    with _cursor(raw) as cursor, cursor.copy(_copy_statement(table, columns, freeze)) as copy:
        for row in rows:
            copy.write_row(row)
            written += 1
    return written


def copy_text(rows):
    """The tuples `rows` as the text of a COPY (psycopg's own formatting, without a
    connection: in a process that has none, search/bench/data.py's composing workers)."""
    formatter = TextFormatter(Transformer())
    parts = [formatter.write_row(row) for row in rows]
    parts.append(formatter.end())
    return b"".join(parts)


def copy_data(table, columns, data, freeze=False):
    """COPY `data` (the text of `copy_text`) into `table` (`columns` in their order)."""
    with _cursor() as cursor, cursor.copy(_copy_statement(table, columns, freeze)) as copy:
        copy.write(data)


def _copy_statement(table, columns, freeze):
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    statement = f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN"
    return statement + (" (FREEZE)" if freeze else "")


def truncate(tables):
    """TRUNCATE `tables` together (inside the caller's transaction); False, and nothing done,
    when PostgreSQL refuses (another table's foreign key points at one of them)."""
    names = ", ".join(connection.ops.quote_name(t) for t in tables)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {names}")
    except DatabaseError:
        return False
    return True


def _secondary_indexes(tables, cursor=None):
    """[(name, definition)] of the indexes of `tables` that back no key or constraint."""
    with contextlib.nullcontext(cursor) if cursor else connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " WHERE i.indrelid::regclass::text = ANY(%s)"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [list(tables)],
        )
        return cursor.fetchall()


@contextlib.contextmanager
def secondary_indexes_dropped(tables, clock_stage=None):
    """Drop the secondary indexes of `tables` (not those of a key or unique constraint) for the
    block, then build them again (timed as `clock_stage(name)` when given). The tables stay
    locked until the transaction ends: only for a database nobody uses meanwhile."""
    indexes = _secondary_indexes(tables) if tables else []
    if not indexes:
        yield
        return
    with connection.cursor() as cursor:
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    stage = clock_stage or (lambda name: contextlib.nullcontext())
    with stage("build indexes"), connection.cursor() as cursor:
        # The deferred foreign key checks of the new rows first: an index cannot be built on a
        # table with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextlib.contextmanager
def side_stream(table, columns, clock_stage=None, pids=None, streams=2):
    """COPY into `table` on `streams` connections of their own while this one goes on: yields
    the function that writes a row (a sequence in `columns`' order), each row going to the next
    stream. PostgreSQL computes the rows (generated columns, TOAST) on the streams' server
    processes while Python composes the next ones, instead of each waiting for the other: with
    one stream, the one server process computing the entries' six `to_tsvector` was the bound
    (250 s of one core at 1,000,000 services) while the composing core waited half the time.

    The table is emptied with TRUNCATE, its secondary indexes dropped, and built at the end on
    the streams' connections at once (timed as `clock_stage("build indexes")`); everything is
    committed on leaving the block: only for a table nobody uses meanwhile, which this
    connection's transaction has not touched. One stream writes in the transaction that
    truncated the table, with FREEZE (no VACUUM needed); several commit the TRUNCATE first and
    write without it: `vacuum_after(table)` then sets the pages visible, once this connection's
    transaction is over. `pids` (a set) receives the server processes' pids, for their CPU."""
    sides = [connection.get_new_connection(connection.get_connection_params())]
    stage = clock_stage or (lambda name: contextlib.nullcontext())
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    try:
        with sides[0].cursor() as cursor:
            bulk_settings(cursor)
            cursor.execute(f"TRUNCATE {quote(table)}")
            indexes = _secondary_indexes([table], cursor)
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {name}")
        if streams > 1:
            sides[0].commit()  # the others write into the emptied table
            sides += [
                connection.get_new_connection(connection.get_connection_params())
                for _ in range(streams - 1)
            ]
        frozen = " (FREEZE)" if streams == 1 else ""
        with contextlib.ExitStack() as stack:
            writers = []
            for side in sides:
                if pids is not None:
                    pids.add(side.info.backend_pid)
                cursor = stack.enter_context(side.cursor())
                if side is not sides[0]:
                    bulk_settings(cursor)
                statement = f"COPY {quote(table)} ({names}) FROM STDIN{frozen}"
                # Queued: each stream's sending runs in a thread of its own, so a stream whose
                # server is busy does not hold up the others.
                copy = stack.enter_context(cursor.copy(statement, writer=_queued(cursor)))
                writers.append(copy.write_row)
            turn = itertools.cycle(writers)
            yield lambda row: next(turn)(row)
        for side in sides:
            side.commit()
        with stage("build indexes"):
            _build_at_once([definition for _, definition in indexes], sides)
    finally:
        for side in sides:
            side.close()


def _queued(cursor):
    from psycopg.copy import QueuedLibpqWriter

    return QueuedLibpqWriter(cursor)


def _build_at_once(definitions, sides):
    """Run the index `definitions` on the connections `sides` at once (committed tables: the
    builds share the table's SHARE lock), the largest first; GIN and GiST builds are not
    parallel in PostgreSQL 15, so two builds use both cores where one left the other idle."""
    cost = {"gin": 0, "gist": 1}  # the longest builds first
    pending = sorted(definitions, key=lambda d: cost.get(_method(d), 2))
    lock, failures = threading.Lock(), []

    def build(side):
        try:
            with side.cursor() as cursor:
                while True:
                    with lock:
                        if not pending or failures:
                            break
                        definition = pending.pop(0)
                    cursor.execute(definition)
            side.commit()
        except Exception as error:  # raised below, once every build has ended
            failures.append(error)

    threads = [threading.Thread(target=build, args=(side,)) for side in sides[1:]]
    for thread in threads:
        thread.start()
    build(sides[0])
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


def _method(definition):
    """The access method of a CREATE INDEX statement ("gin", "gist", "btree"...)."""
    words = definition.lower().split()
    return words[words.index("using") + 1] if "using" in words else "btree"


def vacuum_after(table):
    """VACUUM `table` in autocommit (outside any transaction of this connection), its TOAST
    left alone: sets the visibility map of rows written without FREEZE, for the index-only
    scans, reading the table's own pages only."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (PROCESS_TOAST FALSE) {connection.ops.quote_name(table)}")


def reindex_concurrently(table):
    """REINDEX `table` CONCURRENTLY, in autocommit (outside any transaction of this
    connection): its indexes built anew beside the old ones, searches answered meanwhile."""
    with connection.cursor() as cursor:
        cursor.execute(f"REINDEX TABLE CONCURRENTLY {connection.ops.quote_name(table)}")


def backend_cpu(pid):
    """CPU seconds used so far by the server process `pid` (same machine only), else None."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

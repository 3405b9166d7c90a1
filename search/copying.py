"""Writing many rows at once on PostgreSQL with `COPY ... FROM STDIN` (psycopg 3's
`cursor.copy()`), the bulk path of the benchmark generator and of the search index rebuild.

`bulk_create` sends multi-row INSERTs and reads back every new id; COPY streams rows in one
statement, several times faster, but returns nothing: `reserve_ids` takes the ids from the
table's own sequence first (so later inserts by the ORM never collide with them), and
`copy_rows` streams plain tuples (search/bench/data.py makes them from its rows, the index
rebuild from its dicts: model instances cost more than the COPY). No model signal is sent, as
with `bulk_create`.
"""

from django.db import connection
from django.db.backends.postgresql.psycopg_any import is_psycopg3


def available():
    """Is COPY the bulk path here (PostgreSQL through psycopg 3)?"""
    return connection.vendor == "postgresql" and is_psycopg3


def reserve_ids(model, count):
    """`count` new primary keys of `model` from its sequence (increasing)."""
    if not count:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(table, columns, rows):
    """COPY the tuples `rows` into `table` (`columns` in their order); returns how many."""
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    written = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
            written += 1
    return written

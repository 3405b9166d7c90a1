"""Writing many rows at once on PostgreSQL with `COPY ... FROM STDIN` (psycopg 3's
`cursor.copy()`), the bulk path of the benchmark generator and of the search index rebuild.

`bulk_create` sends multi-row INSERTs and reads back every new id; COPY streams rows in one
statement, several times faster, but returns nothing: `reserve_ids` takes the ids from the
table's own sequence first (so later inserts by the ORM never collide with them), and
`copy_objects` writes model instances (their concrete columns, foreign keys taken from the
related objects given) or `copy_rows` plain tuples. No model signal is sent, as with
`bulk_create`.
"""

import enum

from django.db import connection
from django.db.backends.postgresql.psycopg_any import is_psycopg3
from django.utils import timezone


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


def _plain(value):
    # TextChoices members are str and Enum at once: psycopg would write an Enum's name.
    return value.value if isinstance(value, enum.Enum) else value


def copy_objects(objects, assign_ids=True):
    """COPY unsaved instances of one model; their primary keys are set from the sequence first
    (`assign_ids`), and each foreign key is taken from the related object it was given."""
    if not objects:
        return 0
    model = type(objects[0])
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not getattr(f, "generated", False)]
    relations = [f for f in fields if f.is_relation]
    if assign_ids:
        for obj, pk in zip(objects, reserve_ids(model, len(objects)), strict=True):
            obj.pk = pk
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    now = timezone.now()
    for obj in objects:
        for field in stamped:  # as pre_save() would, once for the whole lot
            setattr(obj, field.attname, now)
        for field in relations:
            related = field.get_cached_value(obj, None)
            if related is not None:
                setattr(obj, field.attname, related.pk)
    simple = all(f.get_internal_type() in _RAW_TYPES for f in fields)
    attnames = [f.attname for f in fields]
    if simple:  # psycopg adapts these Python values itself
        rows = ([_plain(getattr(obj, a)) for a in attnames] for obj in objects)
    else:
        rows = (
            [_plain(f.get_db_prep_save(getattr(obj, f.attname), connection)) for f in fields]
            for obj in objects
        )
    return copy_rows(meta.db_table, [f.column for f in fields], rows)


_RAW_TYPES = {
    "AutoField",
    "BigAutoField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "FloatField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "TimeField",
    "UUIDField",
    "URLField",
    "EmailField",
}

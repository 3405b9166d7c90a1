"""A migration operation's SQL run on PostgreSQL only: the search's PostgreSQL structures
(generated columns, GIN and GiST indexes, extensions) have no SQLite counterpart."""


def postgresql_only(statements):
    """A RunPython function executing `statements` on PostgreSQL, nothing elsewhere."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run

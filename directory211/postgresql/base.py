"""PostgreSQL as Django ships it, plus a client-side bound on every wait for the server.

libpq's `connect_timeout`, keepalives and `tcp_user_timeout` (settings.py) catch a server that
refuses, a closed connection and a host that has gone silent. They cannot catch a server process
that is alive but frozen (stopped, swapping, stuck on a disk): its kernel still acknowledges
what we send, so TCP sees nothing wrong and a query on a kept connection would wait forever.
Here every wait for an answer has a deadline (`QUERY_WAIT`, past the server's own
statement_timeout so a slow query is still cut by the server first), and the health check run
at the start of a request (CONN_HEALTH_CHECKS) has a short one (`HEALTH_CHECK_WAIT`). A
connection whose deadline passed is closed, as its protocol state is unknown; Django opens a
fresh one on the next request, so the site recovers by itself when the server answers again.
See docs/outage-and-backups.md.
"""

import psycopg
from django.db.backends.postgresql import base
from psycopg import errors


class BoundedConnection(psycopg.Connection):
    """A psycopg connection whose waits for the server end at `wait_limit` seconds."""

    wait_limit = None

    def wait(self, gen, interval=0.1, timeout=None):
        # interval: psycopg's own default. A caller's own timeout (psycopg's notifies()) is left
        # to the caller.
        if timeout is not None or self.wait_limit is None:
            return super().wait(gen, interval=interval, timeout=timeout)
        try:
            return super().wait(gen, interval=interval, timeout=self.wait_limit)
        except errors._WaitTimeout:
            self.pgconn.finish()
            raise psycopg.OperationalError(
                f"the database server did not answer within {self.wait_limit:g} s"
            ) from None


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        # psycopg builds its own class in connect(); this one only adds the deadline.
        connection.__class__ = BoundedConnection
        connection.wait_limit = self.settings_dict.get("QUERY_WAIT")
        return connection

    def is_usable(self):
        if self.connection is None:
            return False
        limit = self.connection.wait_limit
        self.connection.wait_limit = self.settings_dict.get("HEALTH_CHECK_WAIT")
        try:
            return super().is_usable()
        finally:
            self.connection.wait_limit = limit

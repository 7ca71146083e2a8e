"""Django's PostgreSQL backend, with a health check that costs no round trip.

A persistent connection can die while idle: PostgreSQL restarted, a proxy cut it. With
CONN_HEALTH_CHECKS Django sends `SELECT 1` before each request's first query to find out,
and on the pages learners use most that round trip was one statement in three.

A server that goes away says so on the socket: a restart sends a FATAL message and closes
the connection, a cut one reads as end-of-file. An idle connection that is healthy has
nothing to read (this site uses no LISTEN), so a look at the socket without waiting tells
the same as `SELECT 1`: anything waiting there, or a connection psycopg knows is broken or
mid-transaction, fails the check and Django opens a new connection before the query.

What neither check sees is a server that vanished without a word (a host switched off):
`SELECT 1` would hang on it as the request's own query does, until the timeouts. What
only `SELECT 1` would see: over TLS, a FATAL message already read into the TLS library's
buffer; the request's query then fails, and the next request gets a new connection.
"""

import select

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if connection.pgconn.status != pq.ConnStatus.OK:
            return False
        if connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return False
        try:
            waiting = select.poll()  # poll(), not select(): any descriptor number
            waiting.register(connection.pgconn.socket, select.POLLIN)
            return not waiting.poll(0)
        except (OSError, ValueError, psycopg.OperationalError):  # the socket is gone
            return False

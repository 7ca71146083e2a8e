"""config.postgresql: the health check before a request's first query looks at the socket
instead of sending SELECT 1, and still replaces a connection the server has dropped."""

import time

import pytest
from django.db import connections

from config.postgresql import base

pytestmark = pytest.mark.postgres


@pytest.fixture
def wrapper(db, django_db_blocker):
    """A connection of the test's own (CONN_HEALTH_CHECKS on, as in settings)."""
    if connections["default"].vendor != "postgresql":
        pytest.skip("the health check is PostgreSQL's (DATABASE_URL=postgres://...)")
    settings = {**connections["default"].settings_dict, "CONN_HEALTH_CHECKS": True}
    with django_db_blocker.unblock():
        wrapper = base.DatabaseWrapper(settings, alias="health-check")
        wrapper.ensure_connection()
        yield wrapper
        wrapper.close()


def backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate(pid: int) -> None:
    """What a server restart or an administrator does to an idle connection."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_healthy_idle_connection_passes_without_a_round_trip(wrapper, monkeypatch):
    pid = backend_pid(wrapper)
    sent = []
    # Django's own check sends SELECT 1 through a cursor; psycopg also has execute().
    for name in ("cursor", "execute"):
        monkeypatch.setattr(type(wrapper.connection), name, lambda *a, **k: sent.append(a))
    assert wrapper.is_usable() is True
    assert sent == []  # no SELECT 1
    wrapper.health_check_done = False
    wrapper.close_if_health_check_failed()
    monkeypatch.undo()
    assert backend_pid(wrapper) == pid  # the same connection, kept


def test_a_connection_the_server_dropped_is_replaced_before_the_query(wrapper):
    pid = backend_pid(wrapper)
    terminate(pid)
    for _ in range(100):  # the FATAL message and the close reach the socket
        if not wrapper.is_usable():
            break
        time.sleep(0.01)
    assert wrapper.is_usable() is False
    wrapper.health_check_done = False  # a new request
    wrapper.close_if_health_check_failed()
    assert backend_pid(wrapper) != pid  # a new connection, and the query ran on it


def test_a_connection_left_in_a_transaction_or_closed_is_not_usable(wrapper):
    wrapper.connection.execute("BEGIN")
    assert wrapper.is_usable() is False
    wrapper.connection.execute("ROLLBACK")
    assert wrapper.is_usable() is True
    wrapper.connection.close()
    assert wrapper.is_usable() is False

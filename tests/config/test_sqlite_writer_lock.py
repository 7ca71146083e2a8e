"""config.sqlite: writers take turns on a file lock beside the database file, and the lock
can neither fail nor hang a transaction."""

import fcntl
import os
import threading
import time

import pytest
from django.db import connections

from config.sqlite import base


def connect(path):
    settings = {**connections["default"].settings_dict, "NAME": str(path)}
    wrapper = base.DatabaseWrapper(settings, alias=f"writer-{id(settings)}")
    wrapper.ensure_connection()
    return wrapper


@pytest.fixture
def database(tmp_path, django_db_blocker):
    """A database file of the test's own, outside the suite's in-memory test database."""
    if connections["default"].vendor != "sqlite":
        pytest.skip("the writer lock is SQLite's")
    path = tmp_path / "writers.db"
    with django_db_blocker.unblock():
        setup = connect(path)
        setup.cursor().execute("CREATE TABLE events (who TEXT, at REAL)")
        setup.close()
        yield path


def lock_is_free(path) -> bool:
    fd = os.open(f"{path}-writer", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def write(wrapper, who: str, hold: float = 0.0) -> None:
    wrapper._start_transaction_under_autocommit()
    wrapper.cursor().execute("INSERT INTO events VALUES (%s, %s)", [who, time.monotonic()])
    time.sleep(hold)
    wrapper.commit()


def test_a_second_writer_starts_only_once_the_first_has_committed(database):
    first = connect(database)
    first._start_transaction_under_autocommit()
    assert not lock_is_free(database)
    started = threading.Event()

    def other():
        second = connect(database)  # a connection belongs to its thread
        second._start_transaction_under_autocommit()  # waits on the file lock
        started.set()
        second.cursor().execute("INSERT INTO events VALUES ('second', 0)")
        second.commit()
        second.close()

    thread = threading.Thread(target=other)
    thread.start()
    assert not started.wait(0.3)  # still waiting while the first holds the lock
    first.cursor().execute("INSERT INTO events VALUES ('first', 0)")
    first.commit()
    assert started.wait(2)
    thread.join(5)
    rows = first.cursor().execute("SELECT who FROM events ORDER BY rowid").fetchall()
    assert rows == [("first",), ("second",)]
    assert lock_is_free(database)
    first.close()


def test_a_rollback_and_a_closed_connection_give_the_lock_back(database):
    wrapper = connect(database)
    wrapper._start_transaction_under_autocommit()
    wrapper.rollback()
    assert lock_is_free(database)
    wrapper._start_transaction_under_autocommit()
    wrapper.close()
    assert lock_is_free(database)


def test_a_writer_that_cannot_get_the_lock_goes_on_without_it(database, monkeypatch):
    monkeypatch.setattr(base, "WAIT_SECONDS", 0.1)
    holder = os.open(f"{database}-writer", os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)  # held by someone who is not writing at all
    try:
        wrapper = connect(database)
        began = time.monotonic()
        write(wrapper, "patient")
        assert 0.1 <= time.monotonic() - began < 2
        assert wrapper.cursor().execute("SELECT who FROM events").fetchall() == [("patient",)]
        wrapper.close()
    finally:
        os.close(holder)


def test_many_writers_in_parallel_all_commit(database):
    def writer(number: int) -> None:
        wrapper = connect(database)
        write(wrapper, f"w{number}", hold=0.01)
        wrapper.close()

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    reader = connect(database)
    assert reader.cursor().execute("SELECT COUNT(*) FROM events").fetchone()[0] == 6
    assert lock_is_free(database)
    reader.close()

"""Django's SQLite backend, with writers taking turns on an OS file lock.

SQLite lets one transaction write at a time. A writer that finds the database locked
waits in SQLite's busy handler, which sleeps 1, 2, 5, 10 … ms between tries — while an
answer POST holds the lock for a fraction of a millisecond. With several app processes,
waiting answers slept most of the time and left the CPU idle (answer POSTs used 0.6 of
two cores under load).

So before `BEGIN IMMEDIATE`, a transaction takes an exclusive `flock` on `<database>-writer`
and gives it back when it commits or rolls back. The lock is tried every 50 µs, backing
off to 1 ms, so a waiting writer starts soon after the last one finishes. It only decides
who goes next: SQLite's own locking still guards the data, and writes outside a
transaction (autocommit) don't take it. A writer that cannot get it within `WAIT_SECONDS`
goes on without it, to SQLite's busy handler as before, so the lock can neither fail nor
hang a request. In-memory databases (the test suite's) have no file and no lock.
"""

import fcntl
import os
import time

from django.db.backends.sqlite3 import base

WAIT_SECONDS = 5.0
FIRST_DELAY, LONGEST_DELAY = 50e-6, 1e-3


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_fd: int | None = None
    _writer_held = False

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if not self.is_in_memory_db():
            path = f"{self.settings_dict['NAME']}-writer"
            self._writer_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        return connection

    def _start_transaction_under_autocommit(self):
        self._take_writer_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._give_writer_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._give_writer_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._give_writer_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._give_writer_lock()
            if self._writer_fd is not None:
                os.close(self._writer_fd)
                self._writer_fd = None

    def _take_writer_lock(self) -> None:
        if self._writer_fd is None or self._writer_held:
            return
        delay, deadline = FIRST_DELAY, time.monotonic() + WAIT_SECONDS
        while True:
            try:
                fcntl.flock(self._writer_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return  # go on without it: SQLite's busy handler takes over
                time.sleep(delay)
                delay = min(delay * 2, LONGEST_DELAY)
            else:
                self._writer_held = True
                return

    def _give_writer_lock(self) -> None:
        if self._writer_held:
            self._writer_held = False
            fcntl.flock(self._writer_fd, fcntl.LOCK_UN)

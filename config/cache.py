"""The shared cache: with Redis, one client per connection pool and a pool that stops
asking a Redis that just failed;
without Redis, Django's file-based cache, one directory that
every process on the machine reads and writes, so sessions, throttles, draws and the
content version are the same in every worker (a per-process memory cache made workers
disagree: stale pages after an import, an answer graded with an old key, throttles
counted per worker).

Files rather than Django's database cache: a read is a file open (about 20 µs for a small
value, 70-90 µs for a 20 kB page, measured here) against a query (40-60 µs, 120 µs), the
database cache adds a query to every page's count, and on SQLite each cache write would
take the database's single write lock that answers wait for.

Django's FileBasedCache lists its whole directory on every write to decide whether to
cull; at a thousand entries that listing costs about 2 ms per write. Here a write culls
only one time in CULL_EVERY, so the directory may briefly exceed MAX_ENTRIES by a few
dozen files, and a write costs a file write, not a directory scan.
"""

import fcntl
import os
import pickle
import random
import time
import zlib
from contextlib import contextmanager

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

CULL_EVERY = 32
# Seconds a Redis that failed to connect or answer is not asked again.
REDIS_PAUSE = 1.0


class FailFastConnectionPool(redis.ConnectionPool):
    """Redis connections that fail fast once Redis has failed. A page makes several cache
    calls, and some callers (the session store) swallow an error and call again: against a
    Redis that accepts connections but never answers, each call waited out the socket
    timeout (a guest's lesson page took 12 s). Here, for REDIS_PAUSE seconds after a
    connection could not be made or readied, asking for another one fails at once, so a
    request pays one timeout and the learner gets the calm 503 page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._paused_until = 0.0

    def get_connection(self, *args, **kwargs):
        if time.monotonic() < self._paused_until:
            raise redis.ConnectionError("Redis failed a moment ago; not asked again yet")
        try:
            return super().get_connection(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError):
            self._paused_until = time.monotonic() + REDIS_PAUSE
            raise


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis client builds a new `redis.Redis` for every cache call, and each one
    fills a table of some 170 response callbacks: 0.15 ms of CPU per call, measured, two
    or three times per page (session, draw). A `redis.Redis` is a thread-safe wrapper
    around its pool, so one per pool serves every call."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedRedisCache(RedisCache):
    """Django's RedisCache with one client per connection pool (ReusingRedisCacheClient),
    and a leaner `get`."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def get(self, key, default=None, version=None):
        """Django's `get`, sent on a connection of the same pool (the fail-fast pause
        included), retried and disconnected on error as redis-py's client does. Every
        learner request reads its session here, and redis-py's client wraps each command
        in dispatch and metrics hooks that cost a fifth of the read's CPU (measured:
        45-48 µs a session read through it, 35-38 µs here)."""
        key = self.make_and_validate_key(key, version=version)
        pool = self._cache._get_connection_pool(write=False)
        connection = pool.get_connection()
        try:
            value = connection.retry.call_with_retry(
                lambda: _read(connection, "GET", key), lambda error: connection.disconnect()
            )
        finally:
            pool.release(connection)
        return default if value is None else self._cache._serializer.loads(value)


def _read(connection: redis.Connection, *command):
    connection.send_command(*command)
    return connection.read_response()


class SharedFileCache(FileBasedCache):
    def _cull(self):
        if random.randrange(CULL_EVERY) == 0:
            super()._cull()

    # Django's add() and incr() read, then write: two workers counting the same throttle
    # at once could both read 3 and both write 4, and a sixth failed sign-in got through
    # (seen in the two-worker test). Here they hold an OS lock on a file in the cache's
    # directory, so every process on the machine counts one at a time.
    @contextmanager
    def _counting(self):
        os.makedirs(self._dir, exist_ok=True)
        fd = os.open(os.path.join(self._dir, ".counting.lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # and with it the lock

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self._counting():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        """Add `delta`, keeping when the value expires (Django's incr() sets it again with
        the default timeout, which made every throttle window the cache's 300 s)."""
        with self._counting():
            try:
                with open(self._key_to_file(key, version), "rb") as f:
                    # Django's own format for these files, written only by this cache.
                    expiry = pickle.load(f)  # noqa: S301
                    value = pickle.loads(zlib.decompress(f.read()))  # noqa: S301
            except (FileNotFoundError, EOFError):
                raise ValueError(f"Key '{key}' not found") from None
            left = None if expiry is None else expiry - time.time()
            if left is not None and left <= 0:
                raise ValueError(f"Key '{key}' not found")
            self.set(key, value + delta, left, version)
            return value + delta

    def delete(self, key, version=None):
        with self._counting():  # a throttle's reset must not be undone by a count
            return super().delete(key, version)


class ProcessMemoryCache(LocMemCache):
    """Django's local-memory cache without the pickling: a hit returns the object kept,
    not a copy rebuilt from bytes (unpickling a lesson or a question with its options cost
    a learner's page a few hundred microseconds, several times a request).

    For values that never change under their key (courses/content_cache.py versions the
    keys): every caller gets the same object, so nobody may modify one. Expiry, culling
    and the least-recently-used order are LocMemCache's own."""

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            value = self._cache[key]
            self._cache.move_to_end(key, last=False)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def incr(self, key, delta=1, version=None):
        raise NotImplementedError("a cache of objects that never change counts nothing")

    def validate_key(self, key):
        """Nothing to check: Django's check warns of keys memcached would refuse, char by
        char on every call, and these keys never leave this process."""

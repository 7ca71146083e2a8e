"""The Redis connection pool stops asking a Redis that just failed (config/cache.py); the
real outages are in tests/deploy/test_failure_modes.py."""

import socket
import time

import pytest
import redis

from config import cache as site_cache
from config.cache import FailFastConnectionPool


@pytest.fixture
def dead_url():
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def test_after_a_failure_redis_is_not_asked_again_for_a_moment(dead_url):
    pool = FailFastConnectionPool.from_url(dead_url, socket_connect_timeout=1)
    with pytest.raises(redis.ConnectionError, match="refused"):
        pool.get_connection()
    with pytest.raises(redis.ConnectionError, match="not asked again yet"):
        pool.get_connection()


def test_after_the_pause_redis_is_asked_again(dead_url, monkeypatch):
    monkeypatch.setattr(site_cache, "REDIS_PAUSE", 0.0)
    pool = FailFastConnectionPool.from_url(dead_url, socket_connect_timeout=1)
    for _ in range(2):
        with pytest.raises(redis.ConnectionError, match="refused"):
            pool.get_connection()


def test_one_client_serves_every_call_and_a_live_redis_answers():
    """The cache builds its redis.Redis once per pool (Django's makes one per call)."""
    from config.cache import SharedRedisCache

    if not redis_is_up():
        pytest.skip("needs the local Redis on 127.0.0.1:6379")
    shared = SharedRedisCache("redis://127.0.0.1:6379/9", {"KEY_PREFIX": "pw-test-client"})
    client = shared._cache.get_client(write=True)
    assert shared._cache.get_client() is client
    shared.set("answer", {"forty": 2}, 5)
    assert shared.get("answer") == {"forty": 2}
    shared.delete("answer")
    assert shared.get("answer") is None


@pytest.fixture
def shared():
    """The site's Redis cache on the local Redis (database 9), its socket timeout short."""
    from config.cache import SharedRedisCache

    if not redis_is_up():
        pytest.skip("needs the local Redis on 127.0.0.1:6379")
    options = {"socket_timeout": 0.2, "pool_class": "config.cache.FailFastConnectionPool"}
    cache = SharedRedisCache("redis://127.0.0.1:6379/9",
                             {"KEY_PREFIX": "pw-test-get", "OPTIONS": options})  # fmt: skip
    yield cache
    cache.delete("answer")


def _pool(cache):
    return cache._cache._get_connection_pool(write=False)


def test_get_reads_what_set_wrote_and_returns_every_connection(shared):
    shared.set("answer", ["a", 42], 5, version=2)
    assert shared.get("answer", version=2) == ["a", 42]
    assert shared.get("answer") is None  # another version: another key
    assert shared.get("missing", default="none") == "none"
    assert shared.get("answer", "none", version=2) == ["a", 42]
    assert not _pool(shared)._in_use_connections


def test_get_replaces_a_connection_redis_closed(shared):
    shared.set("answer", 1, 5)
    pool = _pool(shared)
    connection = pool.get_connection()
    connection.send_command("CLIENT", "ID")
    client_id = connection.read_response()
    pool.release(connection)
    redis.Redis(host="127.0.0.1", port=6379).client_kill_filter(_id=client_id)
    assert shared.get("answer") == 1


def test_a_read_that_times_out_fails_and_leaves_the_connection_closed(shared):
    """Redis stops answering mid-request: the read fails within the socket timeout, and
    the connection, whose reply may still come, is closed before it goes back to the
    pool; once Redis answers again, so does the cache."""
    shared.set("answer", 1, 5)
    pool = _pool(shared)
    redis.Redis(host="127.0.0.1", port=6379).client_pause(600)  # milliseconds
    with pytest.raises(redis.TimeoutError):
        shared.get("answer")
    assert not pool._in_use_connections
    assert all(connection._sock is None for connection in pool._available_connections)
    time.sleep(0.6)
    assert shared.get("answer") == 1


def redis_is_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False

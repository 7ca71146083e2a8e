"""The Redis connection pool stops asking a Redis that just failed (config/cache.py); the
real outages are in tests/deploy/test_failure_modes.py."""

import socket

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


def redis_is_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False

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

"""config.cache.ProcessMemoryCache: the local cache hands back the object it keeps (no
pickling round trip) and otherwise behaves as Django's local-memory cache."""

import time

import pytest

from config.cache import ProcessMemoryCache


def make(name: str, **options) -> ProcessMemoryCache:
    cache = ProcessMemoryCache(name, {"OPTIONS": options})
    cache.clear()
    return cache


def test_a_hit_is_the_object_kept():
    cache = make("test-objects")
    value = {"sections": [1, 2, 3]}
    cache.set("lesson", value, 60)
    assert cache.get("lesson") is value
    assert cache.get("missing", "default") == "default"


def test_add_keeps_the_first_value():
    cache = make("test-add")
    assert cache.add("key", "first", 60)
    assert not cache.add("key", "second", 60)
    assert cache.get("key") == "first"


def test_values_expire(monkeypatch):
    cache = make("test-expiry")
    cache.set("key", "value", 10)
    later = time.time() + 11
    monkeypatch.setattr(time, "time", lambda: later)
    assert cache.get("key") is None
    assert cache.add("key", "again", 10)


def test_the_least_recently_used_are_culled():
    cache = make("test-cull", MAX_ENTRIES=3, CULL_FREQUENCY=3)
    for key in "abc":
        cache.set(key, key, 60)
    cache.get("a")  # used: kept
    cache.set("d", "d", 60)
    assert cache.get("a") == "a" and cache.get("d") == "d"
    assert cache.get("b") is None


def test_counting_is_refused():
    cache = make("test-incr")
    cache.set("n", 1, 60)
    with pytest.raises(NotImplementedError):
        cache.incr("n")


def test_any_key_is_kept_without_memcached_warnings(recwarn):
    # A choices key names every option of a question: it can outgrow memcached's limit.
    cache = make("test-keys")
    long_key = "test-choices:" + ":".join(str(n) for n in range(100, 200))
    cache.set(long_key, "html", 60)
    cache.set("with space", "value", 60)
    assert cache.get(long_key) == "html" and cache.get("with space") == "value"
    assert not recwarn.list

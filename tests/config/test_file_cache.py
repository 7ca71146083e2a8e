"""config.cache.SharedFileCache: processes that count the same key at once lose no count
(throttles without Redis: a lost update let a sixth failed sign-in through)."""

import multiprocessing

import pytest

from config.cache import SharedFileCache

PROCESSES, EACH = 4, 150


def _count(location: str, start) -> None:
    cache = SharedFileCache(location, {})
    start.wait()
    for _ in range(EACH):
        cache.add("hits", 0, 60)
        cache.incr("hits")


def test_parallel_processes_lose_no_count(tmp_path):
    location = str(tmp_path / "cache")
    context = multiprocessing.get_context("spawn")  # the suite has threads: no fork()
    start = context.Barrier(PROCESSES)
    workers = [context.Process(target=_count, args=(location, start)) for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert SharedFileCache(location, {}).get("hits") == PROCESSES * EACH


def test_a_count_keeps_its_window(tmp_path):
    """incr() keeps the expiry add() gave (Django's would reset it to the default 300 s)."""
    import pickle
    import time

    cache = SharedFileCache(str(tmp_path / "cache"), {})
    cache.add("hits", 0, 3600)
    assert cache.incr("hits") == 1 and cache.incr("hits", 2) == 3
    with open(cache._key_to_file("hits"), "rb") as f:
        left = pickle.load(f) - time.time()  # noqa: S301 - the cache's own file
    assert 3590 < left <= 3600
    cache.delete("hits")
    with pytest.raises(ValueError):
        cache.incr("hits")  # a missing key does not count

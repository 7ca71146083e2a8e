"""config.cache.SharedFileCache: processes that count the same key at once lose no count
(throttles without Redis: a lost update let a sixth failed sign-in through)."""

import multiprocessing

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

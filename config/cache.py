"""The shared cache when there is no Redis: Django's file-based cache, one directory that
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

import random

from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY = 32


class SharedFileCache(FileBasedCache):
    def _cull(self):
        if random.randrange(CULL_EVERY) == 0:
            super()._cull()

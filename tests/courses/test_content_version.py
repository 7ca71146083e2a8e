"""The content version survives whatever happens to the other cached keys: losing it
would mint a new version and retire every cached page."""

import pytest
from django.conf import settings
from django.core.cache import cache, caches

from courses import content_cache


def test_the_version_outlives_a_full_shared_and_local_cache(db):
    if settings.REDIS_URL:
        pytest.skip("Redis evicts nothing unless configured to; clear() empties the database")
    version = content_cache.content_version()
    cache.clear()  # as if sessions and draws had evicted everything else
    caches["local"].clear()
    content_cache._copy = (0, 0.0)  # and this process's copy had expired
    assert content_cache.content_version() == version


def test_a_content_change_replaces_the_version_at_once(course):
    lesson = course["fixture-readiness"]
    before = content_cache.content_version()
    lesson.title = "Renamed"
    lesson.save()
    assert content_cache.content_version() != before

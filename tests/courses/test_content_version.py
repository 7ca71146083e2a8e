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


def test_a_request_keys_everything_by_the_version_it_started_with(course):
    """Another server's edit lands while a request renders: the request still keys what it
    renders by the version it read its content under; the next request sees the edit."""
    # The receivers of request_started and request_finished (sending the signals would
    # also close the test's database connection).
    request_started, request_finished = (
        content_cache._request_started,
        content_cache._request_finished,
    )
    request_started()
    try:
        during = content_cache.content_version()
        content_cache.versions.set(content_cache.VERSION_KEY, during + 1, None)  # elsewhere
        content_cache._copy = (0, 0.0)  # this process's copy expires mid-request
        assert content_cache.content_version() == during
        lesson = course["fixture-readiness"]
        lesson.title = "Edited in this request"
        lesson.save()  # the request's own edit: it reads the new version
        assert content_cache.content_version() not in (during, during + 1)
    finally:
        request_finished()
    request_started()
    try:
        assert content_cache.content_version() != during
    finally:
        request_finished()

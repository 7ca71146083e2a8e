"""Shared fixtures. Browser fixtures live in tests/browser/conftest.py."""

import io
import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.core.management import call_command
from django.test import override_settings

# Playwright's sync API runs an event loop in this thread; Django must still allow ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The suite's own course: every section kind and question kind, frozen for the tests, so
# that editing the shipped course in content/ breaks no test but tests/test_shipped_content.py.
COURSE = Path(__file__).resolve().parent / "fixtures" / "course"


@pytest.fixture(scope="session", autouse=True)
def _own_file_cache(tmp_path_factory):
    """Without Redis the shared cache is a directory of files: the suite gets its own, so a
    server running on this checkout never shares sessions or draws with the tests."""
    default = django_settings.CACHES["default"]
    if default["BACKEND"] != "config.cache.SharedFileCache":
        yield
        return
    location = str(tmp_path_factory.mktemp("cache"))
    caches = {**django_settings.CACHES, "default": {**default, "LOCATION": location}}
    if "versions" in caches:
        caches["versions"] = {**caches["versions"], "LOCATION": f"{location}_versions"}
    with override_settings(CACHES=caches):
        yield


@pytest.fixture(autouse=True)
def _test_settings(settings):
    from courses import content_cache

    cache.clear()  # sessions, throttles: each test starts with an empty shared cache
    caches["local"].clear()
    # On Redis the content version went with the shared cache. A copy of the last test's
    # version, still trusted for up to VERSION_TTL, would give way mid-test to a new one,
    # and every cached question and lesson would miss (a query count off by three).
    content_cache._copy = (0, 0.0)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Manifest storage needs collectstatic; tests and live_server serve from the finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Import the fixture course once; each test runs in a transaction rolled back after it."""
    with django_db_blocker.unblock():
        call_command("import_content", str(COURSE), stdout=io.StringIO())


@pytest.fixture
def course(db):
    """The fixture course's lessons by slug, as imported once for the session."""
    from courses.models import Lesson

    return {lesson.slug: lesson for lesson in Lesson.objects.all()}


@pytest.fixture
def course_tx(transactional_db):
    """The fixture course for tests that commit (live server, concurrency): imported anew,
    because transactional tests empty the database after each test."""
    from courses.importer import import_content
    from courses.models import Lesson

    import_content(COURSE)
    return {lesson.slug: lesson for lesson in Lesson.objects.all()}


@pytest.fixture
def run_tasks(db, monkeypatch):
    """Run every queued task (the password reset mail) as `manage.py db_worker` would.
    The worker drops connections it thinks stale; inside a test's transaction, that would
    be the test's own connection (on PostgreSQL), so here it keeps it."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )

    def run():
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())

    return run

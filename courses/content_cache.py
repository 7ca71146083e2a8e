"""Caching of things derived from course content, in two levels.

Every key carries the content version, a number that any content change replaces (in the
shared cache, so all app servers see it). A value under a versioned key therefore never
changes, which makes it safe to keep a copy in each process's own memory as well: a hit
there costs no round trip to Redis. The version itself is re-read from the shared cache at
most every VERSION_TTL seconds per process, so an edit shows everywhere within that time
(at once on the server that made it).

Invalidation has one place, `watch_content_changes`: saving or deleting any content model,
by any path (admin, importer, a shell), bumps the version, and so does every `migrate`
(a data migration works on historical models, which send no signals we could recognise).
"""

import threading
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

VERSION_KEY = "content-version"
VERSION_TTL = 2  # seconds a process trusts its copy of the version
PARTS_SECONDS = 6 * 3600  # how long a process keeps a part rendered by `rendered_once`

local = caches["local"]
# The version alone, in a cache of its own: in a crowded cache it could be evicted, and a
# missing version mints a new one, which retires every cached page and question.
versions = caches["versions"]
# This process's copy of the version and when it stops trusting it: a module variable,
# not an entry of the local cache, which evicts under load like any other entry.
_copy: tuple[int, float] = (0, 0.0)


# The version a request started with. A request reads content, then keys what it renders
# from it by the version: were the version re-read in between (this process's copy just
# expired, after an edit elsewhere), a page rendered from the old rows would be kept under
# the new version. So within a request the first version read is the only one.
_request = threading.local()


def _request_started(**kwargs) -> None:
    _request.active, _request.version = True, None


def _request_finished(**kwargs) -> None:
    _request.active, _request.version = False, None


request_started.connect(_request_started, dispatch_uid="content-version-request-started")
request_finished.connect(_request_finished, dispatch_uid="content-version-request-finished")


def content_version() -> int:
    if getattr(_request, "active", False):
        if _request.version is None:
            _request.version = _current_version()
        return _request.version
    return _current_version()


def _current_version() -> int:
    global _copy
    version, trusted_until = _copy
    now = time.monotonic()
    if now < trusted_until:
        return version
    version = versions.get(VERSION_KEY)
    if version is None:
        versions.add(VERSION_KEY, time.time_ns(), None)
        version = versions.get(VERSION_KEY)
    _copy = (version, now + VERSION_TTL)
    return version


def bump_content_version() -> None:
    """Retire everything cached from the current content, on every app server: now, and
    again once the change is committed, so a page rendered from the old rows in between
    is not kept under the new version."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    global _copy
    versions.set(VERSION_KEY, time.time_ns(), None)
    _copy = (0, 0.0)
    _request.version = None  # the request that edits reads its own edit


def versioned_key(*parts) -> str:
    return ":".join(str(part) for part in (settings.RELEASE_ID, content_version(), *parts))


def get(key: str):
    """A value cached under a versioned key: this process's copy, else the shared one."""
    value = local.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            local.set(key, value)
    return value


def set(key: str, value, timeout: int) -> None:  # noqa: A001 - mirrors the cache API
    cache.set(key, value, timeout)
    local.set(key, value, timeout)


def get_or_compute(key: str, compute, timeout: int, *, shared: bool = True):
    """The value under a versioned key, computed and kept on a miss (never under DEBUG,
    where templates change under a developer's hands). `shared=False`: kept in this
    process only, for values cheap to compute again but with many keys."""
    store_get, store_set = (get, set) if shared else (local.get, local.set)
    value = None if settings.DEBUG else store_get(key)
    if value is None:
        value = compute()
        store_set(key, value, timeout)
    return value


def rendered_once(key: str, template_name: str, context: dict) -> SafeString:
    """A template's HTML, rendered once per process and content version under `key` (a
    versioned key), which must name everything `context` holds."""
    html = get_or_compute(
        key, lambda: render_to_string(template_name, context), PARTS_SECONDS, shared=False
    )
    return mark_safe(html)  # noqa: S308 - our own templates' output, from sanitised fields


# The models whose rows cached pages and questions are derived from.
CONTENT_MODELS = ("Track", "Lesson", "Section", "SectionItem", "Question", "Option")


def _content_changed(**kwargs) -> None:
    bump_content_version()


def watch_content_changes(app_config) -> None:
    """Connect the version bump to every save and delete of content, and to `migrate`.
    Called once, from CoursesConfig.ready()."""
    for name in CONTENT_MODELS:
        model = app_config.get_model(name)
        post_save.connect(_content_changed, sender=model, dispatch_uid=f"content-save-{name}")
        post_delete.connect(_content_changed, sender=model, dispatch_uid=f"content-del-{name}")
    post_migrate.connect(_content_changed, dispatch_uid="content-migrate")

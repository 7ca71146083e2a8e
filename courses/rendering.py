"""The lesson body, rendered once per content version and kept in the content cache; the
lesson rows that learner pages show around their content (a page's header, an attempt's
lesson, the dashboard's list), kept the same way; and the mode chooser, kept in each
process's memory per lesson, current mode and modes visited.

The body (every section and the practice questions) is the same for every learner, and
rendering it is most of a lesson page's cost. Saving or deleting any content, by any path,
bumps the content version (see content_cache), so edits show up.
"""

import copy

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from . import content_cache, selectors
from .models import Lesson
from .modes import mode_links

BODY_CACHE_SECONDS = 24 * 3600


def body_cache_key(lesson: Lesson) -> str:
    return content_cache.versioned_key("lesson-body-bytes", lesson.pk)


def lesson_body(lesson: Lesson) -> bytes:
    """The rendered body of the full explanation, encoded: from the cache, or rendered
    now. Kept as bytes, so a page does not re-encode some 80 kB of text per request
    (see learning.views.pages.lesson, which splices it into the page)."""

    def render() -> bytes:
        # A copy: `lesson` may be the content cache's own object, which nobody may modify.
        loaded = selectors.load_explanation(copy.copy(lesson))
        context = {
            "lesson": loaded,
            "sections": selectors.group_sections(loaded.explanation_sections),
        }
        return render_to_string("courses/_lesson_body.html", context).encode()

    return content_cache.get_or_compute(body_cache_key(lesson), render, BODY_CACHE_SECONDS)


def lesson_for_page(slug: str, *, drafts: bool = False) -> Lesson:
    """The lesson with its track, for the lesson page's header: from the content cache, or
    one query (404 if there is no such lesson, or it is a draft and `drafts` is off)."""
    key = content_cache.versioned_key("lesson-header", slug, "drafts" if drafts else "published")
    return content_cache.get_or_compute(
        key, lambda: selectors.lesson_header(slug, drafts=drafts), BODY_CACHE_SECONDS
    )


def lesson_by_id(lesson_id: int) -> Lesson:
    """A lesson with its track, draft or not, by id (an attempt's lesson): from the content
    cache, or one query."""
    key = content_cache.versioned_key("lesson-by-id", lesson_id)
    return content_cache.get_or_compute(
        key, lambda: Lesson.objects.select_related("track").get(pk=lesson_id), BODY_CACHE_SECONDS
    )


def published_lessons() -> list[Lesson]:
    """Every published lesson with its track, in catalogue order (the dashboard's rows):
    from the content cache, or one query."""
    key = content_cache.versioned_key("published-lessons")
    return content_cache.get_or_compute(key, selectors.published_lessons, BODY_CACHE_SECONDS)


def mode_chooser_html(lesson: Lesson, current_mode: str, visited: frozenset[str]) -> str:
    """The ten modes with `current_mode` marked and the learner's visits ticked. Every
    learner with the same visits sees the same chooser, and it holds ten URLs, so it is
    rendered once per process and content version for each such set (at most 2^10)."""
    key = content_cache.versioned_key("chooser", lesson.pk, current_mode, *sorted(visited))

    def render() -> str:
        context = {"mode_links": mode_links(lesson, visited), "current_mode": current_mode}
        return render_to_string("courses/_mode_chooser.html", context)

    html = content_cache.get_or_compute(key, render, BODY_CACHE_SECONDS, shared=False)
    return mark_safe(html)  # noqa: S308 - our own template's output, from sanitised fields

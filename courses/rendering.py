"""The lesson body, rendered once per version of the lesson and kept in the shared cache.

The body (every section and the practice questions) is the same for every learner, and
rendering it is most of a lesson page's cost. Its cache key carries the lesson's
`updated_at`, which the importer and the admin move whenever any of the lesson's content
changes, so an edit is visible at once on every app server.
"""

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from . import selectors
from .models import Lesson

BODY_CACHE_SECONDS = 24 * 3600


def body_cache_key(lesson: Lesson) -> str:
    return f"lesson-body:{settings.RELEASE_ID}:{lesson.pk}:{lesson.updated_at.timestamp()}"


def lesson_body_html(lesson: Lesson) -> str:
    """The rendered body of the full explanation: from the cache, or rendered now."""
    key = body_cache_key(lesson)
    html = None if settings.DEBUG else cache.get(key)
    if html is None:
        selectors.load_explanation(lesson)
        context = {
            "lesson": lesson,
            "sections": selectors.group_sections(lesson.explanation_sections),
        }
        html = render_to_string("courses/_lesson_body.html", context)
        cache.set(key, html, BODY_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - our own template's output, from sanitised fields

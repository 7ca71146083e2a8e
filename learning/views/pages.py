"""The catalogue, a track, and a lesson's full explanation."""

from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe

from accounts.learners import current_learner_id
from courses import selectors
from courses.modes import MODES_BY_SLUG
from courses.rendering import lesson_body, lesson_for_page

from ..page_cache import cache_for_visitors
from ..preview import drafts_visible
from ..status import mode_page_context, statuses_by_lesson


@cache_for_visitors
def catalogue(request: HttpRequest) -> TemplateResponse:
    """Every track and its lessons with the learner's strength on each.
    Models: Track, Lesson, LessonProgress. Template: courses/catalogue.html."""
    statuses = statuses_by_lesson(current_learner_id(request))
    tracks = selectors.catalogue(statuses, drafts=drafts_visible(request))
    return TemplateResponse(request, "courses/catalogue.html", {"tracks": tracks})


def track(request: HttpRequest, slug: str) -> TemplateResponse:
    """One track's lessons with the learner's strength on each and a progress bar.
    Models: Track, Lesson, LessonProgress. Template: courses/track.html."""
    statuses = statuses_by_lesson(current_learner_id(request))
    track = selectors.track_with_status(slug, statuses, drafts=drafts_visible(request))
    return TemplateResponse(request, "courses/track.html", {"track": track})


# Where courses/lesson.html leaves room for the body, filled in after rendering.
BODY_SLOT = "<!-- lesson body -->"


@cache_for_visitors
def lesson(request: HttpRequest, slug: str) -> TemplateResponse:
    """The full explanation: every section, the mode chooser, the test call to action and
    the practice questions. Models: Lesson, Section, Question. Template: courses/lesson.html.

    The body is the same for everyone and most of the page: it is kept rendered and
    encoded (courses.rendering.lesson_body) and spliced into the rendered page as bytes."""
    lesson = lesson_for_page(slug, drafts=drafts_visible(request))
    context = {
        **mode_page_context(current_learner_id(request), lesson, "explanation"),
        "body_slot": mark_safe(BODY_SLOT),  # noqa: S308 - a constant comment
        "mode": MODES_BY_SLUG["explanation"],
    }
    context["mode_done"] = "explanation" in context["status"].visited
    response = TemplateResponse(request, "courses/lesson.html", context)
    body = lesson_body(lesson)

    def splice_body(response):
        response.content = response.content.replace(BODY_SLOT.encode(), body, 1)

    response.add_post_render_callback(splice_body)
    return response

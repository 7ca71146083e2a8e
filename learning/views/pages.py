"""The catalogue, a track, and a lesson's full explanation."""

from django.http import HttpRequest
from django.template.response import TemplateResponse

from accounts.learners import current_learner_id
from courses import selectors
from courses.modes import MODES_BY_SLUG
from courses.rendering import lesson_body_html, lesson_for_page

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


@cache_for_visitors
def lesson(request: HttpRequest, slug: str) -> TemplateResponse:
    """The full explanation: every section, the mode chooser, the test call to action and
    the practice questions. Models: Lesson, Section, Question. Template: courses/lesson.html."""
    lesson = lesson_for_page(slug, drafts=drafts_visible(request))
    context = {
        **mode_page_context(current_learner_id(request), lesson, "explanation"),
        "body_html": lesson_body_html(lesson),
        "mode": MODES_BY_SLUG["explanation"],
    }
    context["mode_done"] = "explanation" in context["status"].visited
    return TemplateResponse(request, "courses/lesson.html", context)

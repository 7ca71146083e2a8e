from django.http import HttpRequest
from django.template.response import TemplateResponse

from progress.selectors import statuses_by_lesson

from . import selectors
from .modes import MODES_BY_SLUG
from .page_cache import cache_for_visitors
from .rendering import lesson_body_html


@cache_for_visitors
def catalogue(request: HttpRequest) -> TemplateResponse:
    """Every track and its lessons with the learner's strength on each.
    Models: Track, Lesson, LessonProgress. Template: courses/catalogue.html."""
    context = {"tracks": selectors.catalogue(statuses_by_lesson(request))}
    return TemplateResponse(request, "courses/catalogue.html", context)


def track(request: HttpRequest, slug: str) -> TemplateResponse:
    """One track's lessons with the learner's strength on each and a progress bar.
    Models: Track, Lesson, LessonProgress. Template: courses/track.html."""
    track = selectors.track_with_status(slug, statuses_by_lesson(request))
    return TemplateResponse(request, "courses/track.html", {"track": track})


@cache_for_visitors
def lesson(request: HttpRequest, slug: str) -> TemplateResponse:
    """The full explanation: every section, the mode chooser, the test call to action and
    the practice questions. Models: Lesson, Section, Question. Template: courses/lesson.html."""
    lesson = selectors.lesson_header(slug)
    context = {
        **selectors.mode_page_context(request, lesson, "explanation"),
        "body_html": lesson_body_html(lesson),
    }
    context["mode"] = MODES_BY_SLUG["explanation"]
    context["mode_done"] = "explanation" in context["status"].visited
    return TemplateResponse(request, "courses/lesson.html", context)

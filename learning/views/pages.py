"""The catalogue, a track, and a lesson's full explanation."""

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from accounts.learners import current_learner_id
from courses import selectors
from courses.modes import MODES_BY_SLUG
from courses.rendering import lesson_body, lesson_for_page

from ..page_cache import cache_for_visitors, hole_html, page_with_holes
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
def lesson(request: HttpRequest, slug: str) -> HttpResponse:
    """The full explanation: every section, the mode chooser, the test call to action and
    the practice questions. Models: Lesson, Section, Question. Template: courses/lesson.html.

    Most of the page is the same for every learner: it is rendered once per process
    (page_cache.page_with_holes), and each request renders only the learner's own parts,
    the call to action and the mode chooser. The body is kept rendered and encoded
    (courses.rendering.lesson_body) and goes in as a hole of its own."""
    lesson = lesson_for_page(slug, drafts=drafts_visible(request))
    around = mode_page_context(current_learner_id(request), lesson, "explanation")
    status = around["status"]
    mode_done = "explanation" in status.visited
    context = {"lesson": lesson, "mode": MODES_BY_SLUG["explanation"], "mode_done": mode_done}
    cta = hole_html("quizzes/_test_cta.html", {"lesson": lesson, "status": status})
    holes = {"test_cta": cta, "mode_chooser": around["mode_chooser"].encode(),
             "lesson_body": lesson_body(lesson)}  # fmt: skip
    return page_with_holes(request, "courses/lesson.html", context, holes=holes,
                           key=(lesson.pk, mode_done))  # fmt: skip

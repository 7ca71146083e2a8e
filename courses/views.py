from django.http import HttpRequest
from django.template.response import TemplateResponse

from quizzes.selectors import test_status

from . import selectors


def catalogue(request: HttpRequest) -> TemplateResponse:
    """Every track and its lessons. Models: Track, Lesson. Template: courses/catalogue.html."""
    return TemplateResponse(request, "courses/catalogue.html", {"tracks": selectors.catalogue()})


def lesson(request: HttpRequest, slug: str) -> TemplateResponse:
    """The full explanation: every section, the mode chooser, the test call to action and
    the practice questions. Models: Lesson, Section, Question. Template: courses/lesson.html."""
    lesson = selectors.lesson_for_explanation(slug)
    context = {
        "lesson": lesson,
        "sections": selectors.group_sections(lesson.explanation_sections),
        "current_mode": "explanation",
        "test": test_status(request, lesson),
    }
    return TemplateResponse(request, "courses/lesson.html", context)

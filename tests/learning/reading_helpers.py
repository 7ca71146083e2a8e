"""Helpers shared by the reading_modes tests."""

import re
from html import unescape

from django.urls import reverse

from accounts.models import Learner
from courses.models import Question, SectionItem
from progress.models import LessonProgress
from quizzes.matching import plain_text

SLUGS = ["fixture-readiness", "fixture-evaluation", "fixture-monitoring"]
MODES = ["deep-dive", "why-it-matters", "visualize", "analogy"]


def _url(mode: str, lesson, query: str = "") -> str:
    return reverse(f"learning:{mode}", args=[lesson.slug]) + query


def _html(response) -> str:
    return response.content.decode()


def _nothing_written() -> bool:
    return not Learner.objects.exists() and not LessonProgress.objects.exists()


def _visited(lesson) -> list[str]:
    return LessonProgress.objects.get(lesson=lesson).modes_visited


def _diagram_questions(lesson) -> list[Question]:
    questions = lesson.questions.filter(use="diagram", is_active=True)
    return list(questions.prefetch_related("options").order_by("order", "id")[:3])


def _quiz_data(lesson, right=(True, True, True)) -> dict:
    data = {}
    for number, (question, is_right) in enumerate(
        zip(_diagram_questions(lesson), right, strict=True), 1
    ):
        option = next(o for o in question.options.all() if o.is_correct == is_right)
        data[f"question-{number}"] = option.pk
    return data


def _analogy_items(lesson) -> list[SectionItem]:
    section = lesson.sections.filter(kind="analogy").first()
    return list(section.items.order_by("order", "id"))


def _offered_positions(html: str) -> dict[str, int]:
    """Counterpart text -> the value its <option> carries, read off the page."""
    select = re.search(r'<select name="match-1".*?</select>', html, re.S).group(0)
    return {
        unescape(text): int(value)
        for value, text in re.findall(
            r'<option value="(\d+)"[^>]*>[A-Z]\. ([^<]+)</option>', select
        )
    }


def _matching_data(lesson, html: str, right: int) -> dict:
    """Form data pairing the first `right` concepts correctly and the others wrongly."""
    positions = _offered_positions(html)
    items = _analogy_items(lesson)

    def position(item):
        return positions[plain_text(item.text_html)]

    data = {}
    for number, item in enumerate(items, start=1):
        if number <= right:
            data[f"match-{number}"] = position(item)
        else:
            other = items[number % len(items)]
            data[f"match-{number}"] = position(other)
    return data

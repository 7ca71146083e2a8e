"""Item lint fed from where questions live: content files and database rows.

`courses/lint.py` knows only its own dataclasses; this module adapts the importer's parsed
`QuestionData` and `Question` rows to `LintItem`, and answers the two questions the rest
of the project asks: what is wrong in a content folder, and what is wrong in a lesson (as
the admin shows it). Retired questions are never linted: learners no longer meet them.
"""

from collections.abc import Iterable
from pathlib import Path

from django.db.models import Prefetch

from . import content_cache
from .content_files import LessonData, QuestionData, read_tree
from .lint import Finding, LintItem, LintOption, lint_items
from .models import Option, Question


def item_from_data(lesson_slug: str, data: QuestionData) -> LintItem:
    """A question as parsed from a lesson's questions.yaml."""
    return _item(
        lesson_slug, data.key, data.kind, data.use, data.difficulty, data.prompt, data.code,
        data.hint, data.quick_check, data.expected_output,
        [(o.text, o.is_correct, o.explanation) for o in data.options],
    )  # fmt: skip


def item_from_question(question: Question) -> LintItem:
    """A question row; its `options` and `lesson` should be fetched with it."""
    return _item(
        question.lesson.slug, question.key, question.kind, question.use, question.difficulty,
        question.prompt, question.code, question.hint, question.quick_check,
        question.expected_output,
        [(o.text, o.is_correct, o.explanation) for o in question.options.all()],
    )  # fmt: skip


def _item(lesson, key, kind, use, difficulty, prompt, code, hint, quick_check, expected,
          options: list[tuple[str, bool, str]]) -> LintItem:  # fmt: skip
    # A true/false item's two options are "True" and "False", generated, with no "why" of
    # their own: the lint reads the truth instead. A code-output item's answer is typed.
    if kind == Question.Kind.TRUE_FALSE:
        truth = next((text == "True" for text, correct, _ in options if correct), None)
        return LintItem(lesson, key, kind, use, difficulty, prompt, (), hint, quick_check,
                        truth, code)  # fmt: skip
    answer = expected if kind == Question.Kind.CODE_OUTPUT else None
    lint_options = tuple(LintOption(text, correct, why) for text, correct, why in options)
    return LintItem(lesson, key, kind, use, difficulty, prompt, lint_options, hint,
                    quick_check, answer, code)  # fmt: skip


def items_from_lessons(lessons: Iterable[LessonData]) -> list[LintItem]:
    return [item_from_data(lesson.slug, q) for lesson in lessons for q in lesson.questions]


def lint_folder(path: Path) -> list[Finding]:
    """Every finding in a content folder (a root, a track or a lesson); raises ContentError
    when the files themselves are malformed."""
    lessons = [lesson for track in read_tree(path) for lesson in track.lessons]
    return lint_items(items_from_lessons(lessons))


def active_questions():
    """Every active question with its lesson and options: two queries."""
    options = Prefetch("options", queryset=Option.objects.order_by("order", "id"))
    return Question.objects.active().select_related("lesson").prefetch_related(options)


LINT_SECONDS = 3600


def lint_database() -> list[Finding]:
    """Every finding in the course as stored (drafts included). Linting a course of a few
    hundred questions takes most of a second, and the admin asks on every lesson page and
    save, so the findings are cached under the content version: any edit retires them."""
    key = content_cache.versioned_key("lint")
    findings = content_cache.get(key)
    if findings is None:
        findings = lint_items(item_from_question(q) for q in active_questions())
        content_cache.set(key, findings, LINT_SECONDS)
    return findings


def lint_lesson(slug: str) -> list[Finding]:
    """The findings about one lesson. The whole course is linted, because some rules
    compare lessons (a stem repeated in another lesson); findings about the course as a
    whole, which name no lesson, are left out."""
    return [f for f in lint_database() if f.lesson == slug]

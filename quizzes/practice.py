"""Practice mode: a lesson's practice questions one at a time, with retries, a hint on
request and the solution on request. Nothing is at stake.

Where the learner is lives in the URL (`?q=3`) and the form; the only thing stored is the
learner's progress summary, through `progress.services.record_practice`.
"""

from django.db.models import Prefetch

from accounts.models import Learner
from courses.models import Lesson, Option, Question
from courses.selectors import lesson_for_learner
from progress.models import LessonProgress
from progress.services import record_practice

from .grading import grade


def practice_set(slug: str, *, drafts: bool = False) -> tuple[Lesson, list[Question]]:
    """The lesson and its practice questions in order, each with its options: two queries
    however many there are (a third, for the lesson alone, when there are none). A draft
    lesson is a 404 unless `drafts` (staff previewing)."""
    options = Prefetch("options", queryset=Option.objects.select_related("confusion"))
    lessons = Lesson.objects.visible(drafts=drafts)
    questions = list(
        Question.objects.practice()
        .filter(lesson__in=lessons.filter(slug=slug))
        .select_related("lesson__track")
        .prefetch_related(options)
        .order_by("order", "id")
    )
    if not questions:
        queryset = Lesson.objects.select_related("track")
        return lesson_for_learner(slug, drafts=drafts, queryset=queryset), []
    lesson = questions[0].lesson
    for question in questions:
        question.lesson = lesson  # one lesson object for the page
    return lesson, questions


def check_answer(
    *, learner: Learner, question: Question, selected: list[int], typed: str
) -> tuple[bool, LessonProgress]:
    """Grade a practice answer and record it (solved once, however many tries)."""
    correct_ids = {option.pk for option in question.options.all() if option.is_correct}
    solved = grade(question, correct_ids, selected, typed)
    return solved, record_practice(
        learner_id=learner.pk,
        lesson_id=question.lesson_id,
        question_key=question.key,
        solved=solved,
    )


def reveal_solution(*, learner: Learner, question: Question) -> LessonProgress:
    """The learner gave up on a question: it counts as practised, not as solved."""
    return record_practice(
        learner_id=learner.pk, lesson_id=question.lesson_id, question_key=question.key, solved=False
    )

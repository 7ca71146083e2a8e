"""A small designed data set for the item-analysis tests: 6 finished attempts at a
4-question bank, every statistic of which is worked out by hand in the tests."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from accounts.models import Learner
from courses.models import Question
from quizzes.models import AttemptQuestion, Response, TestAttempt
from tests.factories import make_lesson, make_question

# The option each attempt (rows A1..A6) chose for each question (q1..q4), by letter:
# make_question's options are A "Right", B, C and D wrong.
CHOICES = [
    "AAAB",  # A1 score 3
    "AAAB",  # A2 score 3
    "BAAA",  # A3 score 3
    "BACA",  # A4 score 2
    "CABA",  # A5 score 2
    "CADB",  # A6 score 1
]
MATRIX = [[int(letter == "A") for letter in row] for row in CHOICES]
LABELS = ["easy", "hard", "medium", "medium"]
# Seconds each attempt spent on each question (A6 answers in the reverse order).
SECONDS = [
    [10, 5, 1, 7],
    [20, 5, 2, 8],
    [30, 5, 3, 9],
    [40, 5, 4, 100],
    [50, 5, 5, 200],
    [60, 100, 6, 300],
]
ORDERS = [[0, 1, 2, 3]] * 5 + [[3, 2, 1, 0]]
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@dataclass
class Designed:
    lesson: object
    questions: list[Question]
    attempts: list[TestAttempt]


def designed_lesson(repeat: int = 1) -> Designed:
    """The designed set; `repeat` copies every attempt that many times (same statistics,
    but enough responses to clear the default threshold of 30 when repeat is 5)."""
    lesson = make_lesson()
    questions = [make_question(lesson, difficulty=label) for label in LABELS]
    attempts = []
    for copy in range(repeat):
        for row, (letters, seconds, order) in enumerate(zip(CHOICES, SECONDS, ORDERS, strict=True)):
            start = START + timedelta(hours=copy * 10 + row)
            attempts.append(_attempt(lesson, questions, letters, seconds, order, start))
    _noise(lesson, questions)
    return Designed(lesson, questions, attempts)


def _attempt(lesson, questions, letters, seconds, order, start) -> TestAttempt:
    marks = [letter == "A" for letter in letters]
    attempt = TestAttempt.objects.create(
        learner=Learner.objects.create(), lesson=lesson, seed=1, position=4,
        score=sum(marks), question_count=4, status=TestAttempt.Status.FINISHED,
        finished_at=start + timedelta(minutes=30),
    )  # fmt: skip
    TestAttempt.objects.filter(pk=attempt.pk).update(started_at=start)
    answered = start
    for position, q in enumerate(order):
        slot = AttemptQuestion.objects.create(
            attempt=attempt, question=questions[q], position=position
        )
        chosen = list(questions[q].options.order_by("order"))["ABCD".index(letters[q])]
        answered += timedelta(seconds=seconds[q])
        Response.objects.create(slot=slot, selected_options=[chosen.pk], is_correct=marks[q])
        Response.objects.filter(slot=slot).update(answered_at=answered)
    return attempt


def _noise(lesson, questions) -> None:
    """An abandoned and an open attempt, all wrong with option D: both must be ignored."""
    for status in (TestAttempt.Status.ABANDONED, TestAttempt.Status.IN_PROGRESS):
        attempt = TestAttempt.objects.create(
            learner=Learner.objects.create(), lesson=lesson, seed=2, position=2, score=0,
            status=status,
        )  # fmt: skip
        for position, question in enumerate(questions[:2]):
            slot = AttemptQuestion.objects.create(
                attempt=attempt, question=question, position=position
            )
            wrong = question.options.order_by("order").last()
            Response.objects.create(slot=slot, selected_options=[wrong.pk], is_correct=False)


def finished_attempt(lesson, answers: list[tuple[Question, bool]]) -> TestAttempt:
    """A finished attempt answering the given questions, in order, right or wrong."""
    attempt = TestAttempt.objects.create(
        learner=Learner.objects.create(), lesson=lesson, seed=3, position=len(answers),
        score=sum(right for _, right in answers), question_count=len(answers),
        status=TestAttempt.Status.FINISHED,
    )  # fmt: skip
    for position, (question, right) in enumerate(answers):
        slot = AttemptQuestion.objects.create(attempt=attempt, question=question, position=position)
        option = question.options.filter(is_correct=right).first()
        Response.objects.create(slot=slot, selected_options=[option.pk], is_correct=right)
    return attempt

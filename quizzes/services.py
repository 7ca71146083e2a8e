"""The test flow's writes: start, answer, abandon. Each runs in one transaction.

Integrity rules a teacher can defend: a question counts as seen once its feedback was shown
(it has a response, in any attempt); the draw asks unseen questions first, and a test that
still repeats seen ones is practice, which records a score but cannot raise strength
(`progress.strength`); stopping a test after an answer finishes it with the rest wrong.

Views call these and render what they return; every rule about who may do what, and when,
is checked here, with the database constraints as the final guarantee.
"""

import random
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Learner
from core.statements import Update
from courses.models import Lesson, Option, Question
from progress.services import record_mode_visit, record_test_result
from progress.strength import Tally, strength_of

from .drawing import draw_test_questions
from .grading import grade
from .models import AttemptQuestion, Response, TestAttempt
from .question_cache import Draw


class TestUnavailable(Exception):
    """The lesson has no test bank big enough to draw from."""


def start_test(*, learner: Learner, lesson: Lesson) -> TestAttempt:
    """Return the learner's open attempt for this lesson, or start one.

    Parallel starts race on the partial unique constraint: one insert wins, the others
    roll back to their savepoint and return the winner's attempt.
    """
    existing = TestAttempt.objects.filter(
        learner=learner, lesson=lesson, status=TestAttempt.Status.IN_PROGRESS
    ).first()
    if existing:
        return existing
    bank = list(Question.objects.test_bank().filter(lesson=lesson).values_list("id", "difficulty"))
    if not bank:
        raise TestUnavailable(f"“{lesson.title}” has no test questions yet.")
    seen, asked = _history(learner, lesson)
    seed = secrets.randbits(62)
    draw = draw_test_questions(bank, seen, random.Random(seed), asked=asked)

    def create_attempt() -> TestAttempt:
        attempt = TestAttempt.objects.create(
            learner=learner,
            lesson=lesson,
            seed=seed,
            question_count=len(draw.question_ids),
            draw_note=draw.note,
            seen_count=draw.seen_count,
        )
        AttemptQuestion.objects.bulk_create(
            AttemptQuestion(attempt=attempt, question_id=question_id, position=position)
            for position, question_id in enumerate(draw.question_ids)
        )
        return attempt

    attempt, started = TestAttempt.start_or_open(create_attempt, learner=learner, lesson=lesson)
    if started:
        record_mode_visit(learner_id=learner.pk, lesson_id=lesson.pk, mode="test")
    return attempt


def _history(learner: Learner, lesson: Lesson) -> tuple[set[int], frozenset[int]]:
    """The lesson's test questions the learner has seen answered (a response exists, so
    its feedback was shown, in any earlier attempt, finished or ended early), and those
    only drawn: one query."""
    drawn = AttemptQuestion.objects.filter(attempt__learner=learner, attempt__lesson=lesson)
    seen, asked = set(), set()
    for question_id, response_id in drawn.values_list("question_id", "response"):
        (asked if response_id is None else seen).add(question_id)
    return seen, frozenset(asked)


@dataclass
class Outcome:
    """What happened to a submitted answer."""

    status: str  # "graded", "already_answered", "out_of_order", "closed"
    attempt: TestAttempt
    position: int  # the position the form was for
    response: Response | None = None
    message: str = ""


def submit_answer(
    *, draw: Draw, position: int, question: Question, options: list[Option],
    selected: list[int], typed: str,
) -> Outcome:  # fmt: skip
    """Grade the answer to the question at `position` of a drawn attempt, once.

    One conditional UPDATE both checks and moves the attempt on: it matches only while the
    attempt is open at this very position, and the database applies such updates one at a
    time, so a replay, a double click, a stale form or an out-of-order answer matches
    nothing and changes nothing, and parallel answers lose no update.
    """
    is_correct = grade(question, {o.pk for o in options if o.is_correct}, selected, typed)
    # Built before the transaction: on SQLite it holds the write lock from its first line,
    # and every other answer waits for it.
    response = Response(
        slot_id=draw.slots[position][0], selected_options=sorted(selected), typed_answer=typed,
        is_correct=is_correct,
    )  # fmt: skip
    values = {"attempt": draw.attempt_id, "learner": draw.learner_id, "position": position,
              "gained": int(is_correct)}  # fmt: skip
    if position + 1 < draw.question_count:  # the attempt stays open: one statement
        if not _advance.run_then_insert(response, **values):
            return _refused(draw.attempt_id, position)
        return Outcome("graded", _still_open(draw, position + 1), position, response=response)
    with transaction.atomic():  # the last answer finishes the attempt with it
        if not _advance.run_then_insert(response, **values):
            return _refused(draw.attempt_id, position)
        attempt = TestAttempt.objects.select_for_update().get(pk=draw.attempt_id)
        _finish(attempt)
        attempt.save(update_fields=["status", "finished_at", "strength"])
    return Outcome("graded", attempt, position, response=response)


def _still_open(draw: Draw, position: int) -> TestAttempt:
    """The attempt as the UPDATE that graded the answer left it, without reading it back:
    open, waiting at `position`."""
    return TestAttempt.open_from(id=draw.attempt_id, learner_id=draw.learner_id,
                                 lesson_id=draw.lesson_id, position=position,
                                 question_count=draw.question_count)  # fmt: skip


# Move the attempt past `position` if, and only if, it is open and waiting there: one
# conditional UPDATE, which the database applies one at a time (compiled once per process).
_advance = Update(
    lambda attempt, learner, position, gained: (
        TestAttempt.objects.filter(
            pk=attempt, learner_id=learner, status=TestAttempt.Status.IN_PROGRESS,
            position=position,
        ),
        {"position": F("position") + 1, "score": F("score") + gained},
    )
)  # fmt: skip


def _refused(attempt_id: int, position: int) -> Outcome:
    """Why an answer changed nothing, for the learner."""
    attempt = TestAttempt.objects.select_related("lesson").get(pk=attempt_id)
    if not attempt.is_open:
        return Outcome("closed", attempt, position, message="This test is already finished.")
    if position < attempt.position:
        message = f"You already answered question {position + 1}; it was graded once."
        return Outcome("already_answered", attempt, position, message=message)
    message = (
        f"Question {position + 1} isn’t open yet; answer question {attempt.position + 1} first."
    )
    return Outcome("out_of_order", attempt, position, message=message)


def _finish(attempt: TestAttempt) -> None:
    graded = list(
        Response.objects.filter(slot__attempt=attempt).values_list(
            "slot__question_id", "slot__question__difficulty", "is_correct"
        )
    )
    hard = [is_correct for _, difficulty, is_correct in graded if difficulty == "hard"]
    tally = Tally(attempt.score, attempt.position, sum(hard), len(hard))
    attempt.status = TestAttempt.Status.FINISHED
    attempt.finished_at = timezone.now()
    missed = [question_id for question_id, _, is_correct in graded if not is_correct]
    attempt.strength = record_test_result(
        learner_id=attempt.learner_id, lesson_id=attempt.lesson_id, score=attempt.score,
        total=attempt.question_count, strength=strength_of(tally),
        finished_at=attempt.finished_at, missed_question_ids=missed,
        practice=attempt.is_practice,
    )  # fmt: skip


def abandon_test(*, attempt_id: int, learner_id: int) -> TestAttempt | None:
    """Stop an open attempt. Returns None if there was nothing to stop.

    Before any answer, nothing was shown but the first prompt: the attempt is closed
    without a result (status "abandoned"). After an answer the learner has seen feedback,
    so stopping cannot be a way to drop a test that is going badly, nor to see answers for
    free: the attempt is finished with every unanswered question wrong (a blank response),
    its result counts like any other, and all its questions count as seen.
    """
    with transaction.atomic():
        attempt = (
            TestAttempt.objects.select_for_update()
            .filter(pk=attempt_id, learner_id=learner_id, status=TestAttempt.Status.IN_PROGRESS)
            .first()
        )
        if attempt is None:
            return None
        if attempt.position == 0:
            attempt.status = TestAttempt.Status.ABANDONED
            attempt.finished_at = timezone.now()
            attempt.save(update_fields=["status", "finished_at"])
            return attempt
        unanswered = AttemptQuestion.objects.filter(attempt=attempt, position__gte=attempt.position)
        Response.objects.bulk_create(
            Response(slot=slot, selected_options=[], typed_answer="", is_correct=False)
            for slot in unanswered
        )
        attempt.position = attempt.question_count
        _finish(attempt)
        attempt.save(update_fields=["position", "status", "finished_at", "strength"])
    return attempt

"""Writes to a learner's progress. Each is small, runs in a transaction, takes ids and plain
values, and is called by a view or by another layer's service (quizzes records a test's
result here in the transaction that grades its last answer); nothing here runs from a
signal."""

from datetime import datetime

from django.db import transaction
from django.db.models import F, Min
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from . import scheduling
from .models import LessonProgress, ReviewCard
from .strength import practice_strength


def _locked_progress(learner_id: int, lesson_id: int) -> LessonProgress:
    """The learner's progress row for a lesson, created if missing, locked for update."""
    progress, _ = LessonProgress.objects.select_for_update().get_or_create(
        learner_id=learner_id, lesson_id=lesson_id, defaults={"last_activity": timezone.now()}
    )
    return progress


def record_mode_visit(*, learner_id: int, lesson_id: int, mode: str) -> LessonProgress:
    with transaction.atomic():
        progress = _locked_progress(learner_id, lesson_id)
        if mode not in progress.modes_visited:
            progress.modes_visited = [*progress.modes_visited, mode]
        progress.last_activity = timezone.now()
        progress.save(update_fields=["modes_visited", "last_activity"])
    return progress


def record_practice(*, learner_id: int, lesson_id: int, question_key: str,
                    solved: bool) -> LessonProgress:  # fmt: skip
    """A practice answer: counts the question as solved once, and the mode as visited."""
    with transaction.atomic():
        progress = _locked_progress(learner_id, lesson_id)
        if solved and question_key not in progress.practice_solved:
            progress.practice_solved = [*progress.practice_solved, question_key]
        if "practice" not in progress.modes_visited:
            progress.modes_visited = [*progress.modes_visited, "practice"]
        progress.last_activity = timezone.now()
        progress.save(update_fields=["practice_solved", "modes_visited", "last_activity"])
    return progress


def record_test_result(
    *, learner_id: int, lesson_id: int, score: int, total: int, strength: str,
    finished_at: datetime, missed_question_ids: list[int], practice: bool = False,
) -> str:  # fmt: skip
    """A finished test: scores and strength, and a review card due now for each missed
    question (one missed again is due again now). Runs inside the transaction that grades
    the last answer, in two or three queries: the answer POST has a query budget.

    A practice test (it repeated questions whose answers the learner had seen) cannot
    raise strength: `strength`, what its score earned, is capped at the learner's current
    one (one more query). Returns the strength recorded."""
    now = finished_at
    if practice:
        strength = practice_strength(strength, _locked_progress(learner_id, lesson_id).strength)
    changes = {
        "tests_taken": F("tests_taken") + 1,
        "latest_score": score,
        "latest_total": total,
        "best_score": Greatest(Coalesce(F("best_score"), 0), score),
        "strength": strength,
        "last_activity": now,
    }
    if missed_question_ids:
        changes["review_due_at"] = Least(Coalesce(F("review_due_at"), now), now)
        ReviewCard.objects.bulk_create(
            [ReviewCard(learner_id=learner_id, lesson_id=lesson_id,
                        question_id=question_id, fsrs_state=scheduling.new_state(now), due=now)
             for question_id in missed_question_ids],
            update_conflicts=True,
            unique_fields=["learner", "question"],
            update_fields=["due"],
        )  # fmt: skip
    mine = LessonProgress.objects.filter(learner_id=learner_id, lesson_id=lesson_id)
    if not mine.update(**changes):  # started before progress existed (or merged away)
        _locked_progress(learner_id, lesson_id)
        mine.update(**changes)
    return strength


def earliest_due(learner_id: int, lesson_id: int):
    return ReviewCard.objects.filter(learner_id=learner_id, lesson_id=lesson_id).aggregate(
        due=Min("due")
    )["due"]


def rate_card(*, learner_id: int, lesson_id: int, rating: str, section_id: int | None = None,
              card_id: int | None = None) -> ReviewCard:  # fmt: skip
    """Rate a flashcard (a fact or confusion section) or an existing review card.

    The first rating of a section creates its card. The lesson's review due date follows.
    """
    now = timezone.now()
    with transaction.atomic():
        if card_id is None:
            card, _ = ReviewCard.objects.select_for_update().get_or_create(
                learner_id=learner_id, section_id=section_id,
                defaults={"lesson_id": lesson_id, "fsrs_state": scheduling.new_state(now),
                          "due": now},
            )  # fmt: skip
        else:
            card = ReviewCard.objects.select_for_update().get(pk=card_id, learner_id=learner_id)
        card.fsrs_state, card.due = scheduling.review(card.fsrs_state, rating, now)
        card.reps += 1
        card.last_rating = int(scheduling.RATINGS[rating])
        card.last_review = now
        card.save()
        progress = _locked_progress(learner_id, card.lesson_id)
        progress.review_due_at = earliest_due(learner_id, card.lesson_id)
        progress.last_activity = now
        progress.save(update_fields=["review_due_at", "last_activity"])
    return card


def award_pattern_master(*, learner_id: int, lesson_id: int) -> LessonProgress:
    with transaction.atomic():
        progress = _locked_progress(learner_id, lesson_id)
        if progress.pattern_master_at is None:
            progress.pattern_master_at = timezone.now()
        if "challenge" not in progress.modes_visited:
            progress.modes_visited = [*progress.modes_visited, "challenge"]
        progress.last_activity = timezone.now()
        progress.save(update_fields=["pattern_master_at", "modes_visited", "last_activity"])
    return progress

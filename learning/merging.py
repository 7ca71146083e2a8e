"""Move a guest's progress into an account, without loss or duplicates.

Called right after a guest signs up or logs in (Django's `user_logged_in` signal). Where
both have something for the same lesson, they are combined: open tests and challenge runs
(the account's stays open, the guest's is abandoned), progress summaries (unions, sums,
the best and the latest), and review cards (the one reviewed more often wins).
"""

from django.db import transaction
from django.utils import timezone

from accounts.learners import get_or_create_learner, remembered_guest_id
from accounts.models import Learner
from progress.models import LessonProgress, ReviewCard
from progress.services import earliest_due
from progress.strength import practice_strength
from quizzes.challenge import merge_runs
from quizzes.models import TestAttempt
from quizzes.question_cache import forget_draws
from quizzes.selectors import seen_before


def adopt_guest_on_login(sender, request, user, **kwargs) -> None:
    """After a login: move the guest learner the session had into the account's."""
    guest_id = remembered_guest_id(request) if request is not None else None
    guest = Learner.objects.filter(pk=guest_id, user=None).first() if guest_id else None
    if guest is not None:
        merge_learners(guest=guest, into=get_or_create_learner(request))


def merge_learners(*, guest: Learner, into: Learner) -> None:
    if guest.pk == into.pk or not guest.is_guest:
        return
    with transaction.atomic():
        # Lock both rows (in id order, so two merges cannot deadlock).
        list(Learner.objects.select_for_update().filter(pk__in=[guest.pk, into.pk]).order_by("pk"))
        _merge_attempts(guest, into)
        _merge_cards(guest, into)
        _merge_progress(guest, into)  # last: it reads the merged attempts and cards
        merge_runs(guest, into)
        guest.delete()


def _merge_attempts(guest: Learner, into: Learner) -> None:
    # A guest's test of questions the account had already seen answered is practice, as
    # it would have been had the learner been signed in: it cannot raise strength.
    for attempt in TestAttempt.objects.filter(learner=guest).exclude(
        status=TestAttempt.Status.IN_PROGRESS
    ):
        seen = seen_before(attempt, into.pk)
        if seen > attempt.seen_count:
            TestAttempt.objects.filter(pk=attempt.pk).update(seen_count=seen)
    open_status = TestAttempt.Status.IN_PROGRESS
    busy = TestAttempt.objects.filter(learner=into, status=open_status).values("lesson_id")
    TestAttempt.objects.filter(learner=guest, status=open_status, lesson_id__in=busy).update(
        status=TestAttempt.Status.ABANDONED, finished_at=timezone.now()
    )
    moved = list(TestAttempt.objects.filter(learner=guest).values_list("pk", flat=True))
    TestAttempt.objects.filter(learner=guest).update(learner=into)
    # Their cached draws name the guest as owner: forget them now, and again once the move
    # is committed, in case a request cached one in between.
    forget_draws(moved)
    transaction.on_commit(lambda: forget_draws(moved))


def _merge_progress(guest: Learner, into: Learner) -> None:
    theirs = {
        p.lesson_id: p for p in LessonProgress.objects.select_for_update().filter(learner=into)
    }
    for mine in LessonProgress.objects.select_for_update().filter(learner=guest):
        target = theirs.get(mine.lesson_id)
        if target is None:
            mine.learner = into
            mine.save(update_fields=["learner"])
            continue
        newer = mine if mine.last_activity > target.last_activity else target
        target.modes_visited = sorted(set(target.modes_visited) | set(mine.modes_visited))
        target.practice_solved = sorted(set(target.practice_solved) | set(mine.practice_solved))
        target.tests_taken += mine.tests_taken
        scores = [s for s in (target.best_score, mine.best_score) if s is not None]
        target.best_score = max(scores, default=None)
        latest = (
            TestAttempt.objects.filter(
                learner=into, lesson_id=target.lesson_id, status=TestAttempt.Status.FINISHED
            )
            .order_by("-finished_at")
            .first()
        )  # the attempts are merged already: this is the latest of both
        if latest is not None:
            target.latest_score, target.latest_total = latest.score, latest.question_count
            earned = latest.strength
            target.strength = (
                practice_strength(earned, target.strength) if latest.is_practice else earned
            )
        target.review_due_at = earliest_due(into.pk, target.lesson_id)  # cards merged too
        masters = [d for d in (target.pattern_master_at, mine.pattern_master_at) if d is not None]
        target.pattern_master_at = min(masters, default=None)
        target.last_activity = newer.last_activity
        mine.delete()
        target.save()


def _merge_cards(guest: Learner, into: Learner) -> None:
    theirs = {(c.section_id, c.question_id): c for c in ReviewCard.objects.filter(learner=into)}
    for mine in ReviewCard.objects.filter(learner=guest):
        twin = theirs.get((mine.section_id, mine.question_id))
        if twin is not None:
            if (mine.reps, mine.last_review or mine.created_at) <= (
                twin.reps,
                twin.last_review or twin.created_at,
            ):
                mine.delete()
                continue
            twin.delete()
        mine.learner = into
        mine.save(update_fields=["learner"])

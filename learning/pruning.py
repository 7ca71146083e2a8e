"""Delete what nobody can come back to: guests idle for days, with every row they own.

A guest is idle when neither it nor anything it owns (tests, answers, challenge runs,
progress, review cards) has changed since the cut-off. Its rows go with it through the
foreign keys' CASCADE; questions and lessons are untouched.
"""

from collections import Counter
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Learner
from progress.models import LessonProgress, ReviewCard
from quizzes.models import ChallengeRun, Response, TestAttempt

BATCH = 500


def idle_guests(cutoff: datetime) -> QuerySet[Learner]:
    def active(queryset: QuerySet, learner_field: str, *fields: str) -> Exists:
        recent = Q()
        for field in fields:
            recent |= Q(**{f"{field}__gte": cutoff})
        return Exists(queryset.filter(recent, **{learner_field: OuterRef("pk")}))

    return Learner.objects.filter(user=None, created_at__lt=cutoff).exclude(
        active(TestAttempt.objects, "learner", "started_at", "finished_at")
        | active(Response.objects, "slot__attempt__learner", "answered_at")
        | active(ChallengeRun.objects, "learner", "started_at", "finished_at")
        | active(LessonProgress.objects, "learner", "last_activity")
        | active(ReviewCard.objects, "learner", "created_at", "last_review")
    )


def delete_idle_guests(cutoff: datetime, *, dry_run: bool = False) -> Counter:
    """Delete idle guests in batches; the rows deleted by model label (with `dry_run`,
    what would be deleted: the same deletes, rolled back)."""
    deleted: Counter = Counter()
    with transaction.atomic():
        ids = list(idle_guests(cutoff).values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            _, by_model = Learner.objects.filter(pk__in=ids[start : start + BATCH]).delete()
            deleted.update(by_model)
        if dry_run:
            transaction.set_rollback(True)
    return deleted

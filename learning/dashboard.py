"""Everything /me/ shows, in a fixed number of queries."""

from dataclasses import dataclass

from django.utils import timezone

from courses.models import Lesson
from progress.chart import score_chart
from progress.models import ReviewCard
from progress.selectors import next_due_card
from quizzes.models import TestAttempt

from .status import LessonStatus, statuses_by_lesson


@dataclass
class LessonRow:
    lesson: object
    status: LessonStatus


@dataclass
class Dashboard:
    rows: list[LessonRow]
    chart: object
    results: list
    due_count: int
    next_due: ReviewCard | None
    resume: TestAttempt | None
    recent: LessonRow | None


CHART_RESULTS = 30


def dashboard(learner_id: int | None) -> Dashboard:
    """Everything /me/ shows: at most six queries, whatever the number of lessons,
    attempts or cards."""
    now = timezone.now()
    statuses = statuses_by_lesson(learner_id)
    # A lesson taken back to draft leaves the dashboard; its history stays in the database.
    lessons = (
        Lesson.objects.published()
        .select_related("track")
        .only("slug", "title", "level", "track__title", "track__order", "order")
    )
    rows = [LessonRow(lesson, statuses.get(lesson.pk) or LessonStatus()) for lesson in lessons]
    results, due_count, next_due, resume = [], 0, None, None
    if learner_id is not None:
        finished = (
            TestAttempt.objects.filter(learner_id=learner_id, status=TestAttempt.Status.FINISHED)
            .filter(lesson__status=Lesson.Status.PUBLISHED)
            .select_related("lesson")
            .only("score", "question_count", "finished_at", "lesson__title")
            .order_by("-finished_at")[:CHART_RESULTS]
        )
        results = list(reversed(finished))
        due_count = (
            ReviewCard.objects.filter(learner_id=learner_id, due__lte=now)
            .filter(lesson__status=Lesson.Status.PUBLISHED)
            .count()
        )
        next_due = None if due_count else next_due_card(learner_id, now)
        resume = (
            TestAttempt.objects.filter(learner_id=learner_id, status=TestAttempt.Status.IN_PROGRESS)
            .filter(lesson__status=Lesson.Status.PUBLISHED)
            .select_related("lesson")
            .order_by("-started_at")
            .first()
        )
    chart = score_chart(
        [(a.score, a.question_count, f"{a.lesson.title}, {a.finished_at:%d %b}") for a in results]
    )
    touched = [row for row in rows if row.status.progress]
    recent = max(touched, key=lambda row: row.status.progress.last_activity, default=None)
    return Dashboard(rows, chart, results, due_count, next_due, resume, recent)

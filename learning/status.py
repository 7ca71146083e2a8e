"""What a lesson's pages show of the learner around their content: strength, the open and
latest test, modes visited, and the mode chooser. It combines progress (the summary row)
with quizzes (the attempts), which is why it lives in this top layer."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from core.statements import Statement
from courses.models import Lesson
from courses.rendering import mode_chooser_html
from progress.models import LessonProgress
from progress.strength import LABELS, NOT_STARTED, RULE, current_strength
from quizzes.models import TestAttempt


@dataclass
class LessonStatus:
    """What a lesson page shows of the learner: strength, test state, modes visited."""

    strength: str = NOT_STARTED
    progress: LessonProgress | None = None
    open_attempt_id: int | None = None
    open_position: int = 0
    open_count: int = 0
    latest_attempt_id: int | None = None
    visited: frozenset[str] = field(default_factory=frozenset)
    rule: str = RULE

    @property
    def strength_label(self) -> str:
        return LABELS[self.strength]

    @property
    def latest_score(self):
        return self.progress.latest_score if self.progress else None

    @property
    def latest_total(self):
        return self.progress.latest_total if self.progress else None

    @property
    def open_number(self) -> int:
        return self.open_position + 1


def _attempts(status: str, order: str = "-started_at"):
    return TestAttempt.objects.filter(
        learner=OuterRef("learner"), lesson=OuterRef("lesson"), status=status
    ).order_by(order)


def status_of(progress: LessonProgress | None, now: datetime) -> LessonStatus:
    if progress is None:
        return LessonStatus()
    return LessonStatus(
        strength=current_strength(progress.strength, progress.review_due_at, now),
        progress=progress,
        open_attempt_id=getattr(progress, "open_attempt_id", None),
        open_position=getattr(progress, "open_position", None) or 0,
        open_count=getattr(progress, "open_count", None) or 0,
        latest_attempt_id=getattr(progress, "latest_attempt_id", None),
        visited=progress.visited,
    )


def _status_queryset(learner: int, lesson: int):
    in_progress = _attempts(TestAttempt.Status.IN_PROGRESS)
    return (
        LessonProgress.objects.filter(learner_id=learner, lesson_id=lesson)
        .annotate(
            open_attempt_id=Subquery(in_progress.values("pk")[:1]),
            open_position=Subquery(in_progress.values("position")[:1]),
            open_count=Subquery(in_progress.values("question_count")[:1]),
            latest_attempt_id=Subquery(
                _attempts(TestAttempt.Status.FINISHED, "-finished_at").values("pk")[:1]
            ),
        )
        .order_by("pk")[:1]
    )


# Compiled once per process: building the four subqueries cost more than running them.
_status = Statement(_status_queryset)
_progress_rows = Statement(lambda learner: LessonProgress.objects.filter(learner_id=learner))


def lesson_status(learner_id: int | None, lesson: Lesson) -> LessonStatus:
    """The learner's status on one lesson, with their open and latest attempts: one query."""
    if learner_id is None:
        return LessonStatus()
    progress = next(iter(_status.rows(learner=learner_id, lesson=lesson.pk)), None)
    return status_of(progress, timezone.now())


def statuses_by_lesson(learner_id: int | None) -> dict[int, LessonStatus]:
    """Every lesson's status for the learner, keyed by lesson id: one query."""
    if learner_id is None:
        return {}
    now = timezone.now()
    return {
        progress.lesson_id: status_of(progress, now)
        for progress in _progress_rows.rows(learner=learner_id)
    }


def mode_page_context(learner_id: int | None, lesson: Lesson, mode: str,
                      status: LessonStatus | None = None) -> dict:  # fmt: skip
    """What every mode page shows around its content: the lesson, the learner's status on
    it and the mode chooser. One query for the status, none when the caller has it."""
    if status is None:
        status = lesson_status(learner_id, lesson)
    return {
        "lesson": lesson,
        "status": status,
        "current_mode": mode,
        "mode_chooser": mode_chooser_html(lesson, mode, status.visited),
    }

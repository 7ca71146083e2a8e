"""Reads of a learner's progress that pages share, each one query however much history."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import OuterRef, Subquery
from django.http import HttpRequest
from django.utils import timezone

from accounts.learners import current_learner_id
from courses.models import Section
from quizzes.models import TestAttempt

from .models import LessonProgress, ReviewCard
from .strength import LABELS, NOT_STARTED, RULE, current_strength

FLASHCARD_KINDS = (Section.Kind.FACT, Section.Kind.CONFUSION)


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


def lesson_status(request: HttpRequest, lesson) -> LessonStatus:
    """The learner's status on one lesson, with their open and latest attempts: one query."""
    learner_id = current_learner_id(request)
    if learner_id is None:
        return LessonStatus()
    in_progress = _attempts(TestAttempt.Status.IN_PROGRESS)
    progress = (
        LessonProgress.objects.filter(learner_id=learner_id, lesson=lesson)
        .annotate(
            open_attempt_id=Subquery(in_progress.values("pk")[:1]),
            open_position=Subquery(in_progress.values("position")[:1]),
            open_count=Subquery(in_progress.values("question_count")[:1]),
            latest_attempt_id=Subquery(
                _attempts(TestAttempt.Status.FINISHED, "-finished_at").values("pk")[:1]
            ),
        )
        .first()
    )
    return status_of(progress, timezone.now())


def statuses_by_lesson(request: HttpRequest) -> dict[int, LessonStatus]:
    """Every lesson's status for the learner, keyed by lesson id: one query."""
    learner_id = current_learner_id(request)
    if learner_id is None:
        return {}
    now = timezone.now()
    return {
        progress.lesson_id: status_of(progress, now)
        for progress in LessonProgress.objects.filter(learner_id=learner_id)
    }


# --- Flashcards and spaced review ------------------------------------------------------
@dataclass
class Flashcard:
    """A card to study: a key fact or confusion (section), or a missed test question."""

    section: object | None = None  # courses.Section
    card: ReviewCard | None = None  # None until the learner first rates it

    @property
    def key(self) -> str:
        return self.section.key if self.section else str(self.card.pk)

    @property
    def question(self):
        return self.card.question if self.card else None

    def is_due(self, now: datetime) -> bool:
        return self.card is None or self.card.due <= now


def lesson_deck(learner_id: int | None, lesson) -> list[Flashcard]:
    """A lesson's key facts and confusions with the learner's cards: two queries."""
    sections = Section.objects.filter(lesson=lesson, kind__in=FLASHCARD_KINDS).order_by(
        "-kind", "order"
    )  # facts first, then confusions
    cards = {}
    if learner_id is not None:
        cards = {
            card.section_id: card
            for card in ReviewCard.objects.filter(
                learner_id=learner_id, lesson=lesson, section__isnull=False
            )
        }
    return [Flashcard(section=section, card=cards.get(section.pk)) for section in sections]


def next_in_deck(deck: list[Flashcard], now: datetime) -> Flashcard | None:
    """Due cards first (the most overdue first), then cards never seen, in order."""
    due = sorted((f for f in deck if f.card and f.card.due <= now), key=lambda f: f.card.due)
    new = [f for f in deck if f.card is None]
    return (due + new or [None])[0]


def due_review(learner_id: int | None, now: datetime, limit: int = 100) -> list[Flashcard]:
    """Every lesson's due cards, interleaved across lessons: two queries."""
    if learner_id is None:
        return []
    cards = (
        ReviewCard.objects.filter(learner_id=learner_id, due__lte=now)
        .select_related("lesson", "section", "question")
        .prefetch_related("question__options")
        .order_by("due", "id")[:limit]
    )
    return [Flashcard(section=card.section, card=card) for card in interleave(cards)]


def interleave(cards) -> list[ReviewCard]:
    """Round-robin across lessons, each lesson's cards in due order: mixing lessons helps
    learners tell patterns apart."""
    queues: dict[int, list[ReviewCard]] = {}
    for card in cards:
        queues.setdefault(card.lesson_id, []).append(card)
    mixed = []
    while queues:
        for lesson_id in list(queues):
            mixed.append(queues[lesson_id].pop(0))
            if not queues[lesson_id]:
                del queues[lesson_id]
    return mixed


def next_due_card(learner_id: int | None, now: datetime) -> ReviewCard | None:
    if learner_id is None:
        return None
    return (
        ReviewCard.objects.filter(learner_id=learner_id, due__gt=now)
        .select_related("lesson")
        .order_by("due")
        .first()
    )


# --- Dashboard -------------------------------------------------------------------------
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


def dashboard(request: HttpRequest) -> Dashboard:
    """Everything /me/ shows: at most six queries, whatever the number of lessons,
    attempts or cards."""
    from courses.models import Lesson

    from .chart import score_chart

    now = timezone.now()
    learner_id = current_learner_id(request)
    statuses = statuses_by_lesson(request)
    lessons = Lesson.objects.select_related("track").only(
        "slug", "title", "level", "track__title", "track__order", "order"
    )
    rows = [LessonRow(lesson, statuses.get(lesson.pk) or LessonStatus()) for lesson in lessons]
    results, due_count, next_due, resume = [], 0, None, None
    if learner_id is not None:
        finished = (
            TestAttempt.objects.filter(learner_id=learner_id, status=TestAttempt.Status.FINISHED)
            .select_related("lesson")
            .only("score", "question_count", "finished_at", "lesson__title")
            .order_by("-finished_at")[:CHART_RESULTS]
        )
        results = list(reversed(finished))
        due_count = ReviewCard.objects.filter(learner_id=learner_id, due__lte=now).count()
        next_due = None if due_count else next_due_card(learner_id, now)
        resume = (
            TestAttempt.objects.filter(learner_id=learner_id, status=TestAttempt.Status.IN_PROGRESS)
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

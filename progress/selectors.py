"""Reads of a learner's progress that pages share, each one query however much history."""

from dataclasses import dataclass
from datetime import datetime

from courses.models import Lesson, Section

from .models import LessonProgress, ReviewCard

FLASHCARD_KINDS = (Section.Kind.FACT, Section.Kind.CONFUSION)


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
    """Every published lesson's due cards, interleaved across lessons: two queries."""
    if learner_id is None:
        return []
    cards = (
        ReviewCard.objects.filter(learner_id=learner_id, due__lte=now)
        .filter(lesson__status=Lesson.Status.PUBLISHED)
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
        .filter(lesson__status=Lesson.Status.PUBLISHED)
        .select_related("lesson")
        .order_by("due")
        .first()
    )


def progress_of(learner_id: int | None, lesson_id: int) -> LessonProgress | None:
    """The learner's progress row for a lesson, if they have one: one query (none for a
    visitor who is not a learner yet)."""
    if learner_id is None:
        return None
    return LessonProgress.objects.filter(learner_id=learner_id, lesson_id=lesson_id).first()

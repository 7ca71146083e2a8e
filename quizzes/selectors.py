"""Reads for the test pages. Every lookup is scoped to the learner: another learner's
attempt is simply not found (404), never "forbidden", so ids reveal nothing."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404, HttpRequest

from accounts.learners import current_learner_id

from .drawing import shuffled_options
from .models import AttemptQuestion, Option, TestAttempt
from .strength import LABELS, NOT_STARTED, RULE


@dataclass
class TestStatus:
    open_attempt: TestAttempt | None
    latest: TestAttempt | None  # the latest finished attempt
    strength: str

    @property
    def strength_label(self) -> str:
        return LABELS[self.strength]

    rule = RULE


def test_status(request: HttpRequest, lesson) -> TestStatus:
    """The learner's open attempt and latest result for a lesson: one query at most."""
    learner_id = current_learner_id(request)
    attempts = []
    if learner_id is not None:
        attempts = list(
            TestAttempt.objects.filter(learner_id=learner_id, lesson=lesson).exclude(
                status=TestAttempt.Status.ABANDONED
            )[:2]  # an open attempt is always the newest, so two rows hold both answers
        )
    open_attempt = next((a for a in attempts if a.is_open), None)
    latest = next((a for a in attempts if a.status == TestAttempt.Status.FINISHED), None)
    return TestStatus(open_attempt, latest, latest.strength if latest else NOT_STARTED)


def attempt_for(request: HttpRequest, attempt_id: int) -> TestAttempt:
    """The learner's own attempt with its lesson, or 404."""
    learner_id = current_learner_id(request)
    if learner_id is None:
        raise Http404("No such test.")
    try:
        return TestAttempt.objects.select_related("lesson").get(
            pk=attempt_id, learner_id=learner_id
        )
    except TestAttempt.DoesNotExist:
        raise Http404("No such test.") from None


def _options_prefetch():
    return Prefetch("question__options", queryset=Option.objects.select_related("confusion"))


def slot_at(attempt: TestAttempt, position: int) -> AttemptQuestion:
    """The drawn question at a position with its options in this attempt's order: 2 queries."""
    try:
        slot = (
            AttemptQuestion.objects.select_related("question", "response")
            .prefetch_related(_options_prefetch())
            .get(attempt=attempt, position=position)
        )
    except AttemptQuestion.DoesNotExist:
        raise Http404("No such question in this test.") from None
    slot.options = shuffled_options(slot.question.options.all(), attempt.seed, slot.question_id)
    return slot


def slots_with_responses(attempt: TestAttempt) -> list[AttemptQuestion]:
    """Every drawn question with its options and response, for the result page."""
    slots = list(
        AttemptQuestion.objects.filter(attempt=attempt)
        .select_related("question", "response")
        .prefetch_related(_options_prefetch())
    )
    for slot in slots:
        slot.options = shuffled_options(slot.question.options.all(), attempt.seed, slot.question_id)
        with_review(slot)
    return slots


def with_review(slot: AttemptQuestion) -> AttemptQuestion:
    """Mark what the learner chose and the confusions their wrong choices reflect."""
    selected = set(slot.response.selected_options)
    slot.chosen = [option for option in slot.options if option.pk in selected]
    slot.confusions = [o.confusion for o in slot.chosen if o.confusion_id and not o.is_correct]
    return slot

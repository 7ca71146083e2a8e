"""Reads for the test pages. Every lookup is scoped to the learner: another learner's
attempt is simply not found (404), never "forbidden", so ids reveal nothing."""

from django.db.models import Prefetch
from django.http import Http404, HttpRequest

from accounts.learners import current_learner_id

from .drawing import shuffled_options
from .models import AttemptQuestion, Option, TestAttempt


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


def _with_options(slot: AttemptQuestion, seed: int) -> AttemptQuestion:
    """Attach the slot question's options in this attempt's shuffled order."""
    slot.options = shuffled_options(slot.question.options.all(), seed, slot.question_id)
    return slot


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
    return _with_options(slot, attempt.seed)


def owned_slot(request: HttpRequest, attempt_id: int, position: int) -> AttemptQuestion:
    """The learner's drawn question with its attempt, lesson and options, or 404: the owner
    check rides on the same query (2 queries in all)."""
    learner_id = current_learner_id(request)
    try:
        slot = (
            AttemptQuestion.objects.select_related("attempt__lesson", "question", "response")
            .prefetch_related(_options_prefetch())
            .get(attempt_id=attempt_id, attempt__learner_id=learner_id, position=position)
        )
    except AttemptQuestion.DoesNotExist:
        raise Http404("No such question in this test.") from None
    slot.options = shuffled_options(
        slot.question.options.all(), slot.attempt.seed, slot.question_id
    )
    return slot


def slots_with_responses(attempt: TestAttempt) -> list[AttemptQuestion]:
    """Every drawn question with its options and response, for the result page."""
    slots = list(
        AttemptQuestion.objects.filter(attempt=attempt)
        .select_related("question", "response")
        .prefetch_related(_options_prefetch())
    )
    for slot in slots:
        with_review(_with_options(slot, attempt.seed))
    return slots


def with_review(slot: AttemptQuestion) -> AttemptQuestion:
    """Mark what the learner chose and the confusions their wrong choices reflect."""
    selected = set(slot.response.selected_options)
    slot.chosen = [option for option in slot.options if option.pk in selected]
    slot.confusions = [o.confusion for o in slot.chosen if o.confusion_id and not o.is_correct]
    return slot

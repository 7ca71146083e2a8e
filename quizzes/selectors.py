"""Reads for the test and challenge pages. Every lookup is scoped to the learner: another
learner's attempt or run is simply not found (404), never "forbidden", so ids reveal
nothing."""

from django.db.models import Prefetch
from django.http import Http404

from core.statements import Statement
from courses.models import Lesson, Option
from courses.rendering import lesson_by_id

from .drawing import shuffled_options
from .models import AttemptQuestion, ChallengeProblem, ChallengeRun, Response, TestAttempt

# Every test page reads its attempt: compiled once per process (core.statements).
_attempt = Statement(
    lambda attempt, learner: TestAttempt.objects.filter(pk=attempt, learner_id=learner)
)


def attempt_for(learner_id: int | None, attempt_id: int) -> TestAttempt:
    """The learner's own attempt with its lesson (from the content cache), or 404."""
    found = _attempt.rows(attempt=attempt_id, learner=learner_id) if learner_id else None
    if not found:
        raise Http404("No such test.")
    attempt = found[0]
    attempt.lesson = lesson_by_id(attempt.lesson_id)
    return attempt


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


def slots_with_responses(attempt: TestAttempt) -> list[AttemptQuestion]:
    """Every drawn question with its options and response, for the result page."""
    slots = list(
        AttemptQuestion.objects.filter(attempt=attempt)
        .select_related("question", "response")
        .prefetch_related(_options_prefetch())
    )
    for slot in slots:
        _with_options(slot, attempt.seed)
    return slots


# --- Challenge runs ----------------------------------------------------------------------


def _problems_with_options(queryset) -> list[ChallengeProblem]:
    return list(
        queryset.select_related("question").prefetch_related(
            Prefetch("question__options", queryset=Option.objects.select_related("confusion"))
        )
    )


def latest_challenge_run(learner_id: int | None, lesson) -> ChallengeRun | None:
    """The learner's open challenge run on the lesson, else their latest finished one, with
    its problems (`run.problem_list`), questions and options: three queries. None for a
    visitor who has none (abandoned runs are never shown again)."""
    if learner_id is None:
        return None
    run = (
        ChallengeRun.objects.filter(learner_id=learner_id, lesson=lesson)
        .exclude(status=ChallengeRun.Status.ABANDONED)
        .order_by("-started_at", "-id")
        .first()
    )
    if run is not None:
        run.lesson = lesson
        run.problem_list = _problems_with_options(run.problems.all())
        for problem in run.problem_list:
            problem.run = run
    return run


def locked_challenge_run(learner_id: int | None, lesson_slug: str, run_id: int, *,
                         drafts: bool = False) -> ChallengeRun:  # fmt: skip
    """The learner's run of the lesson, with its lesson and problems (`run.problem_list`,
    with questions and options), the run row locked for update: two queries. Call it
    inside `transaction.atomic`. Another learner's run, another lesson's, a draft lesson's
    (unless `drafts`: staff previewing), or none: 404.

    Only the run row is locked. Every write to a problem locks its run first, so the run
    lock guards its problems too, and there is one lock order: no deadlocks.
    """
    problems = _problems_with_options(
        ChallengeProblem.objects.select_related("run__lesson__track", "run__learner")
        .select_for_update(of=("run",))
        .filter(run_id=run_id, run__learner_id=learner_id, run__lesson__slug=lesson_slug)
        .filter(run__lesson__in=Lesson.objects.visible(drafts=drafts))
        .order_by("position")
    )
    if not problems:
        raise Http404("No such challenge run.")
    run = problems[0].run
    run.problem_list = problems
    for problem in problems:
        problem.run = run
    return run


def seen_before(attempt: TestAttempt, learner_id: int) -> int:
    """How many of `attempt`'s questions `learner_id` had already answered, in another
    attempt, before this one started: one query. (Merging a guest into an account asks it
    of the guest's tests: seen as the account, a test is practice.)"""
    drawn = AttemptQuestion.objects.filter(attempt=attempt).values("question_id")
    return (
        Response.objects.filter(
            slot__attempt__learner_id=learner_id, slot__question_id__in=drawn,
            answered_at__lt=attempt.started_at,
        )
        .exclude(slot__attempt=attempt)
        .values("slot__question_id")
        .distinct()
        .count()
    )  # fmt: skip

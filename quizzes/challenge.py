"""The timed challenge: a run through a lesson's hard problems, each on its own clock.

The rules, judged on the server's clock only:
- A problem's clock starts when the learner starts it (a POST), never when a page is shown;
  until then its prompt is not on the page.
- It must be answered by its deadline: `seconds` after the start (DEFAULT_SECONDS when the
  author set none), doubled with extended time (WCAG 2.2.1). GRACE absorbs network
  latency; an answer arriving later is refused as "time's up" and the problem is failed.
- Two attempts per problem, and a hint on request (recorded).
- A clean run — every problem solved at the first attempt, in time, without the hint —
  earns the lesson's Pattern Master badge. Extended time never costs it. Only a run whose
  problems the learner never started before can be clean: a restart after a wrong answer
  (which shows that option is wrong) or a hint is practice.

Each action runs in one transaction with the run row locked (select_for_update). A
problem's actions (start, answer, hint, give up) also check the `step` their form was
drawn at, so a replayed, stale, out-of-order or double submit changes nothing and says why;
extended time and restart need no step (asking twice changes nothing). Every function takes
`now` (default: the server's clock), so tests need not sleep.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import Learner
from courses.models import Lesson, Question
from progress.services import award_pattern_master, record_mode_visit

from .forms import AnswerForm
from .grading import grade
from .models import ChallengeProblem, ChallengeRun
from .selectors import locked_challenge_run

GRACE = timedelta(seconds=10)
DEFAULT_SECONDS = 120
MAX_PROBLEMS = 5  # a run asks the lesson's first five challenge questions at most

OPEN = ChallengeRun.Status.IN_PROGRESS


class ChallengeUnavailable(Exception):
    """The lesson has no challenge problems."""


@dataclass
class Outcome:
    """What a challenge action did. `status`: "ok"; "conflict" (nothing changed, `message`
    says why); "invalid" (the answer was refused before anything was written; `form` has
    the errors). `event` names what happened: started, right, wrong, missed, timed_out,
    gave_up, hint, extended, restarted."""

    status: str
    run: ChallengeRun
    event: str = ""
    number: int | None = None
    message: str = ""
    form: AnswerForm | None = None
    badge: bool = False


def problem_limits(lesson: Lesson) -> list[int]:
    """The time limits, in seconds, of the problems a new run would ask (one query)."""
    seconds = Question.objects.challenge().filter(lesson=lesson).order_by("order", "id")
    return [s or DEFAULT_SECONDS for s in seconds.values_list("seconds", flat=True)[:MAX_PROBLEMS]]


def start_run(
    *, learner: Learner, lesson: Lesson, extended: bool = False, now: datetime | None = None
) -> ChallengeRun:
    """Start a run of the lesson's challenge, or return the learner's open one.

    There is no run to lock yet: the partial unique constraint (one open run per learner and
    lesson) decides. A start while a run is open, or parallel starts, lose the insert and
    return the open run.
    """
    now = now or timezone.now()
    # A problem once started, in any run, is known: its prompt was shown with time to
    # think after a restart, and a wrong answer, a hint or a solution may have followed.
    # A clean run, and so the badge, needs problems the learner meets for the first time,
    # so restarting after a wrong answer cannot farm the badge.
    shown_before = ChallengeProblem.objects.filter(
        run__learner=learner, question=OuterRef("pk"), started_at__isnull=False
    )
    questions = Question.objects.challenge().filter(lesson=lesson).order_by("order", "id")
    drawn = list(
        questions.annotate(seen=Exists(shown_before)).values_list("id", "seconds", "seen")[
            :MAX_PROBLEMS
        ]
    )
    if not drawn:
        raise ChallengeUnavailable(f"“{lesson.title}” has no challenge problems yet.")
    seen = any(seen for _, _, seen in drawn)

    def create_run() -> ChallengeRun:
        run = ChallengeRun.objects.create(
            learner=learner,
            lesson=lesson,
            extended=extended,
            problem_count=len(drawn),
            started_at=now,
            clean=not seen,
        )
        ChallengeProblem.objects.bulk_create(
            ChallengeProblem(run=run, question_id=question_id, position=position,
                             seconds=seconds or DEFAULT_SECONDS)
            for position, (question_id, seconds, _) in enumerate(drawn)
        )  # fmt: skip
        return run

    run, _ = ChallengeRun.start_or_open(create_run, learner=learner, lesson=lesson)
    return run


def _run_action(action):
    """The frame of an action on the whole run (restart, extended time), which makes the
    public function: it takes the learner, lesson and run, `drafts` and `now`; in one
    transaction it locks the run and refuses, changing nothing, a run no longer open.
    Otherwise the decorated `action(run, now=)` makes the change and says what it did."""

    @wraps(action)
    def act(
        *, learner_id: int | None, lesson_slug: str, run_id: int, drafts: bool = False,
        now: datetime | None = None,
    ) -> Outcome:  # fmt: skip
        now = now or timezone.now()
        with transaction.atomic():
            run = locked_challenge_run(learner_id, lesson_slug, run_id, drafts=drafts)
            if not run.is_open:
                return Outcome("conflict", run, message=_closed(run))
            return action(run, now=now)

    return act


@_run_action
def restart_run(run: ChallengeRun, *, now: datetime) -> Outcome:
    """Abandon the open run and start a new one (keeping its extended time)."""
    run.status = ChallengeRun.Status.ABANDONED
    run.finished_at = now
    run.step += 1
    run.save(update_fields=["status", "finished_at", "step"])
    new_run = start_run(learner=run.learner, lesson=run.lesson, extended=run.extended, now=now)
    return Outcome("ok", new_run, event="restarted")


def _problem_action(*, started: bool = True, answered: bool = False):
    """The frame of every action on one problem, which makes the public function.

    That function takes the learner, lesson and run, problem `number`, the `step` its form
    was drawn at, `drafts`, `now` and (`answered`) the submitted form's `data`. In one
    transaction it locks the run; an answer is validated against the problem's own options
    first (odd input: "invalid", nothing written); then it refuses, changing nothing, a
    problem that is not the run's current one, one whose clock is not started (with
    `started=False`: already started), or a stale form. Otherwise the decorated
    `action(run, problem, number=, now=, form=)` makes the change and says what it did.
    """

    def decorate(action):
        @wraps(action)
        def act(
            *, learner_id: int | None, lesson_slug: str, run_id: int, number: int, step: int,
            drafts: bool = False, data=None,
            now: datetime | None = None,
        ) -> Outcome:  # fmt: skip
            now = now or timezone.now()
            with transaction.atomic():
                run = locked_challenge_run(learner_id, lesson_slug, run_id, drafts=drafts)
                form = _answer_form(run, number, data) if answered else None
                if form is not None and not form.is_valid():
                    return Outcome("invalid", run, number=number, form=form)
                problem, message = _current(run, number, started=started)
                if message := message or _stale(run, step):
                    return Outcome("conflict", run, number=number, message=message)
                return action(run, problem, number=number, now=now, form=form)

        return act

    return decorate


@_problem_action(started=False)
def start_problem(run: ChallengeRun, problem: ChallengeProblem, *, number, now, form) -> Outcome:
    """Start problem `number`'s clock: its deadline is its limit from now."""
    problem.started_at = now
    problem.deadline = now + problem.limit(run.time_factor)
    _save(run, problem, ["started_at", "deadline"], done=False, now=now)
    if problem.position == 0:  # the learner has really tried the mode
        record_mode_visit(learner_id=run.learner_id, lesson_id=run.lesson_id, mode="challenge")
    return Outcome("ok", run, event="started", number=number)


@_problem_action(answered=True)
def answer_problem(run: ChallengeRun, problem: ChallengeProblem, *, number, now, form) -> Outcome:
    """Grade an answer to problem `number` (`data`: the submitted form).

    In time, it uses one of the two attempts; after the deadline and the grace period it is
    refused as time's up and the problem is failed.
    """
    if _too_late(problem, now):
        return _time_up(run, problem, number, now)
    options = problem.question.options.all()
    correct_ids = {option.pk for option in options if option.is_correct}
    problem.solved = grade(problem.question, correct_ids, form.selected, form.typed)
    problem.attempts += 1
    problem.selected_options, problem.typed_answer = sorted(form.selected), form.typed
    done = problem.solved or problem.attempts_left == 0
    fields = ["solved", "attempts", "selected_options", "typed_answer"]
    badge = _save(run, problem, fields, done=done, now=now)
    event = "right" if problem.solved else ("missed" if done else "wrong")
    return Outcome("ok", run, event=event, number=number, badge=badge)


@_problem_action()
def use_hint(run: ChallengeRun, problem: ChallengeProblem, *, number, now, form) -> Outcome:
    """Show problem `number`'s hint. Recorded: the run is no longer clean."""
    if _too_late(problem, now):
        return _time_up(run, problem, number, now)
    problem.hint_used = True
    _save(run, problem, ["hint_used"], done=False, now=now)
    return Outcome("ok", run, event="hint", number=number)


@_problem_action()
def give_up(run: ChallengeRun, problem: ChallengeProblem, *, number, now, form) -> Outcome:
    """Stop problem `number` and show its solution; it counts as failed (as time's up if
    the deadline has passed)."""
    problem.timed_out = _too_late(problem, now)
    badge = _save(run, problem, ["timed_out"], done=True, now=now)
    event = "timed_out" if problem.timed_out else "gave_up"
    return Outcome("ok", run, event=event, number=number, badge=badge)


@_run_action
def extend_time(run: ChallengeRun, *, now: datetime) -> Outcome:
    """Double every time limit of the run from now on, including the running problem's
    (unless its time has already run out). It takes no step and moves none: the page's
    other forms stay valid, and asking twice changes nothing."""
    if run.extended:
        return Outcome("conflict", run, message="Extended time is already on.")
    run.extended = True
    run.save(update_fields=["extended"])
    problem = run.problem_list[run.position]  # an open run has a current problem
    if problem.is_started and not _too_late(problem, now):
        problem.deadline = problem.started_at + problem.limit(run.time_factor)
        problem.save(update_fields=["deadline"])
    return Outcome("ok", run, event="extended")


def merge_runs(guest: Learner, into: Learner) -> None:
    """A guest signs up or logs in: their runs move to the account. Where both have an open
    run on the same lesson, the account's stays open and the guest's is abandoned."""
    busy = ChallengeRun.objects.filter(learner=into, status=OPEN).values("lesson_id")
    ChallengeRun.objects.filter(learner=guest, status=OPEN, lesson_id__in=busy).update(
        status=ChallengeRun.Status.ABANDONED, finished_at=timezone.now()
    )
    ChallengeRun.objects.filter(learner=guest).update(learner=into)


# --- Rules shared by the actions --------------------------------------------------------


def _too_late(problem: ChallengeProblem, now: datetime) -> bool:
    return now > problem.deadline + GRACE


def _closed(run: ChallengeRun) -> str:
    if run.status == ChallengeRun.Status.FINISHED:
        return "This run is finished, so nothing in it can change. Start a new run any time."
    return "This run was restarted, so nothing in it can change. Here is your current run."


def _current(
    run: ChallengeRun, number: int, *, started: bool
) -> tuple[ChallengeProblem | None, str]:
    """Problem `number` if it is the one the run is on, with its clock started (or, with
    `started=False`, not yet started), else None and why not."""
    if not run.is_open:
        return None, _closed(run)
    if not 1 <= number <= run.problem_count:
        return None, f"There is no problem {number} in this run."
    if number - 1 < run.position:
        return None, f"You already finished problem {number}; it was graded once."
    if number - 1 > run.position:
        return None, (f"Problem {number} isn’t open yet; finish problem {run.position + 1} first.")
    problem = run.problem_list[run.position]
    if started and not problem.is_started:
        return None, f"Start problem {number} first: its clock starts when you do."
    if not started and problem.is_started:
        return None, f"Problem {number} has already started; its clock is running."
    return problem, ""


def _answer_form(run: ChallengeRun, number: int, data) -> AnswerForm | None:
    """The answer bound to problem `number`'s own options; None for a number the run lacks."""
    if not 1 <= number <= run.problem_count:
        return None
    question = run.problem_list[number - 1].question
    return AnswerForm(data, question=question, options=question.options.all())


def _time_up(run: ChallengeRun, problem: ChallengeProblem, number: int, now: datetime) -> Outcome:
    """An answer or a hint asked for after the deadline and the grace: the problem fails."""
    problem.timed_out = True
    badge = _save(run, problem, ["timed_out"], done=True, now=now)
    return Outcome("ok", run, event="timed_out", number=number, badge=badge)


def _stale(run: ChallengeRun, step: int) -> str:
    if step == run.step:
        return ""
    return (
        "That form was out of date: it was sent twice, or from an older page. "
        "Nothing changed; here is where you are."
    )


def _spoils_clean_run(problem: ChallengeProblem, done: bool) -> bool:
    if problem.hint_used or problem.timed_out:
        return True
    if problem.attempts and not problem.is_clean:  # a wrong answer, or a second attempt
        return True
    return done and not problem.solved  # gave up


def _save(
    run: ChallengeRun, problem: ChallengeProblem, fields: list[str], *, done: bool,
    now: datetime,
) -> bool:  # fmt: skip
    """Save a change to the current problem and move the run's step on. A finished problem
    moves the run to the next one; after the last the run is finished, and a clean run
    earns Pattern Master. Returns True if this change earned the badge."""
    if _spoils_clean_run(problem, done):
        run.clean = False
    if done:
        problem.finished_at = now
        fields = [*fields, "finished_at"]
        run.position += 1
        if run.position == run.problem_count:
            run.status = ChallengeRun.Status.FINISHED
            run.finished_at = now
    problem.save(update_fields=fields)
    run.step += 1
    run.save(update_fields=["step", "position", "clean", "status", "finished_at"])
    if run.status == ChallengeRun.Status.FINISHED and run.clean:
        award_pattern_master(learner_id=run.learner_id, lesson_id=run.lesson_id)
        return True
    return False

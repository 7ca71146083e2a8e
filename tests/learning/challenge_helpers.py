"""Helpers shared by the challenge tests."""

from datetime import timedelta
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone

from quizzes.models import ChallengeProblem, ChallengeRun
from tests.quizzes.helpers import answer_data

HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(lesson) -> str:
    return reverse("learning:challenge", args=[lesson.slug])


def _start_run(client, lesson, extended=False) -> ChallengeRun:
    data = {"action": "start_run", **({"extended": "1"} if extended else {})}
    response = client.post(_url(lesson), data)
    assert response.status_code == 303, response.content.decode()[:500]
    learner_id = client.session["learner"]["id"]
    return ChallengeRun.objects.get(learner_id=learner_id, lesson=lesson, status="in_progress")


def _problem(run, number: int) -> ChallengeProblem:
    return run.problems.select_related("question").get(position=number - 1)


def _act(client, lesson, run, action, number=None, htmx=False, step=None, **fields):
    """Post one of the run's buttons, with the step the page would carry now."""
    data = {"action": action, "run": run.pk, **fields}
    if number is not None:
        if step is None:
            run.refresh_from_db()
            step = run.step
        data |= {"number": number, "step": step}
    return client.post(_url(lesson), data, **(HTMX if htmx else {}))


def _answer(problem, right=True) -> dict:
    return answer_data(SimpleNamespace(question=problem.question), right)


def _solve(client, lesson, run, number, right=True, htmx=False):
    """Start problem `number` and answer it."""
    assert _act(client, lesson, run, "start", number, htmx=htmx).status_code in (200, 303)
    problem = _problem(run, number)
    return _act(client, lesson, run, "answer", number, htmx=htmx, **_answer(problem, right))


def _expire(problem, seconds_ago: int) -> None:
    """Move a running problem's deadline into the past, as the clock would."""
    ChallengeProblem.objects.filter(pk=problem.pk).update(
        deadline=timezone.now() - timedelta(seconds=seconds_ago)
    )


def _run_state(run) -> tuple:
    run.refresh_from_db()
    problems = tuple(run.problems.values_list("started_at", "deadline", "attempts", "hint_used",
                                              "solved", "timed_out", "finished_at"))  # fmt: skip
    return (run.status, run.position, run.step, run.clean, run.extended, problems)


def _run_through(client, lesson, run, rights: str, htmx=False):
    for number, right in enumerate(rights, start=1):
        _solve(client, lesson, run, number, right=right == "1", htmx=htmx)
        if right == "0":  # the second attempt
            _act(client, lesson, run, "give_up", number, htmx=htmx)
    run.refresh_from_db()
    return run

"""Challenge mode through the server: a run of timed problems on the server's clock, two
attempts each, the hint, extended time, Pattern Master for a clean run only, and the same
integrity as the test (owners only, replays and stale forms change nothing, odd input is
refused). Time never sleeps here: services take `now=`, and pages see deadlines moved in
the database."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Learner
from courses.models import Option, Question
from learning.merging import merge_learners
from progress.models import LessonProgress
from quizzes import challenge
from quizzes.models import ChallengeProblem, ChallengeRun
from tests.factories import make_lesson, make_question

from .helpers import answer_data, in_parallel

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def lesson(course):
    return course["fixture-readiness"]


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


def _secrets_of(question) -> list[str]:
    secrets = [question.solution_html, question.mistakes_html, question.quick_check_html,
               question.hint_html]  # fmt: skip
    if question.is_typed:
        secrets.append(f">{question.expected_output.strip()}<")
    secrets += [option.explanation_html for option in question.options.all()]
    return [secret for secret in secrets if secret]


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


# --- Before the run ----------------------------------------------------------------------


def test_the_intro_states_the_rules_and_shows_no_problem(client, lesson):
    response = client.get(_url(lesson))
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 hard problems" in html and "3 min, 2 min 30 s, 2 min 30 s" in html
    assert "I need extended time" in html and "Pattern Master" in html
    assert 'href="/patterns/fixture-readiness/challenge/" aria-current="page"' in html
    assert lesson.title in html and f'href="{lesson.get_absolute_url()}"' in html
    assert "no-store" in response["Cache-Control"]
    for question in Question.objects.challenge().filter(lesson=lesson):
        assert question.prompt_html not in html
    assert not Learner.objects.exists() and not ChallengeRun.objects.exists()


def test_a_lesson_without_challenge_problems_says_so(client, db):
    lesson = make_lesson()
    assert "No challenge problems yet" in client.get(_url(lesson)).content.decode()
    response = client.post(_url(lesson), {"action": "start_run"})
    assert response.status_code == 409
    assert "has no challenge problems yet" in response.content.decode()
    assert not ChallengeRun.objects.exists()


def test_starting_a_run_draws_the_problems_but_starts_no_clock(client, lesson):
    run = _start_run(client, lesson)
    questions = list(Question.objects.challenge().filter(lesson=lesson).order_by("order", "id"))
    problems = list(run.problems.order_by("position"))
    assert [p.question_id for p in problems] == [q.pk for q in questions]
    assert [p.seconds for p in problems] == [q.seconds or 120 for q in questions]
    assert all(p.started_at is None for p in problems)
    html = client.get(_url(lesson)).content.decode()
    assert "Start problem 1" in html and "You will have <strong>3 min</strong>" in html
    assert questions[0].prompt_html not in html  # hidden until its clock starts
    client.get(_url(lesson))  # reading never starts a clock
    assert not run.problems.filter(started_at__isnull=False).exists()


def test_a_second_start_returns_the_open_run(client, lesson):
    run = _start_run(client, lesson)
    assert _start_run(client, lesson).pk == run.pk
    assert ChallengeRun.objects.count() == 1


def test_a_problem_without_seconds_gets_two_minutes(client, db):
    lesson = make_lesson()
    make_question(lesson, use="challenge", difficulty="hard", seconds=None)
    run = _start_run(client, lesson)
    assert _problem(run, 1).seconds == 120


# --- The clock ---------------------------------------------------------------------------


def test_starting_a_problem_starts_its_clock_on_the_server(client, lesson):
    run = _start_run(client, lesson)
    before = timezone.now()
    response = _act(client, lesson, run, "start", 1, htmx=True)
    html = response.content.decode()
    problem = _problem(run, 1)
    assert before <= problem.started_at <= timezone.now()
    assert problem.deadline == problem.started_at + timedelta(seconds=180)
    assert problem.question.prompt_html in html
    assert (
        f'Answer by <time datetime="{problem.deadline.isoformat(timespec="milliseconds")}">' in html
    )
    assert problem.deadline.strftime("%H:%M:%S") in html
    assert 'data-deadline="' in html and 'role="timer"' in html
    assert html.lstrip().startswith('<section class="card test-card challenge-card"')


def test_a_running_problem_leaks_nothing(client, lesson):
    run = _start_run(client, lesson)
    for number in (1, 2, 3):
        _act(client, lesson, run, "start", number)
        problem = _problem(run, number)
        for headers in ({}, HTMX):
            response = client.get(_url(lesson), **headers)
            html = response.content.decode()
            assert problem.question.prompt_html in html
            for secret in _secrets_of(problem.question):
                assert secret not in html + str(response.headers), (number, secret)
            card = html.split('id="challenge-card"', 1)[1]
            for marker in ("Correct answer", "review-option--right", "Step by step",
                           "Common mistakes", "Quick check", "is_correct"):  # fmt: skip
                assert marker not in card, marker
            assert not re.search(r"data-[a-z-]*(answer|right|solution|correct)", html)
        _act(client, lesson, run, "give_up", number)


def test_an_answer_after_the_deadline_and_the_grace_is_refused_as_times_up(client, lesson):
    run = _start_run(client, lesson)
    _act(client, lesson, run, "start", 1)
    problem = _problem(run, 1)
    _expire(problem, seconds_ago=11)
    response = _act(client, lesson, run, "answer", 1, htmx=True, **_answer(problem))
    html = response.content.decode()
    problem.refresh_from_db()
    assert response.status_code == 200
    assert problem.timed_out and not problem.solved and problem.attempts == 0
    assert problem.finished_at is not None
    assert "Time’s up" in html and problem.question.solution_html in html
    run.refresh_from_db()
    assert run.position == 1 and not run.clean


def test_an_answer_within_the_grace_period_still_counts(client, lesson):
    run = _start_run(client, lesson)
    _act(client, lesson, run, "start", 1)
    problem = _problem(run, 1)
    _expire(problem, seconds_ago=5)  # late by the clock, within 10 s of network latency
    _act(client, lesson, run, "answer", 1, **_answer(problem))
    problem.refresh_from_db()
    assert problem.solved and not problem.timed_out


def test_the_services_judge_time_on_the_clock_they_are_given(lesson):
    learner = Learner.objects.create()
    run = challenge.start_run(learner=learner, lesson=lesson)
    t0 = timezone.now()
    where = {"learner_id": learner.pk, "lesson_slug": lesson.slug, "run_id": run.pk}
    for number, step, late_by, event in ((1, 0, 1, "timed_out"), (2, 2, 0, "right")):
        challenge.start_problem(**where, number=number, step=step, now=t0)
        problem = _problem(run, number)
        arrives = t0 + timedelta(seconds=problem.seconds + late_by) + challenge.GRACE
        outcome = challenge.answer_problem(
            **where, number=number, step=step + 1, data=_qd(_answer(problem)), now=arrives
        )
        assert outcome.event == event, number


def test_the_answer_that_completes_a_clean_run_earns_the_badge(lesson):
    learner = Learner.objects.create()
    run = challenge.start_run(learner=learner, lesson=lesson, extended=True)
    where = {"learner_id": learner.pk, "lesson_slug": lesson.slug, "run_id": run.pk}
    step, t0 = 0, timezone.now()
    for number in range(1, run.problem_count + 1):
        challenge.start_problem(**where, number=number, step=step, now=t0)
        problem = _problem(run, number)
        # Past the plain limit, within the doubled one: extended time is honoured.
        arrives = t0 + timedelta(seconds=problem.seconds) + challenge.GRACE * 2
        outcome = challenge.answer_problem(
            **where, number=number, step=step + 1, data=_qd(_answer(problem)), now=arrives
        )
        step += 2
        assert outcome.event == "right"
        assert outcome.badge == (number == run.problem_count)
    assert LessonProgress.objects.get(learner=learner, lesson=lesson).pattern_master_at


def _qd(data: dict):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [str(value)])
    return query


def test_a_page_seen_after_time_ran_out_offers_only_the_solution(client, lesson):
    run = _start_run(client, lesson)
    _act(client, lesson, run, "start", 1)
    problem = _problem(run, 1)
    _expire(problem, seconds_ago=60)
    html = client.get(_url(lesson)).content.decode()
    assert "Time’s up" in html and "Submit answer" not in html
    assert problem.question.solution_html not in html  # GET changes nothing, shows nothing
    assert ChallengeProblem.objects.get(pk=problem.pk).finished_at is None
    response = _act(client, lesson, run, "give_up", 1, htmx=True)
    problem.refresh_from_db()
    assert problem.timed_out and problem.question.solution_html in response.content.decode()


# --- Attempts, hint, giving up ------------------------------------------------------------


def test_right_at_the_first_attempt_moves_to_the_next_problem(client, lesson):
    run = _start_run(client, lesson)
    response = _solve(client, lesson, run, 1, htmx=True)
    html = response.content.decode()
    problem = _problem(run, 1)
    assert problem.solved and problem.attempts == 1 and problem.is_clean
    assert "Solved at the first attempt" in html
    assert problem.question.solution_html in html and "Start problem 2" in html
    run.refresh_from_db()
    assert run.position == 1 and run.clean


def test_a_wrong_first_answer_leaves_one_attempt(client, lesson):
    run = _start_run(client, lesson)
    response = _solve(client, lesson, run, 1, right=False, htmx=True)
    html = response.content.decode()
    problem = _problem(run, 1)
    assert problem.attempts == 1 and problem.finished_at is None
    assert "Not quite. One attempt left." in html and "attempt 2 of 2" in html
    for secret in _secrets_of(problem.question):
        assert secret not in html
    _act(client, lesson, run, "answer", 1, **_answer(problem))
    problem.refresh_from_db()
    assert problem.solved and problem.attempts == 2 and not problem.is_clean
    run.refresh_from_db()
    assert not run.clean


def test_two_wrong_answers_fail_the_problem_and_a_third_is_refused(client, lesson):
    run = _start_run(client, lesson)
    _solve(client, lesson, run, 1, right=False)
    problem = _problem(run, 1)
    response = _act(client, lesson, run, "answer", 1, htmx=True, **_answer(problem, False))
    assert "Not solved in two attempts" in response.content.decode()
    assert problem.question.solution_html in response.content.decode()
    third = _act(client, lesson, run, "answer", 1, **_answer(problem))
    assert third.status_code == 409
    assert "You already finished problem 1" in third.content.decode()
    problem.refresh_from_db()
    assert problem.attempts == 2 and not problem.solved


def test_two_attempts_at_most_is_a_database_rule(client, lesson):
    run = _start_run(client, lesson)
    with pytest.raises(IntegrityError), transaction.atomic():
        run.problems.filter(position=0).update(attempts=3)


def test_the_hint_is_shown_on_request_and_spoils_the_clean_run(client, lesson):
    run = _start_run(client, lesson)
    _act(client, lesson, run, "start", 1)
    problem = _problem(run, 1)
    assert problem.question.hint_html not in client.get(_url(lesson)).content.decode()
    response = _act(client, lesson, run, "hint", 1, htmx=True)
    html = response.content.decode()
    assert problem.question.hint_html in html and "Show a hint" not in html
    problem.refresh_from_db()
    run.refresh_from_db()
    assert problem.hint_used and not run.clean
    assert problem.question.hint_html in client.get(_url(lesson)).content.decode()


def test_giving_up_shows_the_solution_and_fails_the_problem(client, lesson):
    run = _start_run(client, lesson)
    _act(client, lesson, run, "start", 1)
    response = _act(client, lesson, run, "give_up", 1, htmx=True)
    problem = _problem(run, 1)
    assert "Solution shown" in response.content.decode()
    assert problem.outcome == "gave_up" and problem.finished_at is not None
    run.refresh_from_db()
    assert not run.clean and run.position == 1


# --- Extended time (WCAG 2.2.1) -----------------------------------------------------------


def test_extended_time_chosen_before_the_run_doubles_every_limit(client, lesson):
    run = _start_run(client, lesson, extended=True)
    html = client.get(_url(lesson)).content.decode()
    assert "You will have <strong>6 min</strong> (extended time)" in html
    assert "Extended time is on: every time limit is doubled." in html
    _act(client, lesson, run, "start", 1)
    problem = _problem(run, 1)
    assert problem.deadline - problem.started_at == timedelta(seconds=2 * problem.seconds)


def test_extended_time_during_a_problem_extends_its_deadline(client, lesson):
    run = _start_run(client, lesson)
    _act(client, lesson, run, "start", 1)
    step = ChallengeRun.objects.get(pk=run.pk).step
    response = _act(client, lesson, run, "extend", htmx=True)
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="challenge-timing timer" id="challenge-timing"')
    assert "Extended time is on" in html and 'role="status"' in html
    problem = _problem(run, 1)
    assert problem.deadline - problem.started_at == timedelta(seconds=2 * problem.seconds)
    run.refresh_from_db()
    assert run.extended and run.step == step  # the answer form on the page stays valid
    _act(client, lesson, run, "answer", 1, step=step, **_answer(problem))
    assert _problem(run, 1).solved


def test_extended_time_cannot_bring_back_a_problem_whose_time_ran_out(client, lesson):
    run = _start_run(client, lesson)
    _act(client, lesson, run, "start", 1)
    problem = _problem(run, 1)
    _expire(problem, seconds_ago=30)
    deadline = ChallengeProblem.objects.get(pk=problem.pk).deadline
    _act(client, lesson, run, "extend")
    assert ChallengeProblem.objects.get(pk=problem.pk).deadline == deadline


# --- Pattern Master ----------------------------------------------------------------------


def _run_through(client, lesson, run, rights: str, htmx=False):
    for number, right in enumerate(rights, start=1):
        _solve(client, lesson, run, number, right=right == "1", htmx=htmx)
        if right == "0":  # the second attempt
            _act(client, lesson, run, "give_up", number, htmx=htmx)
    run.refresh_from_db()
    return run


def test_a_clean_run_earns_pattern_master(client, lesson):
    run = _run_through(client, lesson, _start_run(client, lesson), "111", htmx=True)
    assert run.status == "finished" and run.clean and run.finished_at
    progress = LessonProgress.objects.get(lesson=lesson)
    assert progress.pattern_master_at is not None and "challenge" in progress.modes_visited
    html = client.get(_url(lesson)).content.decode()
    assert "Run complete: 3 of 3 solved" in html
    assert '<p class="master-badge">' in html and "earned" in html
    assert "Every problem solved at the first attempt" in html


def test_extended_time_keeps_the_badge(client, lesson):
    run = _run_through(client, lesson, _start_run(client, lesson, extended=True), "111")
    assert run.clean
    assert LessonProgress.objects.get(lesson=lesson).pattern_master_at is not None


@pytest.mark.parametrize("spoiler", ["wrong_then_right", "hint", "timeout", "give_up"])
def test_a_run_that_is_not_clean_earns_no_badge(client, lesson, spoiler):
    run = _start_run(client, lesson)
    _act(client, lesson, run, "start", 1)
    problem = _problem(run, 1)
    if spoiler == "wrong_then_right":
        _act(client, lesson, run, "answer", 1, **_answer(problem, False))
        _act(client, lesson, run, "answer", 1, **_answer(problem))
    elif spoiler == "hint":
        _act(client, lesson, run, "hint", 1)
        _act(client, lesson, run, "answer", 1, **_answer(problem))
    elif spoiler == "timeout":
        _expire(problem, seconds_ago=11)
        _act(client, lesson, run, "answer", 1, **_answer(problem))
    else:
        _act(client, lesson, run, "give_up", 1)
    for number in (2, 3):
        _solve(client, lesson, run, number)
    run.refresh_from_db()
    assert run.status == "finished" and not run.clean
    assert LessonProgress.objects.get(lesson=lesson).pattern_master_at is None
    html = client.get(_url(lesson)).content.decode()
    assert "master-badge" not in html and "A clean run earns Pattern Master" in html


def test_a_new_run_after_a_finished_one_starts_fresh(client, lesson):
    first = _run_through(client, lesson, _start_run(client, lesson), "111")
    second = _start_run(client, lesson)
    assert second.pk != first.pk and second.position == 0
    assert "Start problem 1" in client.get(_url(lesson)).content.decode()


def test_restarting_abandons_the_run_and_starts_a_new_one(client, lesson):
    run = _start_run(client, lesson, extended=True)
    _solve(client, lesson, run, 1, right=False)
    response = _act(client, lesson, run, "restart")
    assert response.status_code == 303
    run.refresh_from_db()
    new = ChallengeRun.objects.get(status="in_progress")
    assert run.status == "abandoned" and new.pk != run.pk and new.extended
    replay = _act(client, lesson, run, "restart")
    assert replay.status_code == 409 and "was restarted" in replay.content.decode()
    assert ChallengeRun.objects.filter(status="in_progress").count() == 1


def test_one_open_run_per_learner_and_lesson_is_a_database_rule(client, lesson):
    run = _start_run(client, lesson)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChallengeRun.objects.create(learner=run.learner, lesson=lesson, problem_count=1)


# --- Without JavaScript ------------------------------------------------------------------


def test_without_javascript_every_action_redirects_to_the_page(client, lesson):
    run = _start_run(client, lesson)
    response = _act(client, lesson, run, "start", 1)
    assert response.status_code == 303
    assert response["Location"] == f"{_url(lesson)}#challenge-card"
    problem = _problem(run, 1)
    response = _act(client, lesson, run, "answer", 1, **_answer(problem, False))
    assert response.status_code == 303
    html = client.get(_url(lesson)).content.decode()
    assert "Not quite. One attempt left." in html and "<html" in html
    _act(client, lesson, run, "answer", 1, **_answer(problem))
    html = client.get(_url(lesson)).content.decode()
    assert "Solved at the second attempt" in html and "Start problem 2" in html


# --- Owners only; replays and stale forms change nothing ----------------------------------


@pytest.mark.parametrize("visitor", ["anonymous", "guest", "other_user"])
def test_only_the_owner_can_act_on_a_run(client, lesson, visitor, django_user_model):
    run = _start_run(client, lesson)
    _act(client, lesson, run, "start", 1)
    before = _run_state(run)
    other = Client()
    if visitor == "guest":
        _start_run(other, lesson)  # a guest with a run of their own
    elif visitor == "other_user":
        other.force_login(django_user_model.objects.create_user("eve", password="x-12345678"))
        _start_run(other, lesson)
    problem = _problem(run, 1)
    for action in ("start", "answer", "hint", "give_up", "extend", "restart"):
        fields = _answer(problem) if action == "answer" else {}
        response = _act(other, lesson, run, action, 1, **fields)
        assert response.status_code == 404, (visitor, action)
    assert _run_state(run) == before
    html = other.get(_url(lesson)).content.decode()
    assert problem.question.prompt_html not in html


def test_a_run_is_acted_on_only_through_its_own_lesson(client, lesson, course):
    run = _start_run(client, lesson)
    other_lesson = course["fixture-monitoring"]
    response = _act(client, other_lesson, run, "start", 1)
    assert response.status_code == 404
    assert not run.problems.filter(started_at__isnull=False).exists()


def test_a_replayed_answer_changes_nothing(client, lesson):
    run = _start_run(client, lesson)
    _act(client, lesson, run, "start", 1)
    problem = _problem(run, 1)
    run.refresh_from_db()
    data = {"action": "answer", "run": run.pk, "number": 1, "step": run.step,
            **_answer(problem, right=False)}  # fmt: skip
    assert client.post(_url(lesson), data).status_code == 303
    before = _run_state(run)
    replay = client.post(_url(lesson), data, **HTMX)
    assert replay.status_code == 409
    assert "sent twice" in replay.content.decode()
    assert _run_state(run) == before
    assert _problem(run, 1).attempts == 1  # the double-click did not use the second attempt


def test_a_stale_right_answer_after_the_problem_is_done_changes_nothing(client, lesson):
    run = _start_run(client, lesson)
    _act(client, lesson, run, "start", 1)
    problem = _problem(run, 1)
    run.refresh_from_db()
    stale_step = run.step
    _act(client, lesson, run, "answer", 1, **_answer(problem, False))
    _act(client, lesson, run, "answer", 1, **_answer(problem, False))
    before = _run_state(run)
    response = _act(client, lesson, run, "answer", 1, step=stale_step, **_answer(problem))
    assert response.status_code == 409
    assert _run_state(run) == before and not _problem(run, 1).solved


def test_out_of_order_actions_are_refused(client, lesson):
    run = _start_run(client, lesson)
    before = _run_state(run)
    cases = [
        ("start", 2, "isn’t open yet; finish problem 1 first"),
        ("start", 9, "There is no problem 9"),
        ("answer", 1, "Start problem 1 first"),
        ("hint", 1, "Start problem 1 first"),
        ("give_up", 1, "Start problem 1 first"),
    ]
    for action, number, message in cases:
        problem = _problem(run, min(number, 3))
        fields = _answer(problem) if action == "answer" else {}
        response = _act(client, lesson, run, action, number, htmx=True, **fields)
        assert response.status_code == 409, (action, number)
        assert message in response.content.decode()
        assert response["HX-Retarget"] == "#challenge-card"
    assert _run_state(run) == before
    _act(client, lesson, run, "start", 1)
    again = _act(client, lesson, run, "start", 1)
    assert again.status_code == 409 and "already started" in again.content.decode()


def test_nothing_changes_after_the_run_is_finished(client, lesson):
    run = _run_through(client, lesson, _start_run(client, lesson), "111")
    before = _run_state(run)
    problem = _problem(run, 3)
    for action in ("start", "answer", "hint", "give_up", "extend", "restart"):
        fields = _answer(problem) if action == "answer" else {}
        response = _act(client, lesson, run, action, 3, step=before[2], **fields)
        assert response.status_code == 409, action
        assert "This run is finished" in response.content.decode()
    assert _run_state(run) == before


def test_asking_for_extended_time_twice_changes_nothing(client, lesson):
    run = _start_run(client, lesson, extended=True)
    before = _run_state(run)
    response = _act(client, lesson, run, "extend", htmx=True)
    assert response.status_code == 409 and "already on" in response.content.decode()
    assert _run_state(run) == before


# --- Odd input ---------------------------------------------------------------------------


def test_hostile_input_is_refused_with_a_message_and_no_write(client, lesson):
    run = _start_run(client, lesson)
    _act(client, lesson, run, "start", 1)
    before = _run_state(run)
    problem = _problem(run, 1)  # a code-output problem
    choice_problem = _problem(run, 2)
    foreign = Option.objects.exclude(question=choice_problem.question).first()
    base = {"run": run.pk, "number": 1, "step": before[2]}
    cases = [
        ({"action": "answer", **base, "answer": "x" * 1_000_000}, "at most 2000"),
        ({"action": "answer", **base, "answer": "ok\u200b"}, "invisible characters"),
        ({"action": "answer", **base, "answer": "ok\x00"}, "Null characters"),
        ({"action": "answer", **base, "answer": ["a", "b"]}, "one answer"),
        ({"action": "answer", **base}, "Type what the code prints"),
        ({"action": "answer", **base, "number": 2, "choice": foreign.pk}, "not one of the"),
        ({"action": "answer", **base, "number": 2, "choice": "1e9"}, "not one of the"),
        ({"action": "teleport", **base}, "not one of the available"),
        ({"action": "answer", "run": "abc", "number": 1, "step": 0}, "whole number"),
        ({"action": "answer", "run": run.pk, "number": 10**40, "step": 0}, "less than"),
        ({"action": "answer", "run": run.pk, "number": 1}, "incomplete"),
        ({"action": "hint", "run": run.pk, "number": 1, "step": -1}, "greater than"),
        ({"action": ["answer", "hint"], **base}, "once"),
        ({"action": "start"}, "incomplete"),
    ]
    for data, message in cases:
        for headers in ({}, HTMX):
            response = client.post(_url(lesson), data, **headers)
            html = response.content.decode()
            assert response.status_code == 400, (data, response.status_code)
            assert message in html, (data, html[:500])
            assert 'role="alert"' in html
    assert _run_state(run) == before
    assert problem.question.solution_html not in html


def test_extra_fields_are_ignored(client, lesson):
    run = _start_run(client, lesson)
    _act(client, lesson, run, "start", 1)
    problem = _problem(run, 1)
    extra = {"solved": "1", "attempts": "0", "clean": "1", "is_correct": "1", "score": "9",
             "learner": "1", "deadline": "2099-01-01T00:00:00Z"}  # fmt: skip
    _act(client, lesson, run, "answer", 1, **_answer(problem, False), **extra)
    problem.refresh_from_db()
    assert problem.attempts == 1 and not problem.solved
    run.refresh_from_db()
    assert not run.clean


def test_every_post_needs_the_csrf_token(client, lesson):
    run = _start_run(client, lesson)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies  # the same learner, without the token
    before = _run_state(run)
    for action in ("start", "extend", "restart"):
        assert _act(strict, lesson, run, action, 1).status_code == 403
    assert strict.post(_url(lesson), {"action": "start_run"}).status_code == 403
    assert _run_state(run) == before


def test_a_guests_runs_follow_them_into_their_account(client, lesson, django_user_model):
    guest_run = _start_run(client, lesson)
    user = django_user_model.objects.create_user("ada", password="x-12345678")
    account = Learner.objects.create(user=user)
    account_run = challenge.start_run(learner=account, lesson=lesson)
    merge_learners(guest=guest_run.learner, into=account)
    guest_run.refresh_from_db()
    assert guest_run.learner == account and guest_run.status == "abandoned"
    assert ChallengeRun.objects.get(status="in_progress").pk == account_run.pk


# --- Query budgets -----------------------------------------------------------------------


def _challenge_lesson(size: int):
    """A lesson with `size` challenge questions of every kind. A run asks the first five,
    the last of them a choice question: the dearest answer to grade."""
    lesson = make_lesson()
    kinds = ["code_output", "multiple", "true_false", "code_output"]
    last = min(size, challenge.MAX_PROBLEMS) - 1
    for i in range(size):
        kind = "single" if i == last else kinds[i % 4]
        make_question(lesson, kind=kind, use="challenge", difficulty="hard", order=i)
    return lesson


def _returning_learner(client, lesson) -> None:
    """A learner with a progress row on the lesson, as after any earlier visit."""
    question = make_question(lesson, use="practice")
    practice_url = reverse("learning:practice", args=[lesson.slug])
    client.post(practice_url, {"question": question.pk, "action": "reveal"})


def test_the_page_query_count_is_constant(client, db, django_assert_max_num_queries):
    for size in (2, 40):
        lesson = _challenge_lesson(size)
        _returning_learner(client, lesson)
        with django_assert_max_num_queries(8):
            assert client.get(_url(lesson)).status_code == 200  # intro
        run = _start_run(client, lesson)
        with django_assert_max_num_queries(8):
            assert client.get(_url(lesson)).status_code == 200  # ready
        _act(client, lesson, run, "start", 1)
        for headers in ({}, HTMX):
            with django_assert_max_num_queries(8):
                assert client.get(_url(lesson), **headers).status_code == 200  # question
        _act(client, lesson, run, "give_up", 1)
        for number in range(2, run.problem_count + 1):
            _solve(client, lesson, run, number)
        with django_assert_max_num_queries(8):
            assert "Run complete" in client.get(_url(lesson)).content.decode()  # summary


@pytest.mark.parametrize("size", [2, 40])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["no-js", "htmx"])
def test_the_post_query_count_is_constant(client, db, django_assert_max_num_queries, headers,
                                          size):  # fmt: skip
    lesson = _challenge_lesson(size)
    _returning_learner(client, lesson)
    with django_assert_max_num_queries(10):
        assert client.post(_url(lesson), {"action": "start_run"}).status_code == 303
    run = ChallengeRun.objects.get(lesson=lesson, status="in_progress")

    def post(action, number=None, **fields):
        step = ChallengeRun.objects.get(pk=run.pk).step
        with django_assert_max_num_queries(10):
            response = _act(client, lesson, run, action, number, step=step, **headers, **fields)
        assert response.status_code in (200, 303), (action, response.content[:300])

    post("extend")
    for number in range(1, run.problem_count + 1):  # a clean run: the last answer earns the badge
        post("start", number)  # the first also records the mode visit
        post("answer", number, **_answer(_problem(run, number)))
    run.refresh_from_db()
    assert run.clean and run.status == "finished"
    assert LessonProgress.objects.get(lesson=lesson).pattern_master_at is not None

    with django_assert_max_num_queries(10):
        assert client.post(_url(lesson), {"action": "start_run"}).status_code == 303
    run = ChallengeRun.objects.get(lesson=lesson, status="in_progress")
    post("start", 1)
    post("answer", 1, **_answer(_problem(run, 1), right=False))
    post("hint", 1)
    post("give_up", 1)
    post("restart")


# --- Races (PostgreSQL, where row locks and constraints behave as in production) ----------


def _tabs(count: int) -> tuple[Client, list[Client]]:
    """One guest's browser session, open in `count` tabs."""
    first = Client()
    first.get("/")
    tabs = []
    for _ in range(count):
        tab = Client()
        tab.cookies = first.cookies
        tabs.append(tab)
    return first, tabs


@pytest.fixture
def postgres_course(request, transactional_db):
    """The course, committed (threads see it), on PostgreSQL only: skip before importing it."""
    if connection.vendor != "postgresql":
        pytest.skip("races are tested on PostgreSQL (DATABASE_URL=postgres://...)")
    return request.getfixturevalue("course_tx")


@pytest.mark.postgres
def test_twenty_parallel_starts_make_exactly_one_run(postgres_course):
    lesson = postgres_course["fixture-readiness"]
    first, tabs = _tabs(20)
    _start_run(first, lesson).delete()  # the guest exists; the race is only about the run
    results = in_parallel(20, lambda i: tabs[i].post(_url(lesson), {"action": "start_run"}))
    assert all(getattr(r, "status_code", r) == 303 for r in results), results
    assert ChallengeRun.objects.filter(lesson=lesson, status="in_progress").count() == 1


@pytest.mark.postgres
def test_parallel_double_submits_use_one_attempt(postgres_course):
    lesson = postgres_course["fixture-readiness"]
    first, tabs = _tabs(10)
    run = _start_run(first, lesson)
    _act(first, lesson, run, "start", 1)
    problem = _problem(run, 1)
    run.refresh_from_db()
    data = {"action": "answer", "run": run.pk, "number": 1, "step": run.step,
            **_answer(problem, right=False)}  # fmt: skip
    results = in_parallel(10, lambda i: tabs[i].post(_url(lesson), data))
    statuses = sorted(getattr(r, "status_code", r) for r in results)
    assert statuses == [303] + [409] * 9, statuses
    problem.refresh_from_db()
    run.refresh_from_db()
    assert problem.attempts == 1 and problem.finished_at is None and run.step == data["step"] + 1


# --- Fuzz --------------------------------------------------------------------------------

FUZZ_FIELDS = st.sampled_from(
    ["action", "run", "number", "step", "extended", "choice", "choices", "answer", "solved",
     "attempts", "learner"]
)  # fmt: skip
FUZZ_VALUES = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["\x00", "\u200b", "1e9", "NaN", "-1", "0", "1", "2", "3", "start",
                     "answer", "hint", "give_up", "extend", "restart", "start_run"]),
)  # fmt: skip
FUZZ_FORMS = st.dictionaries(
    FUZZ_FIELDS, st.one_of(FUZZ_VALUES, st.lists(FUZZ_VALUES, max_size=3)), max_size=6
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=FUZZ_FORMS, real=st.sets(st.sampled_from(["run", "step", "number"])),
       htmx=st.booleans())  # fmt: skip
def test_arbitrary_challenge_posts_never_break_a_run(client, lesson, data, real, htmx):
    learner_id = client.session.get("learner", {}).get("id")
    run = ChallengeRun.objects.filter(learner_id=learner_id, status="in_progress").first()
    if run is None:
        run = _start_run(client, lesson)
    real_values = {"run": run.pk, "step": run.step, "number": run.position + 1}
    data |= {name: str(real_values[name]) for name in real}
    before = _run_state(run)
    response = client.post(_url(lesson), data, **(HTMX if htmx else {}))
    assert response.status_code in {200, 303, 400, 404, 409}, response.status_code
    if response.status_code in {400, 404, 409}:
        assert _run_state(run) == before
    if response.status_code in {400, 409}:
        assert b'role="alert"' in response.content
    assert ChallengeRun.objects.filter(status="in_progress").count() <= 1
    for problem in ChallengeProblem.objects.all():
        assert problem.attempts <= 2
        assert not problem.solved or (problem.attempts >= 1 and not problem.timed_out)


def test_a_run_after_seeing_the_solutions_cannot_earn_the_badge(client, lesson):
    """Giving up shows each solution; a new run of the same problems is practice only."""
    run = _start_run(client, lesson)
    for number in (1, 2, 3):
        _act(client, lesson, run, "start", number)
        _act(client, lesson, run, "give_up", number)
    second = _start_run(client, lesson)
    assert second.pk != run.pk and not second.clean
    html = client.get(_url(lesson)).content.decode()
    assert "this run is for practice" in html
    second = _run_through(client, lesson, second, "111")
    assert second.status == "finished"
    assert LessonProgress.objects.get(lesson=lesson).pattern_master_at is None

"""Challenge mode through the server: a run of timed problems on the server clock, two
attempts each, the hint, extended time, and Pattern Master for a clean run only. Time never
sleeps here: services take `now=`, and pages see deadlines moved in the database."""

import re
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Learner
from courses.models import Question
from progress.models import LessonProgress
from quizzes import challenge
from quizzes.models import ChallengeProblem, ChallengeRun
from tests.factories import make_lesson, make_question
from tests.quizzes.helpers import secrets_of

from .challenge_helpers import (
    HTMX,
    _act,
    _answer,
    _expire,
    _problem,
    _run_through,
    _solve,
    _start_run,
    _url,
)

# --- Before the run ----------------------------------------------------------------------


def test_the_intro_states_the_rules_and_shows_no_problem(client, lesson):
    response = client.get(_url(lesson))
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 problems" in html and "3 min, 2 min 30 s, 2 min 30 s" in html
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
            for secret in secrets_of(problem.question):
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
    for secret in secrets_of(problem.question):
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

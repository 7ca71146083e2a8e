"""Challenge mode keeps the test flow's integrity: owners only, replays and stale forms change
nothing, odd input is refused, query counts stay constant, parallel requests race safely."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Learner
from courses.models import Option
from learning.merging import merge_learners
from progress.models import LessonProgress
from quizzes import challenge
from quizzes.models import ChallengeProblem, ChallengeRun
from tests.factories import make_lesson, make_question
from tests.pages import page_text
from tests.quizzes.helpers import in_parallel

from .challenge_helpers import (
    HTMX,
    _act,
    _answer,
    _problem,
    _run_state,
    _run_through,
    _solve,
    _start_run,
    _url,
)

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
            response = client.get(_url(lesson))
        assert "Start the challenge" in page_text(response)  # intro
        run = _start_run(client, lesson)
        with django_assert_max_num_queries(8):
            response = client.get(_url(lesson))
        assert "Start problem 1" in page_text(response)  # ready
        _act(client, lesson, run, "start", 1)
        for headers in ({}, HTMX):
            with django_assert_max_num_queries(8):
                response = client.get(_url(lesson), **headers)
            assert _problem(run, 1).question.prompt_html in page_text(response)  # question
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


@pytest.mark.parametrize("peek", ["wrong_answer", "hint", "prompt_only"])
def test_a_restart_after_meeting_a_problem_cannot_earn_the_badge(client, lesson, peek):
    """The farm: answer wrong (now that option is known to be wrong), take a hint or just
    read the prompt with the clock running, restart, repeat. Every later run is practice."""
    run = _start_run(client, lesson)
    for _ in range(3):  # the loop a learner would repeat, one option ruled out per round
        _act(client, lesson, run, "start", 1)
        if peek == "wrong_answer":
            _act(client, lesson, run, "answer", 1, **_answer(_problem(run, 1), right=False))
        elif peek == "hint":
            _act(client, lesson, run, "hint", 1)
        assert _act(client, lesson, run, "restart").status_code == 303
        run = ChallengeRun.objects.get(lesson=lesson, status="in_progress")
        assert not run.clean
        html = client.get(_url(lesson)).content.decode()
        assert "this run is for practice" in html
        assert "can no longer earn Pattern Master, and neither can a restart" in html
    run = _run_through(client, lesson, run, "111")
    assert run.status == "finished" and not run.clean
    assert LessonProgress.objects.get(lesson=lesson).pattern_master_at is None
    assert "Pattern Master." not in client.get(_url(lesson)).content.decode()


def test_a_restart_before_starting_any_problem_keeps_the_badge_in_reach(client, lesson):
    run = _start_run(client, lesson)
    html = client.get(_url(lesson)).content.decode()
    assert "You have not started a problem yet: a restart keeps your chance" in html
    _act(client, lesson, run, "restart")
    run = ChallengeRun.objects.get(lesson=lesson, status="in_progress")
    assert run.clean
    _solve(client, lesson, run, 1)
    html = client.get(_url(lesson)).content.decode()
    assert "A restarted run repeats problems you have seen, so it cannot earn" in html
    _act(client, lesson, run, "start", 2)
    _act(client, lesson, run, "answer", 2, **_answer(_problem(run, 2)))
    _solve(client, lesson, run, 3)
    assert LessonProgress.objects.get(lesson=lesson).pattern_master_at is not None


def test_the_intro_states_the_first_run_rule(client, lesson):
    html = client.get(_url(lesson)).content.decode()
    assert "The badge needs problems you meet for the first time" in html

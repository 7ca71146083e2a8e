"""The server is the only judge: no leaks, owners only, once and in order, bad input refused."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from quizzes.models import Response, TestAttempt

from .helpers import answer, answer_data, current_token, finish, start


@pytest.fixture
def lesson(course):
    return course["fixture-readiness"]


def _secrets_of(slot):
    """Everything that would give the answer away for one drawn question."""
    question = slot.question
    secrets = [question.solution_html, question.mistakes_html, question.quick_check_html]
    if question.is_typed:
        secrets.append(f">{question.expected_output.strip()}<")
    for option in question.options.all():
        if option.explanation_html:
            secrets.append(option.explanation_html)
    return [s for s in secrets if s]


def test_no_question_page_or_fragment_leaks_the_answer(client, lesson):
    attempt = start(client, lesson)
    url = reverse("learning:attempt", args=[attempt.pk])
    for position in range(10):
        slot = attempt.slots.select_related("question").get(position=position)
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.get(url, **headers)
            html = response.content.decode()
            everything = html + str(response.headers)
            for secret in _secrets_of(slot):
                assert secret not in everything, (slot.question.key, secret)
            for marker in ("is_correct", "correct", "Correct answer", "review-option--right",
                           "data-correct", "Step by step", "Common mistakes"):  # fmt: skip
                assert marker not in html.split('id="test-card"')[1], marker
            assert not re.search(r"data-[a-z-]*(answer|right|solution)", html)
        answer(client, attempt, right=position % 2 == 0)


def test_a_form_error_does_not_leak_the_answer_either(client, lesson):
    attempt = start(client, lesson)
    slot = attempt.slots.select_related("question").get(position=0)
    response = client.post(
        reverse("learning:answer", args=[attempt.pk]), {"token": current_token(client, attempt)}
    )
    assert response.status_code == 400
    for secret in _secrets_of(slot):
        assert secret not in response.content.decode()


@pytest.mark.parametrize("visitor", ["anonymous", "guest", "other_user"])
def test_only_the_owner_sees_an_attempt(client, lesson, visitor, django_user_model):
    attempt = start(client, lesson)
    answer(client, attempt)
    other = Client()
    if visitor == "guest":
        start(other, lesson)  # a guest with a learner row of their own
    elif visitor == "other_user":
        other.force_login(django_user_model.objects.create_user("eve", password="x-12345678"))
        start(other, lesson)
    token = current_token(client, attempt)
    urls = [
        ("get", reverse("learning:attempt", args=[attempt.pk])),
        ("get", reverse("learning:feedback", args=[attempt.pk, 1])),
        ("get", reverse("learning:result", args=[attempt.pk])),
        ("post", reverse("learning:answer", args=[attempt.pk])),
        ("post", reverse("learning:abandon", args=[attempt.pk])),
    ]
    for method, url in urls:
        response = getattr(other, method)(
            url, {"token": token, "choice": 1} if method == "post" else {}
        )
        assert response.status_code == 404, (visitor, url)
    attempt.refresh_from_db()
    assert attempt.position == 1 and attempt.status == TestAttempt.Status.IN_PROGRESS


def test_a_finished_attempt_stays_private_too(client, lesson):
    attempt = finish(client, start(client, lesson))
    response = Client().get(reverse("learning:result", args=[attempt.pk]))
    assert response.status_code == 404


def test_a_replayed_answer_changes_nothing(client, lesson):
    attempt = start(client, lesson)
    slot = attempt.slots.select_related("question").get(position=0)
    data = {"token": current_token(client, attempt), **answer_data(slot, right=True)}
    url = reverse("learning:answer", args=[attempt.pk])
    assert client.post(url, data).status_code == 303
    replay = client.post(url, data)
    assert replay.status_code == 409
    assert "You already answered question 1" in replay.content.decode()
    attempt.refresh_from_db()
    assert (attempt.position, attempt.score) == (1, 1)
    assert Response.objects.filter(slot__attempt=attempt).count() == 1


def test_a_stale_wrong_answer_after_a_right_one_cannot_change_the_grade(client, lesson):
    attempt = start(client, lesson)
    slot = attempt.slots.select_related("question").get(position=0)
    token = current_token(client, attempt)
    url = reverse("learning:answer", args=[attempt.pk])
    client.post(url, {"token": token, **answer_data(slot, right=True)})
    client.post(url, {"token": token, **answer_data(slot, right=False)}, HTTP_HX_REQUEST="true")
    assert Response.objects.get(slot=slot).is_correct


def test_an_answer_to_a_later_question_is_refused(client, lesson):
    from quizzes.forms import answer_token
    from quizzes.question_cache import attempt_draw

    attempt = start(client, lesson)
    slot = attempt.slots.select_related("question").get(position=3)
    draw = attempt_draw(attempt.pk, attempt.learner_id)
    data = {"token": answer_token(draw, 3), **answer_data(slot)}
    response = client.post(reverse("learning:answer", args=[attempt.pk]), data)
    assert response.status_code == 409
    assert "isn’t open yet; answer question 1 first" in response.content.decode()
    assert not Response.objects.filter(slot__attempt=attempt).exists()


def test_nothing_changes_after_the_attempt_is_finished(client, lesson):
    attempt = start(client, lesson)
    token = current_token(client, attempt)
    attempt = finish(client, attempt)
    before = (attempt.score, attempt.position, attempt.finished_at)
    slot = attempt.slots.select_related("question").get(position=0)
    response = client.post(
        reverse("learning:answer", args=[attempt.pk]), {"token": token, **answer_data(slot, False)}
    )
    assert response.status_code == 409
    assert "already finished" in response.content.decode()
    assert client.post(reverse("learning:abandon", args=[attempt.pk])).status_code == 302
    attempt.refresh_from_db()
    assert (attempt.score, attempt.position, attempt.finished_at) == before
    assert attempt.status == TestAttempt.Status.FINISHED


def test_a_token_from_another_attempt_is_refused(client, lesson, course):
    from quizzes.forms import answer_token
    from quizzes.question_cache import attempt_draw

    mine = start(client, lesson)
    other = start(client, course["fixture-monitoring"])
    slot = mine.slots.select_related("question").get(position=0)
    draw = attempt_draw(other.pk, other.learner_id)
    data = {"token": answer_token(draw, 0), **answer_data(slot)}
    response = client.post(reverse("learning:answer", args=[mine.pk]), data)
    assert response.status_code == 400
    assert "expired or was changed" in response.content.decode()
    assert not Response.objects.exists()


def _bad_inputs(slot, other_option_id):
    kind_field = "choices" if slot.question.kind == "multiple" else "choice"
    if slot.question.is_typed:
        return [
            ({"answer": "x" * 1_000_000}, "at most 2000 characters"),
            ({"answer": "Tr\u200bue"}, "invisible characters"),
            ({"answer": "True\x00"}, "Null characters are not allowed"),
            ({"answer": ["a", "b"]}, "Send one answer"),
            ({}, "Type what the code prints"),
        ]
    return [
        ({kind_field: other_option_id}, "Select a valid choice"),
        ({kind_field: 999_999_999}, "Select a valid choice"),
        ({kind_field: "abc"}, "Select a valid choice"),
        ({kind_field: "9" * 40}, "Select a valid choice"),
        ({kind_field: "1\x00"}, "Null characters are not allowed"),  # site-wide rule
        ({}, "Choose"),
    ]


def test_hostile_input_is_a_400_with_a_message_and_writes_nothing(client, lesson, course):
    attempt = start(client, lesson)
    other_option = course["fixture-monitoring"].questions.filter(kind="single").first()
    other_option_id = other_option.options.first().pk
    url = reverse("learning:answer", args=[attempt.pk])
    for position in range(10):
        attempt.refresh_from_db()
        slot = attempt.slots.select_related("question").get(position=position)
        token = current_token(client, attempt)
        for data, message in _bad_inputs(slot, other_option_id):
            response = client.post(url, {"token": token, **data})
            assert response.status_code == 400, (slot.question.kind, data)
            assert message in response.content.decode(), (slot.question.kind, message)
        assert Response.objects.filter(slot__attempt=attempt).count() == position
        answer(client, attempt)


@pytest.mark.parametrize(
    ("kind", "field", "pick", "message"),
    [
        ("single", "choice", lambda ids: ids[:2], "Send one choice"),
        ("true_false", "choice", lambda ids: [ids[0], ids[0]], "Send one choice"),
        (
            "multiple",
            "choices",
            lambda ids: [ids[0], ids[0], ids[1]],
            "Each option can be chosen once",
        ),
    ],
)
def test_repeated_keys_are_refused(client, db, kind, field, pick, message):
    from tests.factories import make_lesson, make_question

    lesson = make_lesson()
    for difficulty in ["easy"] * 3 + ["medium"] * 4 + ["hard"] * 3:
        make_question(lesson, kind=kind, difficulty=difficulty)
    attempt = start(client, lesson)
    slot = attempt.slots.select_related("question").get(position=0)
    ids = list(slot.question.options.values_list("id", flat=True))
    response = client.post(
        reverse("learning:answer", args=[attempt.pk]),
        {"token": current_token(client, attempt), field: pick(ids)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Response.objects.filter(slot__attempt=attempt).exists()


def test_a_tampered_token_is_refused(client, lesson):
    attempt = start(client, lesson)
    slot = attempt.slots.select_related("question").get(position=0)
    for token in ("", "garbage", current_token(client, attempt) + "x", "0" * 5000):
        response = client.post(
            reverse("learning:answer", args=[attempt.pk]), {"token": token, **answer_data(slot)}
        )
        assert response.status_code == 400
    assert not Response.objects.exists()


def test_extra_fields_are_ignored(client, lesson, django_user_model):
    attempt = start(client, lesson)
    eve = django_user_model.objects.create_user("eve", password="x-12345678")
    response = answer(client, attempt, right=False, score=10, is_correct="true", user=eve.pk,
                      learner=999, position=9)  # fmt: skip
    assert response.status_code == 303
    attempt.refresh_from_db()
    assert (attempt.score, attempt.position) == (0, 1)
    assert not Response.objects.get(slot__attempt=attempt).is_correct


def test_every_post_needs_a_csrf_token(lesson, db):
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("learning:start", args=[lesson.slug])).status_code == 403
    client.get(lesson.get_absolute_url())
    html = client.get(lesson.get_absolute_url()).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post(
        reverse("learning:start", args=[lesson.slug]), {"csrfmiddlewaretoken": csrf}
    )
    assert response.status_code == 303
    attempt = TestAttempt.objects.get()
    url = reverse("learning:answer", args=[attempt.pk])
    assert client.post(url, {"token": "x"}, HTTP_HX_REQUEST="true").status_code == 403
    page = client.get(reverse("learning:attempt", args=[attempt.pk])).content.decode()
    header = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    response = client.post(url, {"token": "x"}, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=header)
    assert response.status_code == 400  # past CSRF, refused for its bad token


def test_get_never_changes_state(client, lesson):
    for url in (lesson.get_absolute_url(), "/"):
        client.get(url)
    assert not TestAttempt.objects.exists()
    assert client.get(reverse("learning:start", args=[lesson.slug])).status_code == 405
    attempt = start(client, lesson)
    assert client.get(reverse("learning:answer", args=[attempt.pk])).status_code == 405
    assert client.get(reverse("learning:abandon", args=[attempt.pk])).status_code == 405


def test_attempt_pages_are_not_cached_or_kept_in_htmx_history(client, lesson):
    attempt = start(client, lesson)
    answer(client, attempt)
    for url in (reverse("learning:attempt", args=[attempt.pk]),
                reverse("learning:feedback", args=[attempt.pk, 1])):  # fmt: skip
        response = client.get(url)
        assert "no-store" in response["Cache-Control"]
        assert 'hx-history="false"' in response.content.decode()
    finish(client, attempt)
    result = client.get(reverse("learning:result", args=[attempt.pk]))
    assert "no-store" in result["Cache-Control"]


def test_huge_and_unknown_attempt_ids_are_404(client, lesson):
    start(client, lesson)
    for attempt_id in (0, 999_999, 10**30):
        assert client.get(f"/tests/{attempt_id}/").status_code == 404
        assert client.post(f"/tests/{attempt_id}/answer/", {"token": "x"}).status_code == 404


def test_abandoning_a_finished_test_keeps_its_result_and_says_so(client, lesson):
    attempt = finish(client, start(client, lesson))
    response = client.post(reverse("learning:abandon", args=[attempt.pk]), follow=True)
    assert "already finished; its result stands" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == TestAttempt.Status.FINISHED


def test_a_bad_token_on_a_finished_test_says_it_is_finished(client, lesson):
    attempt = finish(client, start(client, lesson))
    response = client.post(reverse("learning:answer", args=[attempt.pk]), {"token": "forged"})
    assert response.status_code == 409
    assert "already finished" in response.content.decode()
    assert 'name="token"' not in response.content.decode()


def test_an_answer_is_graded_from_its_tokens_draw_without_looking_it_up(client, lesson):
    """The draw travels signed in the form: with every cached copy of it gone, the answer
    reads nothing from the database, it only writes the grading."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from quizzes import question_cache

    attempt = start(client, lesson)
    slot = attempt.slots.select_related("question").get(position=0)
    data = {"token": current_token(client, attempt), **answer_data(slot)}
    question_cache.forget_draws([attempt.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("learning:answer", args=[attempt.pk]), data,
                               HTTP_HX_REQUEST="true")  # fmt: skip
    assert response.status_code == 200 and "Question 1 of 10" in response.content.decode()
    statements = [query["sql"].split()[0] for query in queries.captured_queries]
    assert "SELECT" not in statements and len(statements) in (1, 2)  # WITH, or UPDATE + INSERT


def test_another_learners_token_answers_nothing(client, lesson):
    """A token (and so a draw) copied from someone else's page names them, not the sender:
    the sender's own lookup finds no such test of theirs."""
    from django.test import Client

    attempt = start(client, lesson)
    slot = attempt.slots.select_related("question").get(position=0)
    data = {"token": current_token(client, attempt), **answer_data(slot)}
    stranger = Client()
    start(stranger, lesson)  # a learner with a test of their own
    assert stranger.post(reverse("learning:answer", args=[attempt.pk]), data).status_code == 404
    assert not Response.objects.filter(slot__attempt=attempt).exists()

"""Floods: new guests, sign-ups and reset mails are limited per client address (and reset
mails per target address too), counted in the shared cache, answered with a calm 429."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Learner
from courses.models import Question
from progress.models import ReviewCard
from quizzes.models import ChallengeRun, TestAttempt

from .conftest import PASSWORD

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def lesson(course):
    return course["fixture-readiness"]


def _start_test(client, lesson):
    return client.post(reverse("learning:start", args=[lesson.slug]))


def _mark_done(client, lesson):
    return client.post(reverse("learning:mode-done", args=[lesson.slug, "deep-dive"]))


def _start_challenge(client, lesson):
    return client.post(reverse("learning:challenge", args=[lesson.slug]), {"action": "start_run"})


def _rate_flashcard(client, lesson):
    card = lesson.sections.filter(kind="fact").first()
    url = reverse("learning:rate-flashcard", args=[lesson.slug])
    return client.post(url, {"card": card.key, "rating": "easy"})


def _reveal_practice(client, lesson):
    question = Question.objects.practice().filter(lesson=lesson).order_by("order", "id").first()
    url = reverse("learning:practice", args=[lesson.slug])
    return client.post(url, {"question": question.pk, "action": "reveal"})


GUEST_WRITES = [_start_test, _mark_done, _start_challenge, _rate_flashcard, _reveal_practice]


@pytest.mark.parametrize("write", GUEST_WRITES, ids=lambda write: write.__name__.strip("_"))
def test_every_anonymous_write_is_limited_in_the_guests_it_creates(lesson, settings, write):
    settings.RATE_LIMITS = {"new-guests": (3, 600)}
    for _ in range(3):
        assert write(Client(), lesson).status_code in {200, 303}
    refused = write(Client(), lesson)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Let’s take a short break" in html and "site-header" in html
    assert int(refused["Retry-After"]) == 600
    assert Learner.objects.count() == 3


def test_a_flood_of_fresh_clients_stops_at_the_default_limit(lesson):
    statuses = [_mark_done(Client(), lesson).status_code for _ in range(65)]
    assert statuses[:60] == [303] * 60 and set(statuses[60:]) == {429}
    assert Learner.objects.count() == 60


def test_a_guest_who_already_exists_is_not_limited(client, lesson, settings):
    settings.RATE_LIMITS = {"new-guests": (1, 600)}
    assert _start_test(client, lesson).status_code == 303
    assert _start_test(Client(), lesson).status_code == 429  # the address's budget is spent
    for write in (_mark_done, _rate_flashcard, _start_challenge):
        assert write(client, lesson).status_code in {200, 303}
    assert Learner.objects.count() == 1
    assert ReviewCard.objects.exists() and ChallengeRun.objects.exists()


def test_other_addresses_keep_their_own_budget(lesson, settings):
    settings.RATE_LIMITS = {"new-guests": (1, 600)}
    assert _start_test(Client(), lesson).status_code == 303
    assert _start_test(Client(), lesson).status_code == 429
    assert _start_test(Client(REMOTE_ADDR="10.2.2.2"), lesson).status_code == 303
    assert TestAttempt.objects.count() == 2


def test_htmx_gets_the_calm_message_in_the_main_area(lesson, settings):
    settings.RATE_LIMITS = {"new-guests": (0, 600)}
    refused = Client().post(reverse("learning:mode-done", args=[lesson.slug, "deep-dive"]), **HTMX)
    assert refused.status_code == 429
    assert refused["HX-Retarget"] == "#main" and refused["HX-Reswap"] == "innerHTML"
    html = refused.content.decode()
    assert "Let’s take a short break" in html and "<html" not in html


def test_htmx_shows_a_429_rather_than_dropping_it(client, db):
    html = client.get(reverse("learning:catalogue")).content.decode()
    assert '{"code": "(400|404|409|429|503)", "swap": true, "error": false}' in html


def _signup(client, name):
    data = {"username": name, "email": "", "password1": PASSWORD, "password2": PASSWORD}
    return client.post(reverse("accounts:signup"), data)


def test_signups_are_limited_per_address(db, settings, django_user_model):
    settings.RATE_LIMITS = {"signups": (3, 3600)}
    for n in range(3):
        assert _signup(Client(), f"learner{n}").status_code == 302
    refused = _signup(Client(), "learner9")
    assert refused.status_code == 429 and "Let’s take a short break" in refused.content.decode()
    assert django_user_model.objects.count() == 3
    assert _signup(Client(REMOTE_ADDR="10.3.3.3"), "learner9").status_code == 302


def test_a_signup_form_with_mistakes_spends_no_budget(db, settings):
    settings.RATE_LIMITS = {"signups": (1, 3600)}
    bad = {"username": "x", "password1": "123", "password2": "124"}
    for _ in range(3):
        assert Client().post(reverse("accounts:signup"), bad).status_code == 200
    assert _signup(Client(), "learner1").status_code == 302


def test_the_default_signup_limit_stops_a_burst(db, django_user_model):
    statuses = [_signup(Client(), f"learner{n}").status_code for n in range(22)]
    assert statuses.count(302) == 20 and statuses[20:] == [429, 429]


def _reset(client, email):
    return client.post(reverse("accounts:password_reset"), {"email": email})


def test_reset_view_enqueues_and_sends_nothing_itself(client, alice, run_tasks):
    from django_tasks_db.models import DBTaskResult

    response = _reset(client, "alice@example.com")
    assert response.status_code == 302
    assert mail.outbox == []
    task = DBTaskResult.objects.get()
    assert task.task_path == "accounts.tasks.send_password_reset"
    run_tasks()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.com"]
    assert "http://testserver/accounts/password/reset/" in mail.outbox[0].body


def test_known_and_unknown_addresses_get_the_same_answer_and_the_same_work(client, alice):
    from django_tasks_db.models import DBTaskResult

    known, unknown = _reset(client, "alice@example.com"), _reset(client, "nobody@example.com")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert DBTaskResult.objects.count() == 2  # both enqueued, whatever exists


def test_thirty_resets_to_one_address_send_three_mails(alice, run_tasks, settings):
    settings.RATE_LIMITS = {"password-resets-address": (100, 3600)}
    for n in range(30):
        response = _reset(Client(REMOTE_ADDR=f"10.4.0.{n}"), "ALICE@example.com ")
        assert response.status_code == 302
    run_tasks()
    assert len(mail.outbox) == 3


def test_resets_from_one_client_address_are_limited(alice, run_tasks):
    statuses = [_reset(Client(), f"someone{n}@example.com").status_code for n in range(12)]
    assert statuses[:10] == [302] * 10 and statuses[10:] == [429, 429]
    assert _reset(Client(REMOTE_ADDR="10.5.5.5"), "alice@example.com").status_code == 302
    run_tasks()
    assert [message.to for message in mail.outbox] == [["alice@example.com"]]


def test_the_task_sends_nothing_for_an_unknown_address(db, run_tasks):
    from accounts.tasks import send_password_reset

    send_password_reset.enqueue(email="nobody@example.com", domain="example.org", use_https=True)
    run_tasks()
    assert mail.outbox == []

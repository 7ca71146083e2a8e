"""Sign up, sign in, throttling, password flows, data export and deletion."""

import json
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Learner
from progress.models import LessonProgress, ReviewCard
from quizzes.models import TestAttempt
from tests.quizzes.helpers import answer, answer_data, current_token, finish, start

PASSWORD = "a-long-pass-phrase-42"


@pytest.fixture
def user(db, django_user_model):
    return django_user_model.objects.create_user("ada", email="ada@example.com", password=PASSWORD)


def sign_in(client, username="ada", password=PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password},
                       **extra)  # fmt: skip


def test_signup_logs_in_and_keeps_guest_progress(client, course):
    lesson = course["fixture-readiness"]
    attempt = start(client, lesson)
    answer(client, attempt)
    response = client.post(
        reverse("accounts:signup"),
        {"username": "grace", "email": "", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == reverse("learning:dashboard")
    learner = Learner.objects.get(user__username="grace")
    attempt.refresh_from_db()
    assert attempt.learner == learner
    assert Learner.objects.count() == 1
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert "Resume test — question 2 of 10" in html


def test_signup_refuses_weak_or_mismatched_passwords(client, db):
    response = client.post(
        reverse("accounts:signup"),
        {"username": "grace", "password1": "123", "password2": "124"},
    )
    assert response.status_code == 200
    assert "The two password fields didn’t match." in response.content.decode()


def test_login_merges_the_guests_progress(client, course, user):
    lesson = course["fixture-readiness"]
    finish(client, start(client, lesson), pattern="1111111100")
    guest = Learner.objects.get(user=None)
    response = sign_in(client)
    assert response.status_code == 302
    assert not Learner.objects.filter(pk=guest.pk).exists()
    learner = user.learner
    assert TestAttempt.objects.get().learner == learner
    progress = LessonProgress.objects.get()
    assert progress.learner == learner and progress.tests_taken == 1
    assert ReviewCard.objects.filter(learner=learner).count() == 2


def test_after_a_merge_an_app_server_s_old_copy_of_the_draw_is_not_used(client, course, user):
    """Signing in moves the guest's open test to the account; another app server still
    holds its own copy of the draw, naming the guest. The account's next answer must be
    graded, once, as the account's."""
    from courses import content_cache
    from quizzes import question_cache

    lesson = course["fixture-readiness"]
    attempt = start(client, lesson)
    answer(client, attempt)
    stale = question_cache.attempt_draw(attempt.pk, attempt.learner_id)
    sign_in(client)
    account = user.learner
    assert account.pk != stale.learner_id
    content_cache.local.set(question_cache._draw_key(attempt.pk), stale)  # as elsewhere
    assert question_cache.attempt_draw(attempt.pk, account.pk).learner_id == account.pk
    content_cache.local.set(question_cache._draw_key(attempt.pk), stale)
    assert answer(client, attempt).status_code == 303
    attempt.refresh_from_db()
    assert attempt.position == 2 and attempt.learner == account


def test_merge_combines_progress_on_the_same_lesson_without_duplicates(course, user):
    lesson = course["fixture-readiness"]
    member = Client()
    sign_in(member)
    finish(member, start(member, lesson), pattern="1111111100")  # 8, strong
    open_for_account = start(member, lesson)

    guest = Client()
    finish(guest, start(guest, lesson), pattern="1100000000")  # 2, weak, later
    guest_open = start(guest, lesson)
    guest_fact = lesson.sections.filter(kind="fact").first()
    guest.post(reverse("learning:rate-flashcard", args=[lesson.slug]),
               {"card": guest_fact.key, "rating": "good"})  # fmt: skip

    sign_in(guest)

    learner = user.learner
    progress = LessonProgress.objects.get(lesson=lesson)
    assert LessonProgress.objects.count() == 1
    assert progress.learner == learner
    assert progress.tests_taken == 2
    assert progress.best_score == 8
    assert progress.latest_score == 2 and progress.strength == "weak"  # the newer result
    assert {"test", "flashcards"} <= set(progress.modes_visited)
    attempts = TestAttempt.objects.filter(learner=learner)
    assert attempts.count() == 4
    assert attempts.filter(status="in_progress").get().pk == open_for_account.pk
    guest_open.refresh_from_db()
    assert guest_open.status == "abandoned"
    cards = ReviewCard.objects.filter(learner=learner)
    assert cards.filter(section=guest_fact).count() == 1
    assert cards.filter(question__isnull=False).count() == len(
        set(cards.filter(question__isnull=False).values_list("question_id", flat=True))
    )
    assert Learner.objects.count() == 1


def test_failed_logins_are_throttled_per_username_and_address(client, user):
    for _ in range(5):
        response = sign_in(client, password="wrong")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    blocked = sign_in(client)  # even the right password is refused now
    assert blocked.status_code == 429
    assert "Too many failed sign-in attempts" in blocked.content.decode()
    elsewhere = sign_in(Client(), REMOTE_ADDR="10.9.9.9")
    assert elsewhere.status_code == 302


def test_messages_do_not_reveal_whether_a_user_exists(client, user):
    known = sign_in(client, password="wrong").content.decode()
    unknown = sign_in(client, username="nobody", password="wrong").content.decode()
    pattern = re.compile(r'<div class="notice notice--error".*?</div>', re.S)
    assert pattern.search(known).group(0) == pattern.search(unknown).group(0)


def test_password_reset_sends_a_link_and_says_the_same_for_unknown_addresses(
    client, user, run_tasks
):
    for address in ("ada@example.com", "nobody@example.com"):
        response = client.post(reverse("accounts:password_reset"), {"email": address}, follow=True)
        assert "If an account uses that address" in response.content.decode()
    run_tasks()
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "another-long-phrase-7",
                                      "new_password2": "another-long-phrase-7"})  # fmt: skip
    assert response.status_code == 302
    assert sign_in(Client(), password="another-long-phrase-7").status_code == 302


def test_password_change(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "brand-new-phrase-99",
        "new_password2": "brand-new-phrase-99"})  # fmt: skip
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-phrase-99")


def test_download_my_data(client, course, user):
    sign_in(client)
    finish(client, start(client, course["fixture-readiness"]), pattern="1111111100")
    response = client.get(reverse("learning:export"))
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["username"] == "ada"
    assert data["test_attempts"][0]["score"] == 8
    assert len(data["test_attempts"][0]["responses"]) == 10
    assert data["progress"][0]["lesson"] == "fixture-readiness"
    assert len(data["review_cards"]) == 2


def test_delete_account_needs_the_password_and_removes_everything(client, course, user):
    sign_in(client)
    finish(client, start(client, course["fixture-readiness"]))
    wrong = client.post(reverse("accounts:delete"), {"password": "nope"})
    assert wrong.status_code == 400
    assert "That password is not right." in wrong.content.decode()
    assert TestAttempt.objects.exists()
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not type(user).objects.filter(pk=user.pk).exists()
    assert not Learner.objects.exists()
    assert not TestAttempt.objects.exists() and not LessonProgress.objects.exists()
    assert "_auth_user_id" not in client.session


def test_account_pages_need_a_login(client, db):
    for name in ("accounts:account", "learning:export", "accounts:delete"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_logout_is_a_post(client, user):
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_blocked_sign_in_does_not_even_check_the_password(client, user):
    from django.contrib.auth.signals import user_login_failed

    for _ in range(5):
        sign_in(client, password="wrong")
    checked = []
    user_login_failed.connect(lambda **kw: checked.append(kw), weak=False, dispatch_uid="t")
    try:
        assert sign_in(client, password="wrong").status_code == 429
    finally:
        user_login_failed.disconnect(dispatch_uid="t")
    assert checked == []


def test_behind_a_proxy_the_forwarded_address_is_throttled(client, user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        sign_in(client, password="wrong", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert sign_in(client, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert sign_in(client, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302


def test_merge_keeps_the_guests_test_when_the_account_only_did_flashcards_since(course, user):
    lesson = course["fixture-readiness"]
    guest = Client()
    finish(guest, start(guest, lesson), pattern="1111111000")  # 7 right, earlier
    member = Client()
    sign_in(member)
    fact = lesson.sections.filter(kind="fact").first()
    member.post(
        reverse("learning:rate-flashcard", args=[lesson.slug]), {"card": fact.key, "rating": "easy"}
    )  # fmt: skip  (newer, no test)

    sign_in(guest)

    progress = LessonProgress.objects.get(learner=user.learner, lesson=lesson)
    assert (progress.latest_score, progress.best_score, progress.tests_taken) == (7, 7, 1)
    assert progress.strength == "developing"
    earliest = ReviewCard.objects.filter(learner=user.learner).order_by("due").first()
    assert progress.review_due_at == earliest.due


def test_a_form_drawn_before_signing_in_is_graded_as_the_accounts(client, course, user):
    """The form's signed token names the guest's draw; once the test has moved to the
    account, the answer is graded against the account's draw, once."""
    lesson = course["fixture-readiness"]
    attempt = start(client, lesson)
    slot = attempt.slots.select_related("question").get(position=0)
    data = {"token": current_token(client, attempt), **answer_data(slot)}
    sign_in(client)
    response = client.post(reverse("learning:answer", args=[attempt.pk]), data)
    assert response.status_code == 303
    attempt.refresh_from_db()
    assert attempt.position == 1 and attempt.learner == user.learner
    assert client.post(reverse("learning:answer", args=[attempt.pk]), data).status_code == 409

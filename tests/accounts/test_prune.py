"""`manage.py prune`: guests idle N days go with all their rows; expired sessions go;
anyone active, and every account, stays."""

import io
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Learner
from progress.models import LessonProgress, ReviewCard
from quizzes.models import AttemptQuestion, ChallengeRun, Response, TestAttempt
from tests.quizzes.helpers import answer, start

from .conftest import PASSWORD


def prune(*args) -> str:
    out = io.StringIO()
    call_command("prune", *args, stdout=out)
    return out.getvalue()


def _busy_guest(lesson) -> Learner:
    """A guest with a test (answered once), a challenge run, progress and a review card."""
    client = Client()
    answer(client, start(client, lesson))
    client.post(reverse("learning:challenge", args=[lesson.slug]), {"action": "start_run"})
    card = lesson.sections.filter(kind="fact").first()
    client.post(reverse("learning:rate-flashcard", args=[lesson.slug]),
                {"card": card.key, "rating": "easy"})  # fmt: skip
    return Learner.objects.get(pk=client.session["learner"]["id"])


def _age(learner: Learner, days: int) -> None:
    """Move every timestamp of the learner and its rows `days` into the past."""
    then = timezone.now() - timedelta(days=days)
    Learner.objects.filter(pk=learner.pk).update(created_at=then)
    TestAttempt.objects.filter(learner=learner).update(started_at=then, finished_at=then)
    Response.objects.filter(slot__attempt__learner=learner).update(answered_at=then)
    ChallengeRun.objects.filter(learner=learner).update(started_at=then, finished_at=then)
    LessonProgress.objects.filter(learner=learner).update(last_activity=then)
    ReviewCard.objects.filter(learner=learner).update(created_at=then, last_review=then)


def _rows(learner_id: int) -> dict:
    return {
        "attempts": TestAttempt.objects.filter(learner_id=learner_id).count(),
        "slots": AttemptQuestion.objects.filter(attempt__learner_id=learner_id).count(),
        "responses": Response.objects.filter(slot__attempt__learner_id=learner_id).count(),
        "runs": ChallengeRun.objects.filter(learner_id=learner_id).count(),
        "progress": LessonProgress.objects.filter(learner_id=learner_id).count(),
        "cards": ReviewCard.objects.filter(learner_id=learner_id).count(),
    }


@pytest.fixture
def lesson(course):
    return course["fixture-readiness"]


def test_idle_guests_go_with_all_their_rows(lesson):
    idle, recent = _busy_guest(lesson), _busy_guest(lesson)
    assert all(_rows(idle.pk).values())
    _age(idle, 31)
    output = prune("--guest-days", "30")
    assert not Learner.objects.filter(pk=idle.pk).exists()
    assert set(_rows(idle.pk).values()) == {0}
    assert Learner.objects.filter(pk=recent.pk).exists() and all(_rows(recent.pk).values())
    assert "Deleted 1 guest(s) idle for 30 days or more." in output
    assert "quizzes.TestAttempt: 1" in output and "quizzes.AttemptQuestion: 10" in output


def test_one_recent_row_keeps_an_old_guest(lesson):
    guest = _busy_guest(lesson)
    _age(guest, 40)
    Response.objects.filter(slot__attempt__learner=guest).update(answered_at=timezone.now())
    assert "Deleted 0 guest(s)" in prune()
    assert Learner.objects.filter(pk=guest.pk).exists()


def test_accounts_are_never_pruned(lesson, django_user_model):
    user = django_user_model.objects.create_user("ada", password=PASSWORD)
    learner = Learner.objects.create(user=user)
    _age(learner, 400)
    prune("--guest-days", "1")
    assert Learner.objects.filter(pk=learner.pk).exists()


def test_dry_run_counts_and_deletes_nothing(lesson):
    guest = _busy_guest(lesson)
    _age(guest, 31)
    before = _rows(guest.pk)
    output = prune("--dry-run")
    assert "Would delete 1 guest(s)" in output and "quizzes.TestAttempt: 1" in output
    assert Learner.objects.filter(pk=guest.pk).exists() and _rows(guest.pk) == before


def test_expired_sessions_are_cleared(client, lesson):
    start(client, lesson)
    Session.objects.create(session_key="x" * 32, session_data="",
                           expire_date=timezone.now() - timedelta(days=1))  # fmt: skip
    assert "Would delete 1 expired session(s)." in prune("--dry-run")
    assert Session.objects.count() == 2
    assert "Deleted 1 expired session(s)." in prune()
    assert list(Session.objects.values_list("session_key", flat=True)) == [
        client.session.session_key
    ]


def test_a_nonsense_number_of_days_is_refused(db):
    with pytest.raises(CommandError, match="--guest-days must be 1 or more"):
        prune("--guest-days", "0")

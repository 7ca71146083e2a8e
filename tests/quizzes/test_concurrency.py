"""Races, on PostgreSQL where row locks and constraints behave as in production."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from quizzes.models import Response, TestAttempt

from .helpers import answer_data, current_token, in_parallel

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (DATABASE_URL=postgres://...)")


def logged_in_clients(user, count):
    first = Client()
    first.force_login(user)
    clients = []
    for _ in range(count):
        client = Client()
        client.cookies = first.cookies  # one browser session, many tabs
        clients.append(client)
    return first, clients


def test_twenty_parallel_starts_make_exactly_one_attempt(course_tx, django_user_model):
    lesson = course_tx["fixture-readiness"]
    user = django_user_model.objects.create_user("racer", password="x-12345678")
    _, clients = logged_in_clients(user, 20)

    results = in_parallel(
        20, lambda i: clients[i].post(reverse("learning:start", args=[lesson.slug]))
    )

    assert all(getattr(r, "status_code", r) == 303 for r in results), results
    assert len({r["Location"] for r in results}) == 1
    assert TestAttempt.objects.filter(lesson=lesson, status="in_progress").count() == 1
    assert TestAttempt.objects.count() == 1


def test_parallel_answers_grade_once_and_lose_no_update(course_tx, django_user_model):
    lesson = course_tx["fixture-readiness"]
    user = django_user_model.objects.create_user("racer", password="x-12345678")
    first, clients = logged_in_clients(user, 10)
    first.post(reverse("learning:start", args=[lesson.slug]))
    attempt = TestAttempt.objects.get()
    url = reverse("learning:answer", args=[attempt.pk])

    for position in range(10):
        slot = attempt.slots.select_related("question").get(position=position)
        data = {
            "token": current_token(first, attempt),
            **answer_data(slot, right=position % 3 != 0),
        }
        results = in_parallel(10, lambda i, data=data: clients[i].post(url, data))
        statuses = sorted(getattr(r, "status_code", r) for r in results)
        assert statuses == [303] + [409] * 9, statuses

    attempt.refresh_from_db()
    responses = Response.objects.filter(slot__attempt=attempt)
    assert responses.count() == 10 == attempt.position
    assert attempt.score == responses.filter(is_correct=True).count() == 6
    assert attempt.status == TestAttempt.Status.FINISHED

"""`manage.py seed_scale`: a consistent history, and a clear refusal off PostgreSQL."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Q, Sum

from courses.models import Lesson
from progress.models import LessonProgress, ReviewCard
from quizzes.models import AttemptQuestion, Response, TestAttempt


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_scale", stdout=out, **options)
    return out.getvalue()


def test_it_refuses_sqlite_and_writes_nothing(course):
    if connection.vendor == "postgresql":
        pytest.skip("the refusal is for SQLite")
    lessons = Lesson.objects.count()
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        seed(learners=2, lessons=5, responses=20)
    assert Lesson.objects.count() == lessons
    assert not TestAttempt.objects.exists()


@pytest.mark.postgres
def test_it_writes_a_history_whose_parts_agree(course):
    if connection.vendor != "postgresql":
        pytest.skip("seed_scale runs on PostgreSQL (DATABASE_URL=postgres://...)")
    seed(learners=7, lessons=5, responses=300)
    assert Lesson.objects.count() == 5  # the fixture's three, and two clones
    attempts = TestAttempt.objects.annotate(
        drawn=Count("slots"), right=Count("slots", filter=Q(slots__response__is_correct=True))
    )
    assert attempts.count() == 30
    assert Response.objects.count() == AttemptQuestion.objects.count() == 300
    for attempt in attempts:
        assert attempt.status == "finished" and attempt.drawn == 10
        assert attempt.score == attempt.right  # the score is what the responses say
    assert LessonProgress.objects.aggregate(tests=Sum("tests_taken"))["tests"] == 30
    missed = Response.objects.filter(is_correct=False)
    pairs = set(missed.values_list("slot__attempt__learner_id", "slot__question_id"))
    assert set(ReviewCard.objects.values_list("learner_id", "question_id")) == pairs
    # The sequences moved on: the site can still create rows after the COPY.
    TestAttempt.objects.create(learner_id=attempts[0].learner_id,
                               lesson=Lesson.objects.first(), seed=1)  # fmt: skip


def test_skip_if_seeded_leaves_a_filled_database_alone(course):
    if connection.vendor != "postgresql":
        pytest.skip("seed_scale runs on PostgreSQL")
    seed(learners=2, lessons=3, responses=20)
    assert "nothing to do" in seed(learners=2, lessons=3, responses=20, skip_if_seeded=True)
    assert Response.objects.count() == 20

"""Roles: the Instructor and Support groups (a data migration) can each do their job in the
admin, and nothing more."""

from importlib import import_module

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.urls import reverse

from courses.models import Lesson, Question
from quizzes.models import Response, TestAttempt
from tests.quizzes.helpers import finish


def staff(username: str, group: str) -> User:
    user = User.objects.create_user(username, password="pw-for-tests", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def instructor(client, db):
    client.force_login(staff("ines", "Instructor"))
    return client


@pytest.fixture
def answered(course):
    """A learner (another client) who finished a test: an attempt, its responses, progress."""
    client = Client()
    client.post(reverse("learning:start", args=["fixture-readiness"]))
    attempt = TestAttempt.objects.get()
    finish(client, attempt)
    return attempt


def codenames(group: str) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=group).permissions.select_related("content_type")
    }


def test_the_instructor_group_holds_exactly_the_authoring_permissions(db):
    models = ["track", "lesson", "section", "sectionitem", "question", "option"]
    expected = {f"courses.{a}_{m}" for m in models for a in ("view", "add", "change", "delete")}
    assert codenames("Instructor") == expected


def test_the_support_group_can_only_view_learners_data(db):
    assert codenames("Support") == {
        "accounts.view_learner", "progress.view_lessonprogress", "progress.view_reviewcard",
        "quizzes.view_testattempt", "quizzes.view_attemptquestion", "quizzes.view_response",
        "quizzes.view_challengerun", "quizzes.view_challengeproblem",
    }  # fmt: skip
    assert not Permission.objects.filter(group__name="Support").exclude(
        codename__startswith="view_"
    )


def test_an_instructor_adds_a_lesson_and_a_question_in_the_admin(instructor, course):
    track = course["fixture-readiness"].track
    response = instructor.post(
        reverse("admin:courses_lesson_add"),
        {
            "track": track.pk, "title": "Caching prompts", "slug": "caching-prompts",
            "level": "ml", "order": 9, "summary": "", "status": "draft",
            "introduction": "Cache what repeats.",
            "sections-TOTAL_FORMS": 0, "sections-INITIAL_FORMS": 0,
            "questions-TOTAL_FORMS": 0, "questions-INITIAL_FORMS": 0,
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    lesson = Lesson.objects.get(slug="caching-prompts")
    assert lesson.is_draft
    response = instructor.post(
        reverse("admin:courses_question_add"),
        {
            "lesson": lesson.pk, "key": "what-to-cache", "use": "test", "kind": "true_false",
            "difficulty": "easy", "order": 1, "is_active": "on",
            "prompt": "A cached prompt prefix is billed again in full.",
            "solution": "1. Providers discount cached prefixes.", "hint": "Think of the bill.",
            "quick_check": "What is discounted?", "mistakes": "- Paying twice.",
            "options-TOTAL_FORMS": 2, "options-INITIAL_FORMS": 0,
            "options-0-order": 0, "options-0-text": "True", "options-0-explanation": "No.",
            "options-1-order": 1, "options-1-text": "False", "options-1-is_correct": "on",
            "options-1-explanation": "Cached prefixes are discounted.",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Question.objects.get(lesson=lesson, key="what-to-cache").options.count() == 2


def test_an_instructor_cannot_reach_users_or_learners_answers(instructor, answered):
    response_row = Response.objects.first()
    for url in (
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_add"),
        reverse("admin:quizzes_response_changelist"),
        reverse("admin:quizzes_response_change", args=[response_row.pk]),
        reverse("admin:quizzes_testattempt_changelist"),
        reverse("admin:progress_lessonprogress_changelist"),
        reverse("admin:accounts_learner_changelist"),
    ):
        assert instructor.get(url).status_code == 403, url


def test_support_views_attempts_and_progress_and_changes_nothing(client, answered):
    client.force_login(staff("sam", "Support"))
    attempt = answered
    for url in (
        reverse("admin:quizzes_testattempt_changelist"),
        reverse("admin:quizzes_testattempt_change", args=[attempt.pk]),
        reverse("admin:quizzes_response_changelist"),
        reverse("admin:progress_lessonprogress_changelist"),
        reverse("admin:progress_reviewcard_changelist"),
        reverse("admin:quizzes_challengerun_changelist"),
        reverse("admin:accounts_learner_changelist"),
    ):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("admin:quizzes_testattempt_change", args=[attempt.pk]))
    assert 'type="submit"' not in page.content.decode().split('id="content"')[1]  # no Save
    change = reverse("admin:quizzes_testattempt_change", args=[attempt.pk])
    assert client.post(change, {"status": "abandoned"}).status_code == 403
    delete = reverse("admin:quizzes_testattempt_delete", args=[attempt.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    attempt.refresh_from_db()
    assert attempt.status == TestAttempt.Status.FINISHED
    lesson = attempt.lesson
    assert client.get(reverse("admin:courses_lesson_add")).status_code == 403
    assert client.get(reverse("admin:courses_lesson_change", args=[lesson.pk])).status_code == 403
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_the_migration_reverses_to_no_groups_and_forward_again(db):
    name = "0006_instructor_and_support_groups"
    migration = import_module(f"courses.migrations.{name}")
    state_apps = MigrationLoader(connection).project_state(("courses", name)).apps
    migration.remove_groups(state_apps, None)
    assert not Group.objects.filter(name__in=["Instructor", "Support"]).exists()
    migration.create_groups(state_apps, None)
    assert len(codenames("Instructor")) == 24
    assert len(codenames("Support")) == 8

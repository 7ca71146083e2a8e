"""core.statements: a queryset compiled once gives what the queryset itself gives."""

import pytest
from django.db import connection
from django.db.models import Count

from core.statements import Statement, Update
from courses.models import Lesson, Question


def by_lesson(lesson):
    return Question.objects.filter(lesson_id=lesson).order_by("pk")


def test_rows_are_the_querysets_rows_for_each_value(course):
    statement = Statement(by_lesson)
    for lesson in course.values():
        expected = list(by_lesson(lesson.pk))
        found = statement.rows(lesson=lesson.pk)
        assert expected and [q.pk for q in found] == [q.pk for q in expected]
        assert [q.prompt for q in found] == [q.prompt for q in expected]


def test_compiled_once_then_run_with_new_values(course, django_assert_num_queries):
    statement = Statement(by_lesson)
    lessons = list(course.values())
    statement.rows(lesson=lessons[0].pk)
    compiled = statement._compiled.copy()
    with django_assert_num_queries(1):
        assert statement.rows(lesson=lessons[1].pk)[0].lesson_id == lessons[1].pk
    assert statement._compiled == compiled


def test_tuples_follow_values_list(course):
    statement = Statement(
        lambda lesson: (
            Question.objects.filter(lesson_id=lesson)
            .values("lesson_id")
            .annotate(n=Count("pk"))
            .values_list("n")
        )
    )
    lesson = next(iter(course.values()))
    assert statement.tuples(lesson=lesson.pk) == [(Question.objects.filter(lesson=lesson).count(),)]
    assert statement.tuples(lesson=-1) == []


def test_a_value_out_of_the_integer_range_matches_nothing(course, django_assert_num_queries):
    statement = Statement(by_lesson)
    with django_assert_num_queries(0):
        assert statement.rows(lesson=10**30) == []
        assert statement.tuples(lesson=-(10**30)) == []


def test_a_value_that_never_reaches_the_parameters_is_refused(db):
    # The builder drops `track`: running the compiled SQL would silently ignore it.
    statement = Statement(lambda lesson, track: Lesson.objects.filter(pk=lesson))
    with pytest.raises(ValueError, match="track"):
        statement.rows(lesson=1, track=2)


def test_an_update_changes_the_matching_rows_and_counts_them(course):
    from django.db.models import F

    lesson = next(iter(course.values()))
    bump = Update(
        lambda pk, order, step: (
            Lesson.objects.filter(pk=pk, order=order),
            {"order": F("order") + step},
        )
    )
    before = lesson.order
    assert bump.run(pk=lesson.pk, order=before, step=5) == 1
    assert bump.run(pk=lesson.pk, order=before, step=5) == 0  # the condition no longer holds
    lesson.refresh_from_db()
    assert lesson.order == before + 5
    assert bump.run(pk=10**30, order=before, step=5) == 0


def test_rows_convert_every_field_as_the_orm_does(client, course):
    """Booleans, JSON lists, datetimes and integers come back as the ORM gives them,
    annotations become attributes, and left-out columns are deferred."""
    from django.db.models import Count

    from progress.models import LessonProgress
    from tests.quizzes.helpers import finish, start

    lesson = course["fixture-readiness"]
    finish(client, start(client, lesson), pattern="1111100000")
    progress = LessonProgress.objects.get()
    statement = Statement(lambda learner: LessonProgress.objects.filter(learner_id=learner))
    (found,) = statement.rows(learner=progress.learner_id)
    for field in LessonProgress._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(progress, field.attname), field.name
    assert isinstance(found.modes_visited, list) and found.last_activity.tzinfo is not None

    counted = Statement(
        lambda lesson: (
            Question.objects.filter(lesson_id=lesson)
            .only("key", "is_active")
            .annotate(choices=Count("options"))
            .order_by("pk")
        )
    )
    rows = counted.rows(lesson=lesson.pk)
    expected = Question.objects.filter(lesson=lesson).annotate(choices=Count("options"))
    assert [(q.key, q.is_active, q.choices) for q in rows] == [
        (q.key, q.is_active, q.choices) for q in expected.order_by("pk")
    ]
    assert rows[0].is_active is True
    assert rows[0].get_deferred_fields() >= {"prompt", "difficulty"}


def _advance():
    from django.db.models import F

    from quizzes.models import TestAttempt

    return Update(
        lambda attempt, position: (
            TestAttempt.objects.filter(pk=attempt, position=position),
            {"position": F("position") + 1},
        )
    )


def test_run_then_insert_inserts_only_when_the_update_matched(client, course):
    from quizzes.models import Response, TestAttempt
    from tests.quizzes.helpers import start

    attempt = start(client, course["fixture-readiness"])
    first, second = attempt.slots.order_by("position")[:2]
    advance = _advance()

    response = Response(slot=first, selected_options=[3, 1], typed_answer="", is_correct=True)
    assert advance.run_then_insert(response, attempt=attempt.pk, position=0) is True
    saved = Response.objects.get(pk=first.pk)
    assert (saved.selected_options, saved.is_correct) == ([3, 1], True)
    assert saved.answered_at is not None and not response._state.adding

    # The condition no longer holds: nothing is updated and nothing inserted.
    late = Response(slot=second, selected_options=[], typed_answer="x", is_correct=False)
    assert advance.run_then_insert(late, attempt=attempt.pk, position=0) is False
    assert not Response.objects.filter(pk=second.pk).exists()
    assert TestAttempt.objects.get(pk=attempt.pk).position == 1
    assert advance.run_then_insert(late, attempt=10**30, position=1) is False


def test_run_then_insert_is_all_or_nothing(client, course):
    """The INSERT fails (the slot has its response already): the UPDATE is undone too."""
    from django.db import IntegrityError, transaction

    from quizzes.models import Response, TestAttempt
    from tests.quizzes.helpers import start

    attempt = start(client, course["fixture-readiness"])
    slot = attempt.slots.get(position=0)
    Response.objects.create(slot=slot, selected_options=[], typed_answer="", is_correct=False)
    again = Response(slot=slot, selected_options=[], typed_answer="", is_correct=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        _advance().run_then_insert(again, attempt=attempt.pk, position=0)
    assert TestAttempt.objects.get(pk=attempt.pk).position == 0
    assert Response.objects.get(pk=slot.pk).is_correct is False


def test_constants_are_written_into_the_sql_on_postgresql(course):
    """On PostgreSQL a prepared statement's one generic plan is made for the constants
    (a partial index on a status is usable), so only the values stay parameters; quoting
    holds for a constant with a quote and a percent sign."""
    statement = Statement(
        lambda lesson: (
            Question.objects.filter(lesson_id=lesson)
            .exclude(prompt="it's 100% %s")
            .filter(kind__in=list(Question.Kind))
            .order_by("pk")
        )
    )
    lesson = next(iter(course.values()))
    expected = [q.pk for q in Question.objects.filter(lesson=lesson).order_by("pk")]
    assert expected and [q.pk for q in statement.rows(lesson=lesson.pk)] == expected
    _, sql, params, stand_ins = statement._compiled[connection.vendor]
    if connection.vendor != "postgresql":
        assert len(params) > len(stand_ins)  # elsewhere, Django's parameters as they were
        return
    assert list(params) == list(stand_ins)
    assert "'it''s 100%% %%s'" in sql and "'single'" in sql

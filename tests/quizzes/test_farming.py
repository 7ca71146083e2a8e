"""Strength cannot be farmed: answers once seen (feedback read, in any attempt, finished or
ended early) cannot raise strength, and stopping a test after an answer counts it.

Each test drives the exploit through HTTP as a learner would. The fixture lesson's bank has
20 test questions (6 easy, 8 medium, 6 hard): two tests see them all.
"""

import pytest
from django.urls import reverse

from progress.models import LessonProgress, ReviewCard
from quizzes.models import Response, TestAttempt
from tests.factories import make_bank, make_lesson

from .helpers import answer, answer_each_within, finish, start


@pytest.fixture
def lesson(course):
    return course["fixture-readiness"]


def _abandon(client, attempt):
    return client.post(reverse("learning:abandon", args=[attempt.pk]))


def _strength(client, lesson) -> str:
    learner_id = client.session["learner"]["id"]
    return LessonProgress.objects.get(learner_id=learner_id, lesson=lesson).strength


def _see_every_answer(client, lesson):
    """The exploit's first half: a weak test, then read feedback and abandon until every
    question in the bank has been answered once."""
    first = finish(client, start(client, lesson), "1100000000")
    assert first.strength == "weak"
    second = start(client, lesson)
    assert second.seen_count == 0  # the bank still had ten unseen questions
    answer(client, second, right=False)
    _abandon(client, second)
    return first, second


def test_reading_feedback_abandoning_and_restarting_cannot_reach_strong(client, lesson):
    _see_every_answer(client, lesson)
    retake = start(client, lesson)
    assert retake.seen_count == retake.question_count == 10 and retake.is_practice
    page = client.get(reverse("learning:attempt", args=[retake.pk])).content.decode()
    assert "Practice test: you have already seen the answers to 10 of these questions" in page

    retake = finish(client, retake, "1" * 10)  # every answer from memory of the feedback
    assert retake.score == 10
    assert retake.strength == "weak" and _strength(client, lesson) == "weak"
    result = client.get(reverse("learning:result", args=[retake.pk])).content.decode()
    assert "so it was practice" in result and ">Weak<" in result
    # And again: no number of retakes on seen answers lifts it.
    assert finish(client, start(client, lesson), "1" * 10).strength == "weak"


def test_a_test_on_unseen_questions_still_counts_fully(client, lesson):
    """The honest path: 2/10, study, a retake on new questions reaches Strong."""
    finish(client, start(client, lesson), "1100000000")
    retake = start(client, lesson)
    assert retake.seen_count == 0 and not retake.is_practice
    assert finish(client, retake, "1" * 10).strength == "strong"
    assert _strength(client, lesson) == "strong"
    page = client.get(reverse("learning:result", args=[retake.pk])).content.decode()
    assert "so it was practice" not in page


def test_a_practice_test_can_still_lower_strength(client, lesson):
    finish(client, start(client, lesson), "1" * 10)
    finish(client, start(client, lesson), "1" * 10)
    assert _strength(client, lesson) == "strong"
    practice = finish(client, start(client, lesson), "0" * 10)
    assert practice.is_practice and practice.strength == "weak"
    assert _strength(client, lesson) == "weak"


def test_abandoning_after_an_answer_finishes_the_test_with_the_rest_wrong(client, lesson):
    attempt = start(client, lesson)
    for _ in range(3):
        answer(client, attempt, right=True)
    response = _abandon(client, attempt)
    assert response.status_code == 302
    assert response["Location"] == reverse("learning:result", args=[attempt.pk])

    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.position) == ("finished", 3, 10)
    assert attempt.strength == "weak" and _strength(client, lesson) == "weak"
    blanks = Response.objects.filter(slot__attempt=attempt, is_correct=False)
    assert blanks.count() == 7 and all(r.is_blank for r in blanks)
    assert ReviewCard.objects.filter(question__in=blanks.values("slot__question")).count() == 7
    progress = LessonProgress.objects.get(lesson=lesson, learner_id=attempt.learner_id)
    assert (progress.tests_taken, progress.latest_score) == (1, 3)

    page = client.get(response["Location"]).content.decode()
    assert "the 7 questions you had not answered count as wrong" in page
    # Nothing more can be answered: the question page now sends the learner to the result.
    assert client.get(reverse("learning:attempt", args=[attempt.pk])).status_code == 302


def test_the_ended_test_counts_all_its_questions_as_seen(client, lesson):
    attempt = start(client, lesson)
    answer(client, attempt, right=True)
    _abandon(client, attempt)
    drawn = set(attempt.slots.values_list("question_id", flat=True))
    # The next test avoids all ten; the one after must repeat some, and says so.
    second = start(client, lesson)
    assert not drawn & set(second.slots.values_list("question_id", flat=True))
    assert second.seen_count == 0
    finish(client, second, "0" * 10)
    assert start(client, lesson).seen_count == 10


def test_abandoning_before_any_answer_counts_nothing(client, lesson):
    attempt = start(client, lesson)
    response = _abandon(client, attempt)
    assert response.status_code == 302 and response["Location"] == lesson.get_absolute_url()
    attempt.refresh_from_db()
    assert attempt.status == "abandoned" and not Response.objects.exists()
    assert _strength(client, lesson) == "not_started"
    # Its prompts were drawn but never answered: not seen, so a later test still counts.
    for _ in range(2):
        again = start(client, lesson)
        assert again.seen_count == 0
        _abandon(client, again)
    assert finish(client, start(client, lesson), "1" * 10).strength == "strong"


def test_abandoning_twice_or_after_the_end_changes_nothing(client, lesson):
    attempt = start(client, lesson)
    answer(client, attempt, right=False)
    _abandon(client, attempt)
    before = TestAttempt.objects.values().get(pk=attempt.pk)
    response = _abandon(client, attempt)
    assert response["Location"] == reverse("learning:result", args=[attempt.pk])
    assert TestAttempt.objects.values().get(pk=attempt.pk) == before
    assert Response.objects.filter(slot__attempt=attempt).count() == 10


def test_the_rule_is_shown_where_learners_decide(client, lesson):
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert "Only questions whose answers you have not seen yet can raise your strength" in page
    attempt = start(client, lesson)
    question = client.get(reverse("learning:attempt", args=[attempt.pk])).content.decode()
    assert "Nothing counts yet if you stop before your first answer." in question
    answer(client, attempt)
    question = client.get(reverse("learning:attempt", args=[attempt.pk])).content.decode()
    assert "stopping now ends the test with the unanswered questions wrong" in question
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert 'aria-describedby="test-integrity-rule">Abandon it' in page
    finish(client, attempt)
    result = client.get(reverse("learning:result", args=[attempt.pk])).content.decode()
    assert "once it must repeat seen ones it is practice and cannot raise your strength" in result


def test_a_practice_tests_answers_stay_within_the_query_budget(
    client, db, django_assert_max_num_queries
):
    lesson = make_lesson()
    make_bank(lesson)  # exactly ten: the second test repeats them all
    finish(client, start(client, lesson), "0" * 10)
    attempt = start(client, lesson)
    assert attempt.is_practice
    # The last answer also finishes the test.
    answer_each_within(client, attempt, 10, django_assert_max_num_queries)
    attempt.refresh_from_db()
    assert attempt.score == 10 and attempt.strength == "weak"


def test_signing_in_after_a_fresh_guests_retake_cannot_reach_strong(
    client, lesson, django_user_model
):
    """The exploit through a second identity: see every answer signed in, sign out, take
    the test as a fresh guest from memory, sign in again. Merged into the account, that
    guest's test is practice, as it would have been had the learner stayed signed in."""
    django_user_model.objects.create_user("farmer", password="a-long-pass-phrase-42")
    client.post(
        reverse("accounts:login"), {"username": "farmer", "password": "a-long-pass-phrase-42"}
    )
    _see_every_answer(client, lesson)
    assert _strength(client, lesson) == "weak"
    client.post(reverse("accounts:logout"))

    as_guest = finish(client, start(client, lesson), "1" * 10)
    assert as_guest.strength == "strong"  # the guest had seen nothing
    client.post(
        reverse("accounts:login"), {"username": "farmer", "password": "a-long-pass-phrase-42"}
    )

    as_guest.refresh_from_db()
    assert as_guest.is_practice
    assert _strength(client, lesson) == "weak"

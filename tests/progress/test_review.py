"""Flashcards and spaced review, scheduled with FSRS."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from progress import scheduling
from progress.models import LessonProgress, ReviewCard
from progress.strength import DEVELOPING, STRONG, WEAK, current_strength
from tests.pages import page_text
from tests.quizzes.helpers import finish, start


@pytest.fixture
def lesson(course):
    return course["fixture-readiness"]


def rate(client, lesson, card_key, rating, htmx=False):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        reverse("learning:rate-flashcard", args=[lesson.slug]),
        {"card": card_key, "rating": rating},
        **headers,
    )


def test_flashcards_show_a_card_with_its_back_hidden_until_revealed(client, lesson):
    response = client.get(reverse("learning:flashcards", args=[lesson.slug]))
    html = response.content.decode()
    first = lesson.sections.filter(kind="fact").order_by("order").first()
    assert f"What is “{first.heading}”?" in html
    assert '<details class="memory-card__back">' in html
    assert "Again" in html and "Good" in html and "Easy" in html
    assert "Cheat sheet" in html
    assert not ReviewCard.objects.exists(), "GET must not create cards"


def test_due_dates_move_as_the_ratings_say(client, lesson):
    facts = list(lesson.sections.filter(kind="fact").order_by("order")[:4])
    for section, rating in zip(facts, ["again", "hard", "good", "easy"], strict=True):
        assert rate(client, lesson, section.key, rating).status_code == 303
    due = {c.section_id: c.due for c in ReviewCard.objects.all()}
    again, hard, good, easy = (due[s.pk] for s in facts)
    assert again < hard < good < easy
    assert easy - timezone.now() > timedelta(days=1)
    assert again - timezone.now() < timedelta(minutes=2)


def test_rating_a_card_again_reschedules_it_from_its_state(client, lesson):
    fact = lesson.sections.filter(kind="fact").first()
    rate(client, lesson, fact.key, "good")
    first = ReviewCard.objects.get()
    ReviewCard.objects.filter(pk=first.pk).update(due=timezone.now())
    rate(client, lesson, fact.key, "good")
    second = ReviewCard.objects.get()
    assert second.reps == 2
    assert second.due > first.due


def test_rated_cards_leave_the_queue_and_the_next_one_shows(client, lesson):
    fact = lesson.sections.filter(kind="fact").order_by("order").first()
    response = rate(client, lesson, fact.key, "good", htmx=True)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="memory-swap">')
    assert f"What is “{fact.heading}”?" not in html
    progress = LessonProgress.objects.get()
    assert "flashcards" in progress.modes_visited
    assert progress.review_due_at == ReviewCard.objects.get().due


def test_bad_ratings_are_refused(client, lesson):
    fact = lesson.sections.filter(kind="fact").first()
    for data in ({"card": fact.key, "rating": "perfect"}, {"card": fact.key},
                 {"card": fact.key, "rating": ["good", "easy"]}):  # fmt: skip
        response = client.post(reverse("learning:rate-flashcard", args=[lesson.slug]), data)
        assert response.status_code == 400
    other = lesson.sections.filter(kind="concept").first()
    response = rate(client, lesson, other.key, "good")
    assert response.status_code == 404
    assert not ReviewCard.objects.exists()


def test_missed_test_questions_come_back_in_review(client, lesson):
    attempt = finish(client, start(client, lesson), pattern="1111111100")
    missed = set(attempt.slots.filter(position__gte=8).values_list("question_id", flat=True))
    cards = ReviewCard.objects.filter(question__isnull=False)
    assert set(cards.values_list("question_id", flat=True)) == missed
    html = client.get(reverse("learning:review")).content.decode()
    assert "2 due now" in html
    assert "Missed test question" in html


def test_review_interleaves_lessons_and_rates_cards(client, course):
    for slug in ("fixture-readiness", "fixture-monitoring"):
        lesson = course[slug]
        for fact in lesson.sections.filter(kind="fact")[:2]:
            rate(client, lesson, fact.key, "again")
    ReviewCard.objects.update(due=timezone.now() - timedelta(hours=1))
    from progress.selectors import due_review

    learner_id = ReviewCard.objects.first().learner_id
    order = [f.card.lesson.slug for f in due_review(learner_id, timezone.now())]
    assert order[0] != order[1] and order[1] != order[2]
    card = ReviewCard.objects.order_by("due").first()
    response = client.post(reverse("learning:rate-review"), {"card": card.pk, "rating": "easy"})
    assert response.status_code == 303
    card.refresh_from_db()
    assert card.due > timezone.now() + timedelta(hours=23)


def test_review_empty_state_says_when_the_next_card_is_due(client, lesson):
    html = client.get(reverse("learning:review")).content.decode()
    assert "Nothing is scheduled yet" in html
    rate(client, lesson, lesson.sections.filter(kind="fact").first().key, "easy")
    html = client.get(reverse("learning:review")).content.decode()
    assert "Your next card is due in" in html


def test_no_learner_can_rate_or_see_anothers_cards(client, lesson):
    rate(client, lesson, lesson.sections.filter(kind="fact").first().key, "again")
    card = ReviewCard.objects.get()
    ReviewCard.objects.update(due=timezone.now() - timedelta(days=1))
    other = Client()
    assert "Nothing is scheduled yet" in other.get(reverse("learning:review")).content.decode()
    response = other.post(reverse("learning:rate-review"), {"card": card.pk, "rating": "easy"})
    assert response.status_code == 404
    card.refresh_from_db()
    assert card.reps == 1


def test_review_page_query_count_is_constant(client, course, django_assert_max_num_queries):
    for lesson in course.values():
        for fact in lesson.sections.filter(kind="fact"):
            rate(client, lesson, fact.key, "again")
    ReviewCard.objects.update(due=timezone.now() - timedelta(hours=1))
    with django_assert_max_num_queries(4):
        response = client.get(reverse("learning:review"))
    assert "due" in page_text(response)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("learning:flashcards", args=["fixture-readiness"]))
    assert course["fixture-readiness"].title in page_text(response)


@pytest.mark.parametrize(
    ("strength", "overdue_days", "shown"),
    [(STRONG, 0, STRONG), (STRONG, 1, STRONG), (STRONG, 3, DEVELOPING),
     (DEVELOPING, 3, WEAK), (WEAK, 30, WEAK)],
)  # fmt: skip
def test_strength_decays_while_review_is_overdue(strength, overdue_days, shown):
    now = timezone.now()
    assert current_strength(strength, now - timedelta(days=overdue_days), now) == shown
    assert current_strength(strength, None, now) == strength


def test_an_overdue_review_shows_a_decayed_strength_on_the_lesson(client, lesson):
    finish(client, start(client, lesson), pattern="1111111110")
    LessonProgress.objects.update(strength=STRONG, review_due_at=timezone.now() - timedelta(days=5))
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert '<span class="strength strength--developing">Developing</span>' in html


def test_interval_descriptions():
    now = timezone.now()
    assert scheduling.describe_interval(now + timedelta(minutes=10), now) == "10 min"
    assert scheduling.describe_interval(now + timedelta(days=3), now) == "3 days"
    assert scheduling.describe_interval(now + timedelta(hours=1), now) == "1 hour"


def test_a_non_ascii_digit_card_id_is_a_400_not_a_500(client, db):
    for card in ("²", "١٢", "9" * 40):
        response = client.post(reverse("learning:rate-review"), {"card": card, "rating": "good"})
        assert response.status_code == 400, card

"""Spaced review with FSRS: one scheduler for flashcards and missed questions alike."""

from datetime import datetime

from fsrs import Card, Rating, Scheduler

# No fuzzing: the same ratings give the same due dates, which learners (and tests) can trust.
SCHEDULER = Scheduler(enable_fuzzing=False)

RATINGS = {
    "again": Rating.Again,
    "hard": Rating.Hard,
    "good": Rating.Good,
    "easy": Rating.Easy,
}
RATING_LABELS = (("again", "Again"), ("hard", "Hard"), ("good", "Good"), ("easy", "Easy"))


def new_state(now: datetime) -> dict:
    """A card that has never been reviewed, due now."""
    return Card(due=now).to_dict()


def review(state: dict, rating: str, now: datetime) -> tuple[dict, datetime]:
    """Apply one rating; return the new state and when the card is next due."""
    card, _log = SCHEDULER.review_card(Card.from_dict(state), RATINGS[rating], review_datetime=now)
    return card.to_dict(), card.due

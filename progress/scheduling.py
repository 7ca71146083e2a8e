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
    """A card that has never been reviewed, due now. (An explicit id: fsrs otherwise makes
    one from the clock and sleeps a millisecond to keep ids apart.)"""
    return Card(card_id=int(now.timestamp() * 1000), due=now).to_dict()


def review(state: dict, rating: str, now: datetime) -> tuple[dict, datetime]:
    """Apply one rating; return the new state and when the card is next due."""
    card, _log = SCHEDULER.review_card(Card.from_dict(state), RATINGS[rating], review_datetime=now)
    return card.to_dict(), card.due


def preview(state: dict | None, now: datetime) -> dict[str, datetime]:
    """When the card would next be due after each rating, to label the buttons."""
    state = state or new_state(now)
    return {name: review(state, name, now)[1] for name, _ in RATING_LABELS}


def describe_interval(due: datetime, now: datetime) -> str:
    """'10 min', '3 days': how far ahead a due date is, in the largest sensible unit."""
    seconds = max(0, int((due - now).total_seconds()))
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "min")):
        if seconds >= size:
            count = round(seconds / size)
            return f"{count} {unit}" + ("s" if count != 1 and unit != "min" else "")
    return "now"

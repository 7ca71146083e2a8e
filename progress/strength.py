"""Pattern strength: the one place that decides how strong a learner's pattern is.

The rule is weighted by difficulty: a high score earned on easy questions alone is not
"strong". The page shows RULE, so learners read the same rule the code applies.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

NOT_STARTED, WEAK, DEVELOPING, STRONG = "not_started", "weak", "developing", "strong"
LABELS = {NOT_STARTED: "Not started", WEAK: "Weak", DEVELOPING: "Developing", STRONG: "Strong"}

STRONG_SCORE = 8  # of 10
STRONG_HARD_SHARE = 2 / 3  # at least 2 of 3 hard questions right
DEVELOPING_SCORE = 5

OVERDUE_GRACE = timedelta(days=2)
DECAY = {STRONG: DEVELOPING, DEVELOPING: WEAK}

RULE = (
    "Strong: at least 8 of 10 right in your latest test, including at least 2 of the 3 hard "
    "questions. Developing: at least 5 of 10 right. Weak: fewer than 5. "
    "Not started: no finished test yet. "
    "A strong or developing pattern drops one level while its spaced review is more than "
    "2 days overdue; review the due cards to restore it."
)


@dataclass(frozen=True)
class Tally:
    correct: int
    total: int
    hard_correct: int
    hard_total: int


def strength_of(tally: Tally | None) -> str:
    """The strength that a finished test's tally earns (None: no finished test)."""
    if tally is None or tally.total == 0:
        return NOT_STARTED
    scaled = tally.correct * 10 / tally.total  # the same rule for a shorter test
    hard_ok = tally.hard_total == 0 or tally.hard_correct >= tally.hard_total * STRONG_HARD_SHARE
    if scaled >= STRONG_SCORE and hard_ok:
        return STRONG
    if scaled >= DEVELOPING_SCORE:
        return DEVELOPING
    return WEAK


def current_strength(strength: str, review_due_at: datetime | None, now: datetime) -> str:
    """The strength a learner sees today: one level lower while review is overdue."""
    if review_due_at is not None and now - review_due_at > OVERDUE_GRACE:
        return DECAY.get(strength, strength)
    return strength

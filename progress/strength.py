"""Pattern strength: the one place that decides how strong a learner's pattern is.

The rule is weighted by difficulty: a high score earned on easy questions alone is not
"strong". Only a test on questions the learner has not seen answered can raise it: a
retake of seen questions measures memory of the feedback, not the pattern. The page shows
RULE, so learners read the same rule the code applies.
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
RANK = {NOT_STARTED: 0, WEAK: 1, DEVELOPING: 2, STRONG: 3}

RULE = (
    "Strong: at least 8 of 10 right in your latest test, including at least 2 of the 3 hard "
    "questions. Developing: at least 5 of 10 right. Weak: fewer than 5. "
    "Not started: no finished test yet. "
    "Only a test of questions whose answers you had not seen before can raise it; a retake "
    "that repeats seen questions is practice and can keep or lower your strength, never "
    "raise it. "
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


def practice_strength(earned: str, previous: str) -> str:
    """The strength after a practice test (one that repeated seen questions): what it
    earned, but never above the strength the learner had (a finished test is at least
    weak)."""
    ceiling = max(previous, WEAK, key=RANK.__getitem__)
    return min(earned, ceiling, key=RANK.__getitem__)


def current_strength(strength: str, review_due_at: datetime | None, now: datetime) -> str:
    """The strength a learner sees today: one level lower while review is overdue."""
    if review_due_at is not None and now - review_due_at > OVERDUE_GRACE:
        return DECAY.get(strength, strength)
    return strength

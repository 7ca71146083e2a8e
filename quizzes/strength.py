"""Pattern strength: the one place that decides how strong a learner's pattern is.

The rule is weighted by difficulty: a high score earned on easy questions alone is not
"strong". The page shows RULE, so learners read the same rule the code applies.
"""

from dataclasses import dataclass

NOT_STARTED, WEAK, DEVELOPING, STRONG = "not_started", "weak", "developing", "strong"
LABELS = {NOT_STARTED: "Not started", WEAK: "Weak", DEVELOPING: "Developing", STRONG: "Strong"}

STRONG_SCORE = 8  # of 10
STRONG_HARD_SHARE = 2 / 3  # at least 2 of 3 hard questions right
DEVELOPING_SCORE = 5

RULE = (
    "Strong: at least 8 of 10 right, including at least 2 of the 3 hard questions. "
    "Developing: at least 5 of 10 right. Weak: fewer than 5. "
    "Not started: no finished test yet."
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

"""Which ten questions a test asks, and in what order the options appear."""

import random
from dataclasses import dataclass

from courses.test_plan import TEST_PLAN

# Where to borrow from when a difficulty runs short, nearest first.
NEIGHBOURS = {"easy": ("medium", "hard"), "medium": ("easy", "hard"), "hard": ("medium", "easy")}
ORDER = ("easy", "medium", "hard")


@dataclass
class Draw:
    question_ids: list[int]
    note: str  # says how the plan was changed when the bank was short, else ""
    seen_count: int = 0  # drawn questions whose feedback the learner has already seen


def draw_test_questions(
    bank: list[tuple[int, str]],
    seen: set[int],
    rng: random.Random,
    asked: frozenset[int] = frozenset(),
) -> Draw:
    """Pick questions for a test: 3 easy, 4 medium, 3 hard when the bank allows.

    `bank` is (question id, difficulty) pairs. Questions in `seen` (their feedback was shown
    in an earlier attempt) come last, and before them those in `asked` (drawn before but
    never answered). A short difficulty borrows from its neighbours, and the note says so.
    The result runs from easy to hard; `seen_count` says how many seen questions it holds.
    """
    pools: dict[str, list[int]] = {level: [] for level in ORDER}
    for question_id, difficulty in bank:
        pools[difficulty].append(question_id)
    for ids in pools.values():
        rng.shuffle(ids)
        ids.sort(key=lambda q: (q in seen, q in asked))  # stable: never asked first
    picked = {level: pools[level][:count] for level, count in TEST_PLAN.items()}
    for level in ORDER:
        del pools[level][: TEST_PLAN[level]]

    borrowed = []
    for level, count in TEST_PLAN.items():
        missing = count - len(picked[level])
        for neighbour in NEIGHBOURS[level]:
            while missing and pools[neighbour]:
                picked[neighbour].append(pools[neighbour].pop(0))
                borrowed.append((level, neighbour))
                missing -= 1
    note = ""
    if borrowed:
        parts = sorted({f"{sum(1 for b in borrowed if b == pair)} {pair[1]} in place of {pair[0]}"
                        for pair in borrowed})  # fmt: skip
        note = "This lesson's bank is short of some difficulties, so the test used " + (
            "; ".join(parts) + "."
        )
    ids = [question_id for level in ORDER for question_id in picked[level]]
    return Draw(ids, note, seen_count=len(seen.intersection(ids)))


def shuffled_options(options: list, seed: int, question_id: int) -> list:
    """The options in this attempt's order: the same on every reload."""
    options = list(options)
    random.Random(f"{seed}:{question_id}").shuffle(options)
    return options

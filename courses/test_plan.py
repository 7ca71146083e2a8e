"""What a test draws from a lesson's bank: 3 easy, 4 medium and 3 hard questions.

It lives here, in the content layer, because authoring checks the bank against it (the
importer, the admin's checks panel) while quizzes/drawing.py draws by it.
"""

TEST_PLAN = {"easy": 3, "medium": 4, "hard": 3}
TEST_LENGTH = sum(TEST_PLAN.values())


def fresh_tests(bank_by_difficulty: dict[str, int]) -> int:
    """How many tests draw no question twice: each takes its plan from every difficulty
    (borrowing between difficulties, which the draw does when one runs short, is not
    counted, so this never promises more than the draw keeps)."""
    return min(bank_by_difficulty.get(level, 0) // count for level, count in TEST_PLAN.items())

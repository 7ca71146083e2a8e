"""How an answer is judged. The server is the only judge; pages never see the key."""

from courses.validation import normalise_output

MAX_TYPED_ANSWER = 2000  # characters; a code-output answer longer than this is refused


def grade(question, correct_option_ids: set[int], selected: list[int], typed: str) -> bool:
    """True if the answer is right. Multiple select is all or nothing."""
    if question.is_typed:
        return normalise_output(typed) == normalise_output(question.expected_output)
    return set(selected) == correct_option_ids


class GradedAtOnce:
    """The result of answers graded together (the diagram quiz, the matching exercise): its
    `verdicts()` say, per answer, whether it was right; pages show the score of the total."""

    def verdicts(self) -> list[bool]:
        raise NotImplementedError

    @property
    def score(self) -> int:
        return sum(self.verdicts())

    @property
    def total(self) -> int:
        return len(self.verdicts())

    @property
    def all_right(self) -> bool:
        return self.score == self.total

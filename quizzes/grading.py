"""How an answer is judged. The server is the only judge; pages never see the key."""

from courses.validation import normalise_output

MAX_TYPED_ANSWER = 2000  # characters; a code-output answer longer than this is refused


def grade(question, correct_option_ids: set[int], selected: list[int], typed: str) -> bool:
    """True if the answer is right. Multiple select is all or nothing."""
    if question.is_typed:
        return normalise_output(typed) == normalise_output(question.expected_output)
    return set(selected) == correct_option_ids

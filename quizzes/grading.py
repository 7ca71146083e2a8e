"""How an answer is judged. The server is the only judge; pages never see the key."""

MAX_TYPED_ANSWER = 2000  # characters; a code-output answer longer than this is refused


def normalise_output(text: str) -> str:
    """Compare printed output fairly: any line ending, no trailing spaces, no final newline."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).rstrip("\n")


def grade(question, correct_option_ids: set[int], selected: list[int], typed: str) -> bool:
    """True if the answer is right. Multiple select is all or nothing."""
    if question.is_typed:
        return normalise_output(typed) == normalise_output(question.expected_output)
    return set(selected) == correct_option_ids

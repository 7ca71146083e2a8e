"""The rules a well-formed question follows, shared by the admin and the importer.

Each function returns a list (or dict) of plain-language problems; empty means valid.
"""

from .sandbox import SandboxError, SandboxUnavailable, run_snippet


def normalise_output(text: str) -> str:
    """Compare printed output fairly: any line ending, no trailing spaces, no final newline."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).rstrip("\n")


OPTION_RULES = {
    "single": "needs exactly one correct option",
    "true_false": "needs exactly two options, one of them correct",
    "multiple": "needs at least two correct options and at least one wrong one",
}


def check_question_fields(kind: str, code: str, expected_output: str) -> dict[str, str]:
    """Code-output questions carry their code and exactly what it prints."""
    errors = {}
    if kind == "code_output":
        if not code.strip():
            errors["code"] = "A code-output question needs the code it asks about."
        if not expected_output.strip():
            errors["expected_output"] = "Give exactly what the code prints."
    return errors


def check_options(kind: str, correct_flags: list[bool]) -> str | None:
    """Return a problem with a question's options, or None."""
    correct = sum(correct_flags)
    total = len(correct_flags)
    if kind == "code_output":
        return (
            "A code-output question is answered by typing; remove its options." if total else None
        )
    ok = {
        "single": total >= 2 and correct == 1,
        "true_false": total == 2 and correct == 1,
        "multiple": correct >= 2 and total > correct,
    }[kind]
    return None if ok else f"A {kind.replace('_', '/')} question {OPTION_RULES[kind]}."


def check_code_output(code: str, expected_output: str) -> str | None:
    """Run the snippet in the sandbox (see courses.sandbox); return a problem if it prints
    something else, fails, or cannot be checked on this machine."""
    try:
        printed = run_snippet(code)
    except SandboxUnavailable as error:
        return f"The code could not be checked: {error}"
    except SandboxError as error:
        return f"The code does not run: {error}"
    if normalise_output(printed) != normalise_output(expected_output):
        return f"The code prints {printed!r}, not the expected output {expected_output!r}."
    return None

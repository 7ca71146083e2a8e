"""Helpers shared by the interchange tests."""

import time
from pathlib import Path

from courses.interchange import (
    ParsedOption,
    ParsedQuestion,
    parse_aiken,
    parse_gift,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "interchange"


def read(name: str, **options):
    parse = parse_gift if name.endswith(".gift") else parse_aiken
    return parse((FIXTURES / name).read_bytes(), source=name, **options)


def by_key(result) -> dict[str, ParsedQuestion]:
    return {question.key: question for question in result.questions}


def shape(question: ParsedQuestion) -> list[tuple[str, bool, str]]:
    return [(option.text, option.correct, option.feedback) for option in question.options]


NASTY = r"Braces {x}, tilde ~, equals =, hash #, colon :, backslash \ and \n, arrow ->"


def timed(parse, text):
    start = time.perf_counter()
    result = parse(text, source="huge")
    return result, time.perf_counter() - start


def question(kind, key, **fields) -> ParsedQuestion:
    return ParsedQuestion(key=key, kind=kind, prompt=fields.pop("prompt", f"{key}?"), **fields)


ROUND_TRIP = [
    question(
        "single",
        "single-choice",
        prompt="Which **one**?\n\nA second paragraph with " + NASTY,
        general_feedback="Steps:\n\n1. one\n2. two",
        options=[
            ParsedOption("Right " + NASTY, True, "Because " + NASTY),
            ParsedOption("%d looks like a weight", False, "[a link](https://example.com)"),
            ParsedOption("[plain] looks like a format", False),
        ],
    ),
    question(
        "multiple",
        "three-of-five",
        options=[
            ParsedOption("a", True, "yes"),
            ParsedOption("b", True),
            ParsedOption("c", True),
            ParsedOption("d", False, "no"),
            ParsedOption("e", False),
        ],
        category="reliability/latency",
    ),
    question(
        "multiple",
        "all-correct",
        options=[ParsedOption("a", True), ParsedOption("b", True)],
        category="reliability/latency",
    ),
    question(
        "true_false",
        "true-with-feedback",
        options=[ParsedOption("True", True, "right: #1"), ParsedOption("False", False, "no")],
        general_feedback="General.",
    ),
    question(
        "true_false",
        "false-only-right-feedback",
        options=[ParsedOption("True", False), ParsedOption("False", True, "Indeed.")],
    ),
    question(
        "true_false",
        "false-bare",
        options=[ParsedOption("True", False), ParsedOption("False", True)],
    ),
    question(
        "code_output",
        "what-prints",
        prompt="What does this print?",
        code='d = {"a": 1}  # a dict\nfor k in d:\n    print(f"{k}->{d[k]}\\n")\nprint("```")',
        expected_output="a->1\\n\n```",
        general_feedback="Loops over keys.",
        category="",
    ),
    question(
        "code_output",
        "output-looks-like-markup",
        code="print('[x] %d')",
        expected_output="[x] %d",
    ),
    question(
        "single",
        "choice-with-code",
        code="x = 1\n\n\nprint(x)",
        options=[ParsedOption("1", True), ParsedOption("2", False)],
        category="other",
    ),
]

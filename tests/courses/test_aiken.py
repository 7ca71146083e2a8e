"""Aiken: single choice read and written, errors with file and line."""

import pytest

from courses.interchange import (
    MAX_QUESTIONS,
    AikenError,
    ParsedOption,
    ParsedQuestion,
    parse_aiken,
    write_aiken,
)

from .interchange_helpers import ROUND_TRIP, question, read, timed  # noqa: F401 - fixtures

# --- Aiken ----------------------------------------------------------------------------------------


def test_aiken_questions_read_with_their_answers():
    result = read("questions.txt")
    assert result.ok
    first, second = result.questions
    assert first.kind == "single"
    assert first.key == "what-does-a-p95-latency-of-800-ms"
    assert [(o.text, o.correct) for o in first.options] == [
        ("The average request takes 800 ms", False),
        ("95 % of requests take at most 800 ms", True),
        ("No request takes more than 800 ms", False),
    ]
    assert second.line == 7
    assert second.prompt == (
        "Which signal is a symptom rather than a cause?\nIt may run over two lines."
    )


def test_aiken_errors_name_file_and_line_and_spare_the_good_questions():
    result = read("aiken_errors.txt")
    assert result.problems() == [
        "aiken_errors.txt:4: ANSWER: D names no option (the options are A, B)",
        "aiken_errors.txt:6: a question needs at least two options",
        "aiken_errors.txt:10: no 'ANSWER: X' line after this question's options",
        "aiken_errors.txt:14: an option with no question before it",
        "aiken_errors.txt:20: option A is given twice (also on line 19)",
    ]
    assert all(isinstance(error, AikenError) for error in result.errors)
    assert [q.prompt for q in result.questions] == ["A fine question after all that."]


def test_aiken_plain_text_is_escaped_on_request():
    text = "Is 2*3 <b>6</b>?\nA. yes_really\nB. no\nANSWER: A\n"
    assert parse_aiken(text).questions[0].prompt == "Is 2*3 <b>6</b>?"
    plain = parse_aiken(text, plain=True).questions[0]
    assert plain.prompt == r"Is 2\*3 &lt;b>6&lt;/b>?"
    assert plain.options[0].text == r"yes\_really"


def test_aiken_round_trips_single_choice_and_skips_the_rest():
    single = ROUND_TRIP[0]
    aiken_single = question(
        "single",
        "aiken-single",
        prompt=single.prompt,
        code="print('A. not an option')",
        options=[ParsedOption(o.text, o.correct) for o in single.options],
    )
    written = write_aiken([aiken_single, *ROUND_TRIP[1:]])
    assert [s.reason.split(":")[0] for s in written.skipped] == [
        "three-of-five",
        "all-correct",
        "true-with-feedback",
        "false-only-right-feedback",
        "false-bare",
        "what-prints",
        "output-looks-like-markup",
    ]
    result = parse_aiken(written.text)
    assert result.ok
    # Aiken has no keys: each comes back made from its prompt.
    read_back = {
        "which-one-a-second-paragraph-with-braces-x": aiken_single,
        "choice-with-code": ROUND_TRIP[-1],
    }
    assert result.questions == [
        ParsedQuestion(key=key, kind="single", prompt=q.prompt, code=q.code, options=q.options)
        for key, q in read_back.items()
    ]


def test_aiken_will_not_write_text_that_would_read_as_an_option():
    tricky = question(
        "single",
        "tricky",
        prompt="Which?\nB. this line looks like an option",
        options=[ParsedOption("a", True), ParsedOption("b", False)],
    )
    written = write_aiken([tricky])
    assert written.text == ""
    assert "would read as an option" in written.skipped[0].reason


@pytest.mark.parametrize(
    "text",
    ["A. x\n" * 200_000, "ANSWER: A\n" * 100_000, "Q\n" * 500_000, "\\{" * 500_000],
)
def test_hostile_aiken_parses_or_refuses_quickly(text):
    result, seconds = timed(parse_aiken, text)
    assert seconds < 1.0
    assert result.questions == []
    assert 1 <= len(result.errors) <= 101


def test_more_aiken_questions_than_the_limit_refuses_the_file():
    text = "Q?\nA. a\nB. b\nANSWER: A\n\n" * (MAX_QUESTIONS + 5)
    result = parse_aiken(text, source="many.txt")
    last_line = 5 * MAX_QUESTIONS + 1
    assert result.problems() == [f"many.txt:{last_line}: more than 2000 questions; split the file"]
    assert len({q.key for q in result.questions}) == MAX_QUESTIONS  # q, q-2, q-3…

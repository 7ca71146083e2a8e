"""Any text, code and output survive a trip through GIFT (Hypothesis)."""

# --- Any text survives the trip ------------------------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from courses.interchange import (
    ParsedOption,
    ParsedQuestion,
    parse_gift,
    write_gift,
)

# Printable text and every character GIFT or Markdown gives a meaning to; texts are stored
# stripped, as the writer and Moodle both trim them.
_ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from(
    list("{}=~#:\\%[]->`*_ \n")
)
_LINE = st.text(_ALPHABET.filter(lambda c: c != "\n"), min_size=1, max_size=40).map(str.strip)
_TEXT = st.text(_ALPHABET, min_size=1, max_size=80).map(str.strip)


@st.composite
def choice_questions(draw):
    texts = draw(st.lists(_LINE.filter(bool), min_size=2, max_size=5))
    feedback = draw(st.lists(_TEXT, min_size=len(texts), max_size=len(texts)))
    right = draw(st.integers(0, len(texts) - 1))
    options = [
        ParsedOption(text, index == right, why)
        for index, (text, why) in enumerate(zip(texts, feedback, strict=True))
    ]
    return ParsedQuestion(
        key="any",
        kind="single",
        prompt=draw(_TEXT.filter(bool)),
        options=options,
        general_feedback=draw(_TEXT),
    )


@settings(max_examples=200, deadline=None)
@given(choice_questions())
def test_any_text_round_trips_through_gift(original):
    result = parse_gift(write_gift([original]))
    assert result.problems(strict=True) == []
    assert result.questions == [original]


@settings(max_examples=200, deadline=None)
@given(
    prompt=_TEXT.filter(bool),
    code=st.text(_ALPHABET, min_size=1, max_size=120)
    .map(lambda c: c.rstrip("\n"))
    .filter(str.strip),
    output=_TEXT.filter(bool),
)
def test_any_code_and_output_round_trip_through_gift(prompt, code, output):
    original = ParsedQuestion(
        key="any", kind="code_output", prompt=prompt, code=code, expected_output=output
    )
    result = parse_gift(write_gift([original]))
    assert result.problems(strict=True) == []
    assert result.questions == [original]

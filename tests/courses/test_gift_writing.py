"""Writing GIFT: every kind the site has, as Moodle reads it."""

import pytest

from courses.interchange import (
    ParsedOption,
    parse_gift,
    write_gift,
)

from .interchange_helpers import ROUND_TRIP, question, read  # noqa: F401 - fixtures

# --- GIFT: write, then read back equal -----------------------------------------------------------


def test_every_kind_round_trips_through_gift():
    text = write_gift(ROUND_TRIP)
    result = parse_gift(text)
    assert result.ok, result.problems(strict=True)
    assert result.questions == ROUND_TRIP


def test_written_gift_is_what_moodle_reads():
    text = write_gift(ROUND_TRIP[1:2] + ROUND_TRIP[3:4] + ROUND_TRIP[6:7])
    assert "::three-of-five::[markdown]three-of-five?{\n\t~%33.33333%a#yes\n" in text
    assert "\t~%-50%d#no\n" in text
    assert "{TRUE#no#right\\: \\#1####General.}" in text
    assert "\t=a-\\>1\\\\n\\n```\n" in text  # "->" cannot read as a matching question
    assert "$CATEGORY: reliability/latency\n\n" in text
    assert text.endswith("}\n")


def test_a_question_breaking_its_kind_cannot_be_written():
    bad = question(
        "single", "two-right", options=[ParsedOption("a", True), ParsedOption("b", True)]
    )
    with pytest.raises(ValueError, match="two-right"):
        write_gift([bad])


def test_expected_output_loses_only_its_surrounding_blank_space():
    code_question = question("code_output", "k", code="print()", expected_output="  x\n\n")
    (read_back,) = parse_gift(write_gift([code_question])).questions
    assert read_back.expected_output == "x"

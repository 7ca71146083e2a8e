"""Hostile and huge GIFT and Aiken input: read as inert text, or refused quickly and whole."""

import html
import re

import pytest

from courses.interchange import MAX_QUESTIONS, parse_aiken, parse_gift
from courses.interchange.markup import plain_to_markdown, split_code, with_code
from courses.markdown import render_markdown

from .interchange_helpers import read, shape, timed  # noqa: F401 - fixtures

# --- Hostile and huge input -------------------------------------------------------------------


def test_markup_in_a_file_is_passed_on_as_text_never_interpreted():
    result = read("hostile.gift")
    assert result.ok
    script, plain = result.questions
    assert script.prompt == ("Click <script>alert(1)</script> here <img src=x onerror=alert(2)>")
    assert shape(script) == [
        ("<svg onload=alert(3)>", True, '<a href="javascript:alert(4)">why</a>'),
        ("[javascript link](javascript:alert(5))", False, ""),
    ]
    assert script.general_feedback == '<div hx-get="/admin/">general</div>'
    # Plain text shows its markup as characters.
    assert plain.prompt == "&lt;script>alert(6)&lt;/script> &amp; friends"
    assert plain.options[1].text == "&lt;b onclick=x>no&lt;/b>"


def test_hostile_text_is_inert_once_the_site_renders_it():
    result = read("hostile.gift")
    rendered = " ".join(
        render_markdown(text)
        for question in result.questions
        for text in [question.prompt, question.general_feedback]
        + [o.text for o in question.options]
        + [o.feedback for o in question.options]
    )
    tags = re.findall(r"<[^>]*>", rendered)
    assert tags  # the text did render
    for tag in tags:
        assert not re.match(r"</?(script|img|svg)", tag), tag
        assert not re.search(r"\s(on\w+|hx-[\w-]+)=|javascript:", tag), tag
    assert "alert(6)" in visible_text(rendered)  # plain text shows its markup as text


def test_a_megabyte_of_braces_is_refused_in_well_under_a_second():
    result, seconds = timed(parse_gift, "{" * 1_000_000)
    assert seconds < 1.0
    assert result.questions == []
    assert result.problems()[0].startswith("huge:1: a '{' inside the answers")


@pytest.mark.parametrize(
    "text",
    [
        "\\" * 1_000_000,
        "\\" * 999_999 + "{",
        "::" * 500_000,
        "Q" + "=~" * 500_000 + "{=a ~b}",
        "Q {" + "~" * 1_000_000 + "}",
        "Q {" + "->" * 500_000 + "}",
        "Q {" + "#" * 1_000_000 + "}",
        "Q {=a ~b}" + "-" * 1_000_000,
        "\n" * 1_000_000,
        "{\n\n" * 300_000,
        "Q {T}\n\n" * 150_000,
    ],
)
def test_hostile_megabytes_parse_or_refuse_quickly(text):
    result, seconds = timed(parse_gift, text)
    assert seconds < 1.0
    assert len(result.questions) <= MAX_QUESTIONS
    assert len(result.errors) + len(result.skipped) <= 101


def test_a_file_over_the_line_limit_is_refused_whole():
    result = parse_aiken("Q\n" * 100_000, source="tall.txt")
    assert result.problems() == ["tall.txt:100001: the file has more than 100,000 lines"]


def test_a_file_over_two_megabytes_is_refused_whole():
    result = parse_gift("Q {=a ~b}\n\n" * 200_000, source="big.gift")
    assert result.questions == []
    assert result.problems() == ["big.gift:1: the file is larger than 2 MB"]


def test_more_questions_than_the_limit_refuses_the_file():
    text = "".join(f"::q{n}::Q{n}? {{=a ~b}}\n\n" for n in range(MAX_QUESTIONS + 5))
    result = parse_gift(text, source="many.gift")
    last_line = 2 * MAX_QUESTIONS + 1
    assert result.problems() == [f"many.gift:{last_line}: more than 2000 questions; split the file"]


def test_too_many_problems_stops_reading():
    result = parse_gift("Q {\n\n" * 500, source="bad.gift")
    assert len(result.errors) == 101
    assert str(result.errors[-1]) == "bad.gift:201: more than 100 problems; stopped"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Q {=a ~b}\n\n\xff\xfe {=a ~b}", "x:3: the file is not UTF-8 text"),
        ("Q {=a ~b}\nQ\x00 {=a ~b}", "x:2: a NUL character: this is not a text file"),
    ],
)
def test_binary_input_is_refused_with_its_line(data, message):
    assert parse_gift(data, source="x").problems() == [message]
    assert parse_aiken(data, source="x").problems() == [message]


def test_windows_line_endings_and_a_byte_order_mark_are_read():
    result = parse_gift(b"\xef\xbb\xbf::a::Q {\r\n=yes\r\n~no\r\n}\r\n\r\n::b::R {T}")
    assert result.ok
    assert [q.key for q in result.questions] == ["a", "b"]


# --- Plain text and code blocks -----------------------------------------------------------------


def visible_text(rendered: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", rendered)).split())


@pytest.mark.parametrize(
    "text",
    [
        "2*3*4 = 24 and a_b_c",
        "# not a heading",
        "- not a list",
        "1. not a list either",
        "> not a quote",
        "<b>not bold</b> & <script>alert(1)</script>",
        "wait -- then... [link](http://x) `code` | pipe",
        "line one\n= not a heading underline",
        "    not a code block",
    ],
)
def test_plain_text_renders_as_typed(text):
    rendered = render_markdown(plain_to_markdown(text))
    assert "<script" not in rendered
    assert visible_text(rendered) == " ".join(text.split())


def test_code_travels_as_a_trailing_python_block():
    code = 'fence = "```"\nprint(fence)'
    stem = with_code("What prints?", code)
    assert stem.startswith("What prints?\n\n````python\n")
    assert split_code(stem) == ("What prints?", code)
    # Another language, or text after the block, stays in the prompt.
    assert split_code("Q\n\n```js\nx\n```") == ("Q\n\n```js\nx\n```", "")
    assert split_code("Q\n\n```\nx\n```\nmore") == ("Q\n\n```\nx\n```\nmore", "")

"""GIFT and Aiken files: reading the corpus in tests/fixtures/interchange, refusing malformed
and hostile input with file and line, and writing files that read back equal."""

import html
import re
import time
from pathlib import Path

import pytest

from courses.interchange import (
    MAX_QUESTIONS,
    AikenError,
    GiftError,
    ParsedOption,
    ParsedQuestion,
    parse_aiken,
    parse_gift,
    write_aiken,
    write_gift,
)
from courses.interchange.keys import KEY_MAX_LENGTH, key_from_prompt, slugify_key
from courses.interchange.markup import plain_to_markdown, split_code, with_code
from courses.markdown import render_markdown

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "interchange"


def read(name: str, **options):
    parse = parse_gift if name.endswith(".gift") else parse_aiken
    return parse((FIXTURES / name).read_bytes(), source=name, **options)


def by_key(result) -> dict[str, ParsedQuestion]:
    return {question.key: question for question in result.questions}


def shape(question: ParsedQuestion) -> list[tuple[str, bool, str]]:
    return [(option.text, option.correct, option.feedback) for option in question.options]


# --- GIFT: every feature ------------------------------------------------------------------


@pytest.fixture(scope="module")
def features():
    return read("features.gift")


def test_the_feature_file_reads_without_a_problem(features):
    assert features.ok
    assert features.problems(strict=True) == []
    assert len(features.questions) == 14


def test_single_choice_keeps_per_option_feedback_and_general_feedback(features):
    question = by_key(features)["p95-meaning"]
    assert question.kind == "single"
    assert question.line == 4
    assert question.name == "p95 meaning"
    assert question.prompt == "What does a p95 latency of 800 ms mean?"
    assert shape(question) == [
        ("The average request takes 800 ms", False, "That is the mean, not a percentile."),
        ("95 % of requests take at most 800 ms", True, "Right: the 95th percentile."),
        ("No request takes more than 800 ms", False, "That would be the maximum."),
    ]
    assert question.general_feedback == "Percentiles describe the tail, not the average."


def test_percentage_weights_make_a_multiple_select_question(features):
    question = by_key(features)["pick-the-reliability-signals"]
    assert question.kind == "multiple"
    assert [(o.text, o.correct, o.weight) for o in question.options] == [
        ("Error rate", True, 50.0),
        ("Successful request ratio", True, 50.0),
        ("Number of engineers", False, -100.0),
    ]


def test_a_single_positive_weight_is_single_choice():
    result = parse_gift("Pick it.{~%100%yes ~%-50%no ~maybe}")
    assert result.ok
    assert result.questions[0].kind == "single"
    assert [o.correct for o in result.questions[0].options] == [True, False, False]


@pytest.mark.parametrize(
    ("key", "true_is_correct"),
    [
        ("retries-are-free", False),
        ("caching-always-improves-latency", False),
        ("a-health-check-should-be-cheap", True),
        ("timeouts-bound-how-long-a-caller-waits", True),
    ],
)
def test_true_false_in_all_four_spellings(features, key, true_is_correct):
    question = by_key(features)[key]
    assert question.kind == "true_false"
    assert [(o.text, o.correct) for o in question.options] == [
        ("True", true_is_correct),
        ("False", not true_is_correct),
    ]


def test_true_false_feedback_goes_first_to_the_wrong_answer_then_to_the_right_one(features):
    question = by_key(features)["retries-are-free"]
    assert shape(question) == [
        ("True", False, "Retries can amplify load during an outage."),
        ("False", True, "Right: retry storms are real."),
    ]
    timeouts = by_key(features)["timeouts-bound-how-long-a-caller-waits"]
    assert timeouts.general_feedback == "A call without a timeout can wait forever."


def test_escaped_specials_come_through_as_characters(features):
    question = by_key(features)["escapes"]
    assert question.prompt == (
        'Which one is a dict literal: {"a": 1} or ~set~? Use a=b and # marks.'
    )
    assert shape(question) == [
        ('{"a": 1}', True, "A dict = keys and values."),
        ("{1, 2}", False, "That is a set."),
    ]


def test_escaped_backslash_and_newline():
    result = parse_gift(r"::k::[markdown]a\nb \\n c \\\: d {=x ~y}")
    assert result.questions[0].prompt == "a\nb \\n c \\: d"


def test_a_question_over_several_lines_with_a_comment_inside(features):
    question = by_key(features)["multi-line"]
    assert question.prompt == "This question\nruns over\nseveral lines."
    assert shape(question) == [("yes", True, ""), ("no", False, "")]


def test_categories_apply_to_the_questions_after_them(features):
    questions = by_key(features)
    assert questions["timeouts-bound-how-long-a-caller-waits"].category == ""
    assert questions["escapes"].category == "$course$/top/Reliability"
    assert questions["code-output-example"].category == "$course$/top/Reliability"
    assert questions["newline-escape"].category == "other/more"


def test_markdown_is_kept_and_plain_or_moodle_text_is_escaped(features):
    questions = by_key(features)
    assert questions["md"].prompt == "Which is **bold** in Markdown?"
    assert questions["md"].options[0].text == "`**x**`"
    assert questions["plain-text"].text_format == "plain"
    assert questions["plain-text"].prompt == r"Is 2\*3\*4 equal to 24 and &lt;b>bold&lt;/b>?"
    untagged = questions["untagged-text-is-moodle-format-a-b-c"]
    assert untagged.text_format == "moodle"
    assert untagged.prompt == r"Untagged text is moodle format: a\_b\_c \*stays\* plain."


def test_html_is_kept_as_text_and_its_format_recorded(features):
    question = by_key(features)["html"]
    assert question.text_format == "html"
    assert question.prompt == "<p>Which tag makes text <b>bold</b>?</p>"
    assert [o.text for o in question.options] == ["&lt;b>", "&lt;i>"]  # [plain] answers


def test_a_short_answer_after_a_python_block_is_a_code_output_question(features):
    question = by_key(features)["code-output-example"]
    assert question.kind == "code_output"
    assert question.prompt == "What does this print?"
    assert question.code == "scores = [0.91, 0.88]\nprint(min(scores) >= 0.9)"
    assert question.expected_output == "False"
    assert question.options == []
    assert question.general_feedback == "min picks 0.88.\n\nThe gate fails."


def test_a_moodle_export_reads_with_its_html_and_weights():
    result = read("moodle_export.gift")
    assert result.ok
    questions = by_key(result)
    assert list(questions) == ["slo-meaning", "alert-on-symptoms", "golden-signals"]
    assert {q.category for q in result.questions} == {"$course$/top/Default for Course"}
    assert questions["slo-meaning"].options[1].feedback == "<p>That is an SLA.</p>"
    golden = questions["golden-signals"]
    assert golden.kind == "multiple"
    assert [o.correct for o in golden.options] == [True, True, True, False]


# --- GIFT: keys from names and prompts ------------------------------------------------------


def test_names_become_keys_and_unusable_or_repeated_names_are_errors():
    result = read("names.gift")
    assert [str(e) for e in result.errors] == [
        "names.gift:1: the name 'Вопрос' has no letters or digits to make a key from "
        "(keys are lowercase-with-dashes)",
        "names.gift:5: the name 'duplicate-key' gives the key 'duplicate-key', already used "
        "by the question on line 3",
    ]
    assert [q.key for q in result.questions] == [
        "duplicate-key",
        "cafe-creme-au-lait",
        "what-is-a-p95-latency",
        "what-is-a-p95-latency-2",
    ]


def test_a_generated_key_never_takes_a_name_used_later_in_the_file():
    result = parse_gift("Retry storms?{T}\n\n::retry-storms::Named.{F}")
    assert [q.key for q in result.questions] == ["retry-storms-2", "retry-storms"]


def test_keys_fit_the_site_and_are_lowercase_with_dashes():
    long_name = "A very long question name " * 5
    assert slugify_key(long_name) == "a-very-long-question-name-a-very-long-question"
    assert len(slugify_key(long_name)) <= KEY_MAX_LENGTH
    assert slugify_key("  Ünïcode -- Name!! ") == "unicode-name"
    assert slugify_key("¿?") == ""
    assert key_from_prompt("`print(x)` — **what** does it *print*?") == (
        "print-x-what-does-it-print"
    )
    assert key_from_prompt("今日は") == "question"


# --- GIFT: skipped and malformed ------------------------------------------------------------


def test_types_the_site_has_no_kind_for_are_skipped_with_their_lines():
    result = read("skipped.gift")
    assert result.errors == []
    assert [(s.line, s.reason.split(":")[0]) for s in result.skipped] == [
        (3, "a short-answer question"),
        (5, "a matching question (=a -> b)"),
        (7, "a numerical question ({#…})"),
        (9, "an essay question ({})"),
        (11, "a missing-word question (text after the answers)"),
        (13, "no answers in braces"),
        (15, "partial credit (~%…%) beside a = answer"),
        (17, "several = answers"),
        (19, "a short-answer question"),
    ]
    assert all(s.source == "skipped.gift" for s in result.skipped)
    assert [q.key for q in result.questions] == ["a-question-the-site-can-read-to-show"]
    assert result.problems() == []  # skips refuse only a strict import
    assert result.problems(strict=True)[0] == (
        "skipped.gift:3: skipped: a short-answer question: the site has no short-answer kind"
    )


@pytest.mark.parametrize(
    ("name", "problems"),
    [
        (
            "unclosed_brace.gift",
            [
                "unclosed_brace.gift:3: the '{' that opens the answers is never closed with "
                "'}' (before a blank line or the end of the file)"
            ],
        ),
        ("bad_weight.gift", ["bad_weight.gift:3: the weight '%half%' is not a number"]),
        (
            "no_correct.gift",
            [
                "no_correct.gift:1: no correct answer: mark one with = or give it a positive "
                "~%weight%",
                "no_correct.gift:3: the question has no text before its answers",
            ],
        ),
        ("unclosed_name.gift", ["unclosed_name.gift:1: the ::name is not closed with '::'"]),
    ],
)
def test_malformed_files_are_refused_with_file_and_line(name, problems):
    result = read(name)
    assert result.problems() == problems
    assert all(isinstance(error, GiftError) for error in result.errors)


def test_an_unclosed_brace_does_not_swallow_the_questions_around_it():
    result = read("unclosed_brace.gift")
    assert [q.key for q in result.questions] == ["ok", "after"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Stray }{=a ~b}", "1: a '}' with no '{' before it (write \\} for a brace)"),
        ("Q {=a ~b {=c}", "1: a '{' inside the answers opened on line 1"),
        ("Q {~%50a ~b}", "1: a weight with no closing '%' (write ~%50%answer)"),
        ("Q {~%150%a ~%-50%b}", "1: the weight 150% is not between -100 and 100"),
        ("Q {~%1e2%a ~b}", "1: the weight '%1e2%' is not a number"),
        ("Q {=a}\n\nQ {=a ~}", "3: an answer with no text"),
        ("Q {~only}", "1: a choice question needs at least two answers"),
        ("Q {oops ~a =b}", "1: text before the first answer ('oops')"),
        ("::line one\nline two::Q {=a ~b}", "1: the ::name is not closed with '::'"),
    ],
)
def test_malformed_questions(text, message):
    result = parse_gift(text, source="x.gift")
    assert any(problem.startswith(f"x.gift:{message}") for problem in result.problems())


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


def timed(parse, text):
    start = time.perf_counter()
    result = parse(text, source="huge")
    return result, time.perf_counter() - start


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


# --- GIFT: write, then read back equal -----------------------------------------------------------

NASTY = r"Braces {x}, tilde ~, equals =, hash #, colon :, backslash \ and \n, arrow ->"


def question(kind, key, **fields) -> ParsedQuestion:
    return ParsedQuestion(key=key, kind=kind, prompt=fields.pop("prompt", f"{key}?"), **fields)


ROUND_TRIP = [
    question(
        "single",
        "single-choice",
        prompt="Which **one**?\n\nA second paragraph with " + NASTY,
        options=[
            ParsedOption("Right " + NASTY, True, "Because " + NASTY),
            ParsedOption("%d looks like a weight", False, "[a link](https://example.com)"),
            ParsedOption("[plain] looks like a format", False),
        ],
        general_feedback="Steps:\n\n1. one\n2. two",
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
    choice_with_code = ROUND_TRIP[-1]
    assert result.questions == [
        ParsedQuestion(
            key="which-one-a-second-paragraph-with-braces-x",
            kind="single",
            prompt=aiken_single.prompt,
            code=aiken_single.code,
            options=aiken_single.options,
        ),
        ParsedQuestion(
            key="choice-with-code",
            kind="single",
            prompt=choice_with_code.prompt,
            code=choice_with_code.code,
            options=choice_with_code.options,
        ),
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


# --- Any text survives the trip ------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

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

"""Reading GIFT: every feature, the types the site skips, and malformed files."""

import pytest

from courses.interchange import (
    GiftError,
    parse_gift,
)
from courses.interchange.keys import KEY_MAX_LENGTH, key_from_prompt, slugify_key

from .interchange_helpers import by_key, read, shape  # noqa: F401 - fixtures

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

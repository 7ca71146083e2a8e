"""Item lint: each rule fires on an item that has the flaw and stays quiet on one that does not.

Plain functions on plain dataclasses: no database.
"""

from dataclasses import replace

import pytest

from courses.lint import (
    Finding,
    LintItem,
    LintOption,
    has_errors,
    lint_items,
    normalise,
    tail_probability,
)

WRONG = ("Restart the worker process", "Raise the request timeout", "Switch to a larger model")


def opt(text: str, correct: bool = False, why: str = "Because it misses the point.") -> LintOption:
    return LintOption(text, correct, "" if correct else why)


def single(key: str = "q", *, options=None, lesson: str = "lesson", use: str = "test", **fields):
    """A clean single-choice item; its prompt is unique to its key."""
    if options is None:
        options = [opt("Cache the retrieved documents", correct=True), *map(opt, WRONG)]
    fields.setdefault("prompt", f"Which step fixes incident {key} for the support bot?")
    return LintItem(lesson, key, "single", use, "easy", options=tuple(options), **fields)


def true_false(key: str, prompt: str, answer, lesson: str = "lesson") -> LintItem:
    return LintItem(
        lesson, key, "true_false", "test", "easy", f"True or false: {prompt}", answer=answer
    )


STATEMENTS = (
    "retries fix rate limits",
    "the median hides a slow tail",
    "a canary limits exposure",
    "prompts need version numbers",
    "judges favour longer answers",
    "quotas count tokens per minute",
)


def lopsided_true_false(answer=False) -> list[LintItem]:
    return [true_false(f"s{n}", text, answer) for n, text in enumerate(STATEMENTS)]


def found(items, rule: str) -> list[Finding]:
    return [f for f in lint_items(items) if f.rule == rule]


# ---------------------------------------------------------------- helpers


def test_normalise_drops_case_markup_and_prose_punctuation_but_keeps_operators():
    assert normalise("  Retry the **call**.  ") == "retry the call"
    assert normalise("`x < 1`") != normalise("`x > 1`")
    assert normalise("0.88") == "0.88"
    assert normalise("Don’t retry") == "don't retry"


def test_tail_probability_matches_the_binomial():
    assert tail_probability([0.5] * 3, 3) == pytest.approx(1 / 8)
    assert tail_probability([0.25] * 2, 1) == pytest.approx(1 - 0.75**2)
    assert tail_probability([0.5] * 4, 0) == pytest.approx(1.0)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("text", ["All of the above.", "NONE of the above", "none of these"])
def test_all_or_none_of_the_above_is_an_error(text):
    item = single(options=[opt("Cache the documents", correct=True), opt(text), *map(opt, WRONG)])
    (finding,) = found([item], "all-none-of-the-above")
    assert finding.level == "error"
    assert text in finding.message


@pytest.mark.parametrize(
    "text", ["Retry all of these requests later", "Alert on all of the above-threshold requests"]
)
def test_options_that_merely_say_all_or_above_pass(text):
    item = single(options=[opt("Cache the documents", correct=True), opt(text), *map(opt, WRONG)])
    assert found([item], "all-none-of-the-above") == []


def test_options_equal_after_normalising_are_duplicates():
    options = [
        opt("Cache the documents", correct=True),
        opt("Retry the call."),
        opt("retry  the **call**"),
    ]
    (finding,) = found([single(options=options)], "duplicate-options")
    assert finding.level == "error"
    assert "2 options" in finding.message


def test_options_differing_only_in_an_operator_are_not_duplicates():
    options = [opt("`x < 1`", correct=True), opt("`x > 1`"), opt("`x == 1`")]
    assert found([single(options=options)], "duplicate-options") == []


def test_a_hint_or_quick_check_quoting_the_correct_option_is_an_error():
    item = single(hint="Think: cache the retrieved documents.", quick_check="Caching fixes it.")
    (finding,) = found([item], "hint-reveals-answer")
    assert finding.level == "error"
    assert "hint contains" in finding.message

    item = single(quick_check="So you **cache the retrieved documents**.")
    assert "quick check" in found([item], "hint-reveals-answer")[0].message


def test_a_multi_word_code_output_answer_in_the_hint_is_an_error():
    item = LintItem("lesson", "code", "code_output", answer="retry retry give up\n")
    item_with_hint = replace(item, hint="It prints retry retry give up.")
    assert found([item], "hint-reveals-answer") == []
    assert len(found([item_with_hint], "hint-reveals-answer")) == 1


def test_short_answers_and_scattered_words_in_a_hint_pass():
    options = [opt("p95 latency", correct=True), opt("Mean latency"), opt("Error rate")]
    assert (
        found([single(options=options, hint="Look at p95 latency.")], "hint-reveals-answer") == []
    )
    statement = true_false("t", "retries are free", False)
    assert found([replace(statement, hint="False")], "hint-reveals-answer") == []
    scattered = single(hint="Which documents could the cache hold once retrieved?")
    assert found([scattered], "hint-reveals-answer") == []


def test_a_wrong_option_without_why_is_an_error_but_a_correct_one_needs_none():
    options = [opt("Cache the documents", correct=True), opt("Retry", why="  "), *map(opt, WRONG)]
    (finding,) = found([single(options=options)], "wrong-option-without-why")
    assert finding.level == "error"
    assert "Retry" in finding.message
    assert found([single()], "wrong-option-without-why") == []


def test_near_duplicate_stems_in_a_lesson_are_an_error_naming_the_pair():
    a = single("a", prompt="A dashboard shows p95 latency of 2 s. What does that tell you?")
    b = single("b", prompt="A dashboard shows a p95 latency of 2 s. What does this tell you?")
    (finding,) = found([b, a], "duplicate-stem")
    assert (finding.level, finding.key) == ("error", "a")
    assert "lesson/b" in finding.message


def test_distinct_stems_and_same_prompt_with_different_code_are_not_duplicates():
    a = single("a", prompt="A dashboard shows p95 latency of 2 s. What does that tell you?")
    b = single("b", prompt="Which alert should page the on-call engineer at night?")
    code = [
        LintItem("lesson", k, "code_output", prompt="What does this print?", code=c, answer="1")
        for k, c in (
            ("c1", "print(min([3, 1, 2]))"),
            ("c2", "scores = {'a': 1}\nprint(len(scores))"),
        )
    ]
    assert found([a, b, *code], "duplicate-stem") == []


# ---------------------------------------------------------------- item warnings


def test_a_correct_option_far_longer_or_shorter_than_the_rest_is_a_warning():
    longest = [opt("Cache the documents the retriever returns for each query", True)]
    longest += [opt("Restart the worker"), opt("Raise the timeout")]
    (finding,) = found([single(options=longest)], "correct-option-length")
    assert finding.level == "warning" and "longest" in finding.message

    shortest = [opt("Cache them", True), opt("Restart every worker process"), *map(opt, WRONG)]
    assert "shortest" in found([single(options=shortest)], "correct-option-length")[0].message


def test_modest_length_differences_and_short_options_pass():
    modest = [opt("Cache the retrieved documents now", True), opt("Restart the worker process")]
    assert found([single(options=modest)], "correct-option-length") == []
    numbers = [opt("0.875", True), opt("1"), opt("2")]
    assert found([single(options=numbers)], "correct-option-length") == []


# ---------------------------------------------------------------- bank warnings


def bank(pattern: list[int], *, lengths: str = "even", use: str = "test") -> list[LintItem]:
    """Single-choice items with the correct option at these positions."""
    items = []
    for n, position in enumerate(pattern):
        texts = ["Restart the worker now", "Raise the time limit", "Shrink the batch size"]
        correct = {
            "even": "Cache the docs faster",  # as long as one wrong option
            "long": "Cache the documents that the retriever returned",
            "short": "Cache them",
        }[lengths]
        texts.insert(position, correct)
        options = [opt(t, correct=t == correct, why=f"Why {n}.") for t in texts]
        items.append(single(f"q{n}", options=options, use=use))
    return items


def test_a_bank_whose_correct_option_is_usually_longest_is_a_warning():
    (finding,) = found(bank([0, 1, 2, 3], lengths="long"), "bank-correct-longest")
    assert finding.level == "warning" and finding.key == ""
    assert "4 of 4" in finding.message
    assert found(bank([0, 1], lengths="long"), "bank-correct-longest") == []
    assert found(bank([0, 1, 2, 3]), "bank-correct-longest") == []


def test_a_bank_whose_correct_option_is_usually_shortest_is_a_warning():
    assert len(found(bank([0, 1, 2, 3], lengths="short"), "bank-correct-shortest")) == 1
    assert found(bank([0, 1, 2, 3]), "bank-correct-shortest") == []


def test_a_bank_whose_correct_option_sits_in_one_position_is_a_warning_about_exports():
    (finding,) = found(bank([1, 1, 1, 1, 0]), "bank-correct-position")
    assert "position 2 in 4 of 5" in finding.message
    assert "shuffles" in finding.message
    assert found(bank([0, 1, 2, 3, 0]), "bank-correct-position") == []


def test_banks_are_per_lesson_and_use():
    items = bank([0, 0], lengths="long") + bank([0, 0], lengths="long", use="practice")
    assert found(items, "bank-correct-longest") == []


def multiple(key: str, correct_is_long: bool) -> LintItem:
    long_texts = ["Log every prompt with its version", "Track the cost of each request"]
    short_texts = ["Log the weather", "Track page colour"]
    options = [opt(t, correct=correct_is_long) for t in long_texts]
    options += [opt(t, correct=not correct_is_long) for t in short_texts]
    return LintItem("lesson", key, "multiple", "test", "easy", f"Which apply to {key}?", options)


def test_multiple_select_banks_whose_longest_options_are_always_correct_are_a_warning():
    (finding,) = found([multiple(k, True) for k in "abc"], "multiple-longest-correct")
    assert "all 3" in finding.message
    assert found([multiple(k, True) for k in "ab"], "multiple-longest-correct") == []
    mixed = [multiple("a", True), multiple("b", True), multiple("c", False)]
    assert found(mixed, "multiple-longest-correct") == []


def test_absolute_words_concentrated_in_false_statements_are_a_warning():
    items = [
        true_false("f1", "retries always fix timeouts", False),
        true_false("f2", "a cache can never go stale", "false"),
        true_false("t1", "latency percentiles ignore the mean", True),
        true_false("t2", "a canary release limits exposure", True),
    ]
    (finding,) = found(items, "true-false-absolutes")
    assert "2 of 2 false" in finding.message


def test_absolute_words_spread_over_true_and_false_statements_pass():
    items = [
        true_false("f1", "retries always fix timeouts", False),
        true_false("f2", "a cache can never go stale", False),
        true_false("t1", "you must version your prompts", True),
        true_false("t2", "only a canary limits exposure", True),
    ]
    assert found(items, "true-false-absolutes") == []


def test_a_lopsided_true_false_bank_is_a_warning():
    (finding,) = found(lopsided_true_false(), "true-false-balance")
    assert "0 of 6" in finding.message
    balanced = lopsided_true_false()[:4] + lopsided_true_false(answer=True)[4:]
    assert found(balanced, "true-false-balance") == []


def test_a_distractor_reused_in_three_items_is_a_warning():
    items = [single("a", lesson="one"), single("b", lesson="one"), single("c", lesson="two")]
    findings = found(items, "reused-distractor")
    assert len(findings) == len(WRONG)
    assert {(f.lesson, f.key) for f in findings} == {("one", "a")}
    assert "one/b, two/c" in findings[0].message
    assert found(items[:2], "reused-distractor") == []


def test_diagram_quizzes_may_reuse_their_box_labels():
    items = [single(k, use="diagram") for k in "abc"]
    assert found(items, "reused-distractor") == []


def test_near_duplicate_stems_across_lessons_are_a_warning_not_an_error():
    a = single(
        "p95",
        lesson="one",
        prompt="A dashboard reports p95 latency of 2.0 s. What does that tell you?",
    )
    b = single(
        "read",
        lesson="two",
        prompt="A chatbot dashboard reports p95 latency = 900 ms. What does that tell you?",
    )
    (finding,) = found([a, b], "duplicate-stem-across-lessons")
    assert finding.level == "warning" and "two/read" in finding.message
    assert found([a, b], "duplicate-stem") == []
    other = single("alert", lesson="two", prompt="Which alert should page the on-call engineer?")
    assert found([a, other], "duplicate-stem-across-lessons") == []


def test_a_course_whose_longest_option_is_rarely_or_usually_right_is_a_warning():
    (never,) = found(bank([0, 1, 2, 3] * 3), "course-correct-longest")
    assert (never.lesson, never.key) == ("", "")
    assert "0 of 12" in never.message and "less often" in never.message
    (always,) = found(bank([0, 1, 2, 3], lengths="long"), "course-correct-longest")
    assert "more often" in always.message
    assert found(bank([0, 1, 2, 3]), "course-correct-longest") == []


# ---------------------------------------------------------------- entry point


def test_lint_items_lists_errors_first_in_an_order_independent_of_the_input():
    flawed = single("z", options=[opt("Cache the documents", True), opt("All of the above")])
    items = [flawed, *lopsided_true_false()]
    findings = lint_items(items)
    assert findings == lint_items(reversed(items))
    assert [f.level for f in findings] == ["error", "warning"]
    assert has_errors(findings)
    assert not has_errors(findings[1:])
    assert lint_items([single()]) == []

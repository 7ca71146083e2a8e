"""The pure rules: drawing questions, comparing output, grading, and strength."""

import random

import pytest

from progress.strength import (
    DEVELOPING,
    NOT_STARTED,
    STRONG,
    WEAK,
    Tally,
    practice_strength,
    strength_of,
)
from quizzes.drawing import draw_test_questions, shuffled_options
from quizzes.grading import grade, normalise_output


def bank(easy, medium, hard):
    ids = iter(range(1, 1000))
    return [(next(ids), level) for level, n in (("easy", easy), ("medium", medium), ("hard", hard))
            for _ in range(n)]  # fmt: skip


def levels_of(draw, questions):
    difficulty = dict(questions)
    return [difficulty[i] for i in draw.question_ids]


def test_a_full_bank_draws_3_easy_4_medium_3_hard_in_that_order():
    questions = bank(6, 8, 6)
    draw = draw_test_questions(questions, set(), random.Random(1))
    assert levels_of(draw, questions) == ["easy"] * 3 + ["medium"] * 4 + ["hard"] * 3
    assert len(set(draw.question_ids)) == 10
    assert draw.note == ""


def test_unseen_questions_come_first():
    questions = bank(6, 8, 6)
    seen = {i for i, _ in questions[:3]} | {i for i, _ in questions[6:10]}
    for seed in range(20):
        draw = draw_test_questions(questions, seen, random.Random(seed))
        assert not seen & set(draw.question_ids)


def test_seen_questions_fill_in_when_nothing_unseen_is_left():
    questions = bank(3, 4, 3)
    everything = {i for i, _ in questions}
    draw = draw_test_questions(questions, everything, random.Random(3))
    assert sorted(draw.question_ids) == sorted(everything)


def test_a_short_difficulty_borrows_from_its_neighbour_and_says_so():
    questions = bank(6, 8, 1)
    draw = draw_test_questions(questions, set(), random.Random(2))
    assert len(draw.question_ids) == 10
    assert levels_of(draw, questions).count("hard") == 1
    assert "2 medium in place of hard" in draw.note


def test_a_bank_smaller_than_ten_gives_a_shorter_test():
    questions = bank(2, 2, 2)
    draw = draw_test_questions(questions, set(), random.Random(2))
    assert sorted(draw.question_ids) == [i for i, _ in questions]


def test_options_shuffle_the_same_way_for_the_same_attempt():
    options = list(range(5))
    first = shuffled_options(options, seed=42, question_id=7)
    assert first == shuffled_options(options, seed=42, question_id=7)
    orders = {tuple(shuffled_options(options, seed=s, question_id=7)) for s in range(30)}
    assert len(orders) > 5


@pytest.mark.parametrize(
    ("typed", "expected", "same"),
    [
        ("True\n", "True", True),
        ("a\r\nb\r\n", "a\nb", True),
        ("a   \nb\t\n\n\n", "a\nb", True),
        ("a\rb", "a\nb", True),
        (" a", "a", False),  # leading spaces are part of the output
        ("a\n\nb", "a\nb", False),  # so are blank lines in the middle
        ("true", "True", False),
    ],
)
def test_output_comparison_is_normalised_only_where_it_should_be(typed, expected, same):
    assert (normalise_output(typed) == normalise_output(expected)) is same


class FakeQuestion:
    def __init__(self, typed=False, expected=""):
        self.is_typed, self.expected_output = typed, expected


def test_multiple_select_is_all_or_nothing():
    question = FakeQuestion()
    assert grade(question, {1, 2}, [1, 2], "")
    assert not grade(question, {1, 2}, [1], "")
    assert not grade(question, {1, 2}, [1, 2, 3], "")


def test_typed_answers_compare_normalised_output():
    question = FakeQuestion(typed=True, expected="3\n4\n")
    assert grade(question, set(), [], "3  \r\n4")
    assert not grade(question, set(), [], "34")


@pytest.mark.parametrize(
    ("tally", "strength"),
    [
        (None, NOT_STARTED),
        (Tally(10, 10, 3, 3), STRONG),
        (Tally(8, 10, 2, 3), STRONG),
        (Tally(9, 10, 1, 3), DEVELOPING),  # high score, but the hard questions were missed
        (Tally(7, 10, 3, 3), DEVELOPING),
        (Tally(5, 10, 0, 3), DEVELOPING),
        (Tally(4, 10, 3, 3), WEAK),
        (Tally(0, 10, 0, 3), WEAK),
        (Tally(8, 8, 0, 0), STRONG),  # a short bank without hard questions
    ],
)
def test_strength_rule(tally, strength):
    assert strength_of(tally) == strength


def test_drawn_but_unanswered_questions_come_before_seen_ones_and_seen_ones_are_counted():
    questions = bank(6, 8, 6)
    ids = [i for i, _ in questions]
    seen, asked = set(ids[:10]), frozenset(ids[10:18])  # 2 never asked: 19 and 20 (hard)
    for seed in range(20):
        draw = draw_test_questions(questions, seen, random.Random(seed), asked=asked)
        assert {19, 20} <= set(draw.question_ids)  # never asked first
        assert seen & set(draw.question_ids) <= set(ids[:6])  # only easy ran out of unseen
        assert draw.seen_count == len(seen & set(draw.question_ids)) == 3


def test_a_draw_of_unseen_questions_counts_no_seen_ones():
    questions = bank(6, 8, 6)
    draw = draw_test_questions(questions, {999}, random.Random(4))
    assert draw.seen_count == 0


@pytest.mark.parametrize(
    ("earned", "previous", "recorded"),
    [
        (STRONG, WEAK, WEAK),  # seen answers cannot raise it
        (STRONG, DEVELOPING, DEVELOPING),
        (STRONG, STRONG, STRONG),  # nor cost it
        (WEAK, STRONG, WEAK),  # a bad practice result still lowers it
        (DEVELOPING, STRONG, DEVELOPING),
        (STRONG, NOT_STARTED, WEAK),  # a finished test is at least weak
        (WEAK, NOT_STARTED, WEAK),
    ],
)
def test_a_practice_test_can_keep_or_lower_strength_but_never_raise_it(earned, previous, recorded):
    assert practice_strength(earned, previous) == recorded

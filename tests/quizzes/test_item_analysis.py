"""Item analysis on the designed data set (tests/quizzes/item_data.py), every expected
figure worked out by hand in the comments.

Scores of A1..A6: 3, 3, 3, 2, 2, 1 (N = 6). Mean 7/3; population variance
(9·3 + 4·2 + 1)/6 − 49/9 = 5/9.
"""

import csv
import io
import json
from math import sqrt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.item_analysis import lesson_report
from quizzes.item_report import as_csv, histogram, neutralise
from tests.factories import make_lesson, make_question
from tests.quizzes.item_data import designed_lesson, finished_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def designed():
    return designed_lesson()


@pytest.fixture
def report(designed):
    return lesson_report(designed.lesson, min_responses=6)


def by_question(report, designed):
    items = {item.question_id: item for item in report.items}
    return [items[q.pk] for q in designed.questions]


def test_only_finished_attempts_count(report):
    assert report.attempts == 6
    assert report.mean_score == pytest.approx(7 / 3)
    assert report.score_sd == pytest.approx(sqrt(5 / 9))


def test_responses_and_facility(report, designed):
    items = by_question(report, designed)
    # q1 right in A1, A2; q2 right everywhere; q3 in A1–A3; q4 in A3–A5.
    assert [item.responses for item in items] == [6, 6, 6, 6]
    assert [item.facility for item in items] == pytest.approx([1 / 3, 1, 1 / 2, 1 / 2])


def test_point_biserial_against_the_rest_score(report, designed):
    q1, q2, q3, q4 = by_question(report, designed)
    # q1: x = 1,1,0,0,0,0; rest = 2,2,3,2,2,1 (mean 2); E[xy] = 4/6 = (1/3)·2 → cov 0.
    assert q1.point_biserial == pytest.approx(0, abs=1e-12)
    # q2: everyone right; x does not vary, so r is undefined.
    assert q2.point_biserial is None
    # q3: x = 1,1,1,0,0,0; rest = 2,2,2,2,2,1 (mean 11/6); cov = 1 − 11/12 = 1/12;
    # var x = 1/4, var rest = 21/6 − 121/36 = 5/36 → r = (1/12)/(√5/12) = 1/√5.
    assert q3.point_biserial == pytest.approx(1 / sqrt(5))
    # q4: x = 0,0,1,1,1,0; rest = 3,3,2,1,1,1 (mean 11/6); cov = 4/6 − 11/12 = −1/4;
    # var rest = 25/6 − 121/36 = 29/36 → r = (−1/4)/(√29/12) = −3/√29.
    assert q4.point_biserial == pytest.approx(-3 / sqrt(29))


def test_upper_lower_index(report, designed):
    # k = round(0.27 · 6) = 2. Ranked by (score, id): A6, A4, A5, A1, A2, A3.
    # Lower group A6, A4; upper group A2, A3.
    assert report.upper_lower_group == 2
    items = by_question(report, designed)
    # q1: upper 1,0 → 1/2, lower 0,0 → 0.   q2: 1 − 1.
    # q3: upper 1,1 → 1, lower 0,0 → 0.     q4: upper 0,1 → 1/2, lower 0,1 → 1/2.
    assert [item.upper_lower for item in items] == pytest.approx([0.5, 0, 1, 0])


def test_how_often_each_option_was_chosen(report, designed):
    items = by_question(report, designed)
    # Options in order Right, B, C, D; the abandoned and open attempts' D choices don't count.
    assert [[option.chosen for option in item.options] for item in items] == [
        [2, 2, 2, 0],
        [6, 0, 0, 0],
        [3, 1, 1, 1],
        [3, 3, 0, 0],
    ]


def test_median_time_to_answer(report, designed):
    items = by_question(report, designed)
    # q1: 10..60 → (30 + 40)/2; q2: five 5s and a 100 → 5; q3: 1..6 → 3.5;
    # q4: 7, 8, 9, 100, 200, 300 → (9 + 100)/2. A6 answered in reverse order, so its
    # times come from the previous answer in that attempt, not the previous question.
    assert [item.median_seconds for item in items] == pytest.approx([35, 5, 3.5, 54.5])


def test_kr20_of_the_designed_set(report):
    # Every attempt saw all 4 questions: the textbook KR-20.
    # Σpq = 2/9 + 0 + 1/4 + 1/4 = 13/18; 4/3 · (1 − (13/18)/(5/9)) = 4/3 · (−3/10) = −2/5.
    assert report.kr20 == pytest.approx(-2 / 5)


def test_kr20_of_a_perfectly_ordered_set():
    lesson = make_lesson()
    q = [make_question(lesson) for _ in range(3)]
    for marks in ([0, 0, 0], [1, 0, 0], [1, 1, 0], [1, 1, 1]):
        finished_attempt(
            lesson, [(question, bool(m)) for question, m in zip(q, marks, strict=True)]
        )
    # p = 3/4, 1/2, 1/4 → Σpq = 3/16 + 1/4 + 3/16 = 5/8; scores 0..3 → variance 5/4;
    # 3/2 · (1 − (5/8)/(5/4)) = 3/4.
    assert lesson_report(lesson).kr20 == pytest.approx(0.75)


def test_kr20_when_attempts_see_different_questions():
    lesson = make_lesson()
    q1, q2, q3 = (make_question(lesson) for _ in range(3))
    for answers in (
        [(q1, True), (q2, True)], [(q1, True), (q3, True)], [(q2, False), (q3, False)],
        [(q1, False), (q2, False)], [(q2, True), (q3, True)], [(q1, False), (q3, False)],
    ):  # fmt: skip
        finished_attempt(lesson, answers)
    # Each question seen 4 times, right twice: n·p·q = 1 each, Σ = 3, over N = 6 → 1/2 per
    # attempt; k = 2; scores 2,2,0,0,2,0 → variance 1; 2 · (1 − 1/2) = 1.
    assert lesson_report(lesson).kr20 == pytest.approx(1.0)


def test_no_attempts_gives_an_empty_report():
    lesson = make_lesson()
    make_question(lesson)
    report = lesson_report(lesson)
    assert (report.attempts, report.kr20, report.bins, report.mean_score) == (0, None, [], None)
    assert [flag.code for flag in report.items[0].flags] == ["few_responses"]


def test_flags_and_flagged_first(report, designed):
    q1, q2, q3, q4 = designed.questions
    flags = {item.question_id: [flag.code for flag in item.flags] for item in report.items}
    assert flags[q1.pk] == ["easy_too_hard", "low_discrimination", "unused_distractor"]
    assert flags[q2.pk] == ["hard_too_easy", "low_discrimination"] + ["unused_distractor"] * 3
    assert flags[q3.pk] == []
    assert flags[q4.pk] == ["low_discrimination", "unused_distractor", "unused_distractor"]
    assert [item.question_id for item in report.items] == [q1.pk, q2.pk, q4.pk, q3.pk]
    messages = " ".join(flag.message for item in report.items for flag in item.flags)
    assert "Negative discrimination (-0.56)" in messages
    assert "everyone answered it alike" in messages


def test_too_few_responses_judges_nothing_else(designed):
    report = lesson_report(designed.lesson)  # the default threshold: 30
    for item in report.items:
        assert [flag.code for flag in item.flags] == ["few_responses"]
        assert "6 (at least 30)" in item.flags[0].message
        assert item.suggested_difficulty is None


def test_difficulty_suggestions(report, designed):
    items = by_question(report, designed)
    # Facility ≥ 0.8 easy, 0.5–0.8 medium, < 0.5 hard: 1/3, 1, 1/2, 1/2.
    assert [item.suggested_difficulty for item in items] == ["hard", "easy", "medium", "medium"]
    assert [item.key for item in report.relabel_suggestions] == [
        designed.questions[0].key,
        designed.questions[1].key,
    ]


def test_histogram_bins_and_bars(report):
    assert [(b.score, b.attempts) for b in report.bins] == [(0, 0), (1, 1), (2, 2), (3, 3), (4, 0)]
    chart = histogram(report)
    # The tallest bin (3) fills the plot: 200 − 24 axis − 16 top = 160 px.
    assert [bar.height for bar in chart.bars] == [0, 53.3, 106.7, 160, 0]
    assert all(bar.y + bar.height == pytest.approx(chart.baseline) for bar in chart.bars)


def test_query_count_does_not_grow_with_responses(designed):
    with CaptureQueriesContext(connection) as few:
        lesson_report(designed.lesson)
    for _ in range(5):
        finished_attempt(designed.lesson, [(q, True) for q in designed.questions])
    with CaptureQueriesContext(connection) as more:
        report = lesson_report(designed.lesson)
    assert report.attempts == 11
    assert len(few) == len(more) == 7


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_starts_are_neutralised(start):
    assert neutralise(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


def test_plain_cells_and_numbers_are_left_alone():
    assert [neutralise(c) for c in ("Right", "a=b", -0.25, 3, None)] == [
        "Right", "a=b", -0.25, 3, None
    ]  # fmt: skip


def test_csv_neutralises_hostile_keys_and_option_texts(designed):
    q1 = designed.questions[0]
    q1.key = "-2-3"
    q1.save()
    hostile = ['=HYPERLINK("http://evil.example","x")', "+1+1", "@SUM(A1)", "\tcmd"]
    for option, text in zip(q1.options.order_by("order"), hostile, strict=True):
        option.text = text
        option.save()
    rows = list(csv.reader(io.StringIO(as_csv(lesson_report(designed.lesson, 6)))))
    header, first = rows[0], rows[1]
    assert first[0] == "'-2-3"
    texts = [first[header.index(f"option_{n}")] for n in range(1, 5)]
    assert texts == ["'" + text for text in hostile]
    assert first[header.index("point_biserial")] in ("0.0", "-0.0")
    numbers = [row[header.index("point_biserial")] for row in rows[1:]]
    assert "-0.557" in numbers  # a negative number stays a number


def test_command_formats(designed):
    out = io.StringIO()
    call_command("item_report", lesson=designed.lesson.slug, min_responses=6, stdout=out)
    table = out.getvalue()
    assert "KR-20 -0.40" in table and "Scores: 0:0, 1:1, 2:2, 3:3, 4:0" in table
    assert "facility ≥ 80% easy, 50%–80% medium, below 50% hard" in table

    out = io.StringIO()
    call_command("item_report", lesson=designed.lesson.slug, format="json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["attempts"] == 6 and len(data["items"]) == 4 and data["rules"]

    out = io.StringIO()
    call_command("item_report", lesson=designed.lesson.slug, format="csv", stdout=out)
    assert out.getvalue().startswith("question,kind,difficulty,suggested")


def test_command_refuses_an_unknown_lesson():
    with pytest.raises(CommandError, match="No lesson with the slug “nope”"):
        call_command("item_report", lesson="nope", stdout=io.StringIO())

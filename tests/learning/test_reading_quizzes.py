"""The graded parts of the reading modes: the diagram quiz and the matching exercise, their
empty states, query budgets and the pure functions behind them."""

import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.models import Question, Section, SectionItem
from progress.models import LessonProgress
from quizzes.diagram_quiz import Answer, grade_quiz
from quizzes.matching import grade_matches, shuffled_counterparts
from tests.factories import make_lesson, make_question, make_section
from tests.pages import page_text

from .reading_helpers import (
    MODES,
    _analogy_items,
    _diagram_questions,
    _html,
    _matching_data,
    _nothing_written,
    _quiz_data,
    _url,
    _visited,
)

# --- The diagram quiz ---------------------------------------------------------------------


def test_no_answer_leaks_before_the_quiz_is_submitted(client, lesson):
    responses = [client.get(_url("visualize", lesson)),
                 client.get(_url("visualize", lesson, "?component=reliability")),
                 client.post(_url("visualize", lesson), {})]  # fmt: skip
    for response in responses:
        html = _html(response)
        quiz = html.split('id="diagram-quiz"')[1].split("</section>")[0]
        for question in _diagram_questions(lesson):
            assert question.solution_html not in html
            assert question.mistakes_html not in html
            for option in question.options.all():
                if option.explanation_html:
                    assert option.explanation_html not in html
        for marker in ("is_correct", "correct", "Correct answer", "review-option--right",
                       "Step by step"):  # fmt: skip
            assert marker not in quiz, marker
        assert not re.search(r"data-[a-z-]*(answer|right|correct|solution)", html)
        assert re.findall(r'type="hidden" name="([^"]+)"', quiz) == ["csrfmiddlewaretoken"]


def test_all_right_scores_three_and_records_the_visit(client, lesson):
    response = client.post(_url("visualize", lesson), _quiz_data(lesson))
    html = _html(response)
    assert response.status_code == 200
    assert "You got <strong>3 of 3</strong> right." in html
    assert html.count("quiz-result--right") == 3
    assert _visited(lesson) == ["visualize"]
    current = html.split('class="mode mode--current"')[1].split("</li>")[0]
    assert "mode__visited" in current


def test_a_wrong_answer_shows_the_correct_one_and_why(client, lesson):
    response = client.post(
        _url("visualize", lesson), _quiz_data(lesson, right=(True, False, False))
    )
    html = _html(response)
    assert "You got <strong>1 of 3</strong> right." in html
    assert html.count("quiz-result--wrong") == 2
    for question in _diagram_questions(lesson)[1:]:
        correct = next(o for o in question.options.all() if o.is_correct)
        chosen = next(o for o in question.options.all() if not o.is_correct)
        assert chosen.explanation_html in html
        assert correct.text_html in html
        assert question.solution_html in html
    assert html.count('<span class="tag tag--right">Correct answer</span>') == 3


def test_the_htmx_quiz_answer_is_the_quiz_with_the_chooser_and_done_state_out_of_band(
    client, lesson
):
    response = client.post(_url("visualize", lesson), _quiz_data(lesson), HTTP_HX_REQUEST="true")
    html = _html(response)
    assert "<html" not in html
    assert html.lstrip().startswith('<section class="quiz" id="diagram-quiz"')
    assert "data-autofocus>Diagram quiz: your result</h2>" in html
    assert '<div id="mode-chooser" hx-swap-oob="true">' in html
    assert 'id="mode-done" aria-labelledby="mode-done-heading" hx-swap-oob="true"' in html


def _bad_quiz_inputs(lesson, other_option_id):
    good = _quiz_data(lesson)
    q1 = _diagram_questions(lesson)[0]
    ids = [o.pk for o in q1.options.all()]
    return [
        ({}, "Question 1: choose an answer."),
        ({**good, "question-2": ""}, "Question 2: choose an answer."),
        ({k: v for k, v in good.items() if k != "question-3"}, "Question 3: choose an answer."),
        ({**good, "question-1": other_option_id}, "Question 1: choose one of the options shown."),
        ({**good, "question-1": _quiz_data(lesson)["question-2"]},
         "Question 1: choose one of the options shown."),
        ({**good, "question-1": "abc"}, "Question 1: choose one of the options shown."),
        ({**good, "question-1": "9" * 40}, "Question 1: choose one of the options shown."),
        ({**good, "question-1": f" {ids[0]} "}, "Question 1: choose one of the options shown."),
        ({**good, "question-1": "\x00"}, "Null characters are not allowed"),  # site-wide rule
        ({**good, "question-1": [ids[0], ids[1]]}, "Question 1: send one answer."),
        ({**good, "question-1": [ids[0], ids[0]]}, "Question 1: send one answer."),
    ]  # fmt: skip


def test_hostile_quiz_input_is_a_400_with_a_message_and_writes_nothing(client, lesson, course):
    other = course["fixture-monitoring"].questions.filter(use="diagram").first()
    other_option_id = other.options.first().pk
    for data, message in _bad_quiz_inputs(lesson, other_option_id):
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.post(_url("visualize", lesson), data, **headers)
            assert response.status_code == 400, data
            assert message in _html(response), (data, message)
            assert 'role="alert"' in _html(response)
            assert "quiz-result" not in _html(response)
    assert _nothing_written()


def test_extra_fields_are_ignored(client, lesson):
    data = {**_quiz_data(lesson, right=(False, False, False)), "score": 3, "is_correct": "true",
            "question-4": 1, "user": 1, "learner": 99}  # fmt: skip
    response = client.post(_url("visualize", lesson), data)
    assert response.status_code == 200
    assert "You got <strong>0 of 3</strong> right." in _html(response)


def test_a_400_keeps_what_the_learner_had_chosen(client, lesson):
    data = _quiz_data(lesson)
    del data["question-3"]
    html = _html(client.post(_url("visualize", lesson), data))
    for number in (1, 2):
        assert re.search(rf'value="{data[f"question-{number}"]}" checked', html)


# --- The matching exercise ----------------------------------------------------------------


def test_matching_all_right(client, lesson):
    html = _html(client.get(_url("analogy", lesson)))
    response = client.post(_url("analogy", lesson), _matching_data(lesson, html, right=5))
    result = _html(response)
    assert response.status_code == 200
    assert "<strong>5 of 5</strong> matched: every idea found its place" in result
    assert result.count("match-result--right") == 5
    assert _visited(lesson) == ["analogy"]


def test_matching_some_wrong_shows_the_correct_counterparts(client, lesson):
    html = _html(client.get(_url("analogy", lesson)))
    response = client.post(_url("analogy", lesson), _matching_data(lesson, html, right=2))
    result = _html(response)
    assert "<strong>2 of 5</strong> matched." in result
    assert result.count("match-result--wrong") == 3
    for item in _analogy_items(lesson)[2:]:
        correct = result.split(f'class="match-result__concept">{item.label}')[1].split("</li>")[0]
        assert "match-result__line--correct" in correct
        assert item.text_html in correct


def test_the_htmx_matching_answer_is_the_exercise_with_the_chooser_out_of_band(client, lesson):
    html = _html(client.get(_url("analogy", lesson)))
    response = client.post(_url("analogy", lesson), _matching_data(lesson, html, right=5),
                           HTTP_HX_REQUEST="true")  # fmt: skip
    result = _html(response)
    assert result.lstrip().startswith('<section class="matching" id="matching"')
    assert '<div id="mode-chooser" hx-swap-oob="true">' in result


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"match-1": ""}, "Choose a counterpart for “Reliability”."),
        ({"match-2": "0"}, "“Performance”: choose one of the counterparts shown."),
        ({"match-2": "6"}, "“Performance”: choose one of the counterparts shown."),
        ({"match-3": "-1"}, "“Security”: choose one of the counterparts shown."),
        ({"match-3": "two"}, "“Security”: choose one of the counterparts shown."),
        ({"match-3": "1e0"}, "“Security”: choose one of the counterparts shown."),
        ({"match-4": "9" * 50}, "“Scalability”: choose one of the counterparts shown."),
        ({"match-5": ["1", "2"]}, "“Maintainability”: send one counterpart."),
        ({"match-5": ["1", "1"]}, "“Maintainability”: send one counterpart."),
    ],
)
def test_hostile_matching_input_is_a_400_with_a_message_and_writes_nothing(client, lesson, change,
                                                                          message):  # fmt: skip
    data = {f"match-{n}": "1" for n in range(1, 6)}
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.post(_url("analogy", lesson), {**data, **change}, **headers)
        assert response.status_code == 400
        assert message in _html(response)
        assert "match-result" not in _html(response)
    assert _nothing_written()


def test_a_missing_match_is_a_400(client, lesson):
    response = client.post(_url("analogy", lesson), {"match-1": "1"})
    assert response.status_code == 400
    assert "Choose a counterpart for “Scalability”." in _html(response)
    assert _nothing_written()


FIELDS = st.sampled_from(["question-1", "question-2", "question-3", "question-4", "match-1",
                          "match-3", "match-5", "component", "score"])  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["\x00", "\u200b", "\u202e", "1", "2", "3", "NaN", "[]", " 1 "]),
)
FORMS = st.dictionaries(FIELDS, st.one_of(VALUES, st.lists(VALUES, max_size=3)), max_size=6)


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(data=FORMS, mode=st.sampled_from(["visualize", "analogy"]), htmx=st.booleans())
def test_arbitrary_form_data_is_never_a_500_and_writes_only_when_graded(client, lesson, data,
                                                                       mode, htmx):  # fmt: skip
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    before = LessonProgress.objects.count()
    response = client.post(_url(mode, lesson), data, **headers)
    assert response.status_code in {200, 400}
    if response.status_code == 400:
        assert LessonProgress.objects.count() == before
        assert 'role="alert"' in _html(response)


# --- Empty states -------------------------------------------------------------------------


def test_a_lesson_without_mode_content_shows_calm_empty_states(client, db):
    lesson = make_lesson(sections=2)
    expected = {
        "deep-dive": "This lesson has no deep dive yet.",
        "why-it-matters": "This lesson has no use cases yet.",
        "visualize": "This lesson has no diagram yet.",
        "analogy": "This lesson has no analogy yet.",
    }
    for mode, message in expected.items():
        response = client.get(_url(mode, lesson))
        assert response.status_code == 200, mode
        assert message in _html(response)
        assert "Mark this mode as done" not in _html(response)
    assert "This lesson has no diagram quiz yet." in _html(client.get(_url("visualize", lesson)))
    response = client.post(_url("visualize", lesson), {"question-1": "1"})
    assert response.status_code == 400
    assert _nothing_written()


def test_a_diagram_without_a_quiz_and_an_analogy_of_one_pair(client, db):
    lesson = make_lesson(sections=1)
    make_section(lesson, kind=Section.Kind.DIAGRAM, items=3)
    make_section(lesson, kind=Section.Kind.ANALOGY, items=1)
    html = _html(client.get(_url("visualize", lesson)))
    assert "This lesson has no diagram quiz yet." in html
    assert 'class="diagram__box"' in html  # boxes that link nowhere are not links
    assert "Mark this mode as done" in html
    analogy = client.get(_url("analogy", lesson))
    assert "This analogy has too few pairs to match." in _html(analogy)
    response = client.post(_url("analogy", lesson), {"match-1": "1"})
    assert response.status_code == 400
    assert _nothing_written()


# --- Query budget -------------------------------------------------------------------------


def _big_lesson(size: int):
    lesson = make_lesson(sections=size)
    concepts = list(lesson.sections.all())
    for kind in (Section.Kind.DEEP_DIVE, Section.Kind.USE_CASE):
        for _ in range(size):
            make_section(lesson, kind=kind, items=2 if kind == Section.Kind.USE_CASE else 0)
    for kind in (Section.Kind.ANALOGY, Section.Kind.DIAGRAM):
        section = make_section(lesson, kind=kind)
        for order, concept in enumerate(concepts):
            SectionItem.objects.create(section=section, order=order, label=concept.heading,
                                       text="Text", group=f"g{order % 3}", link=concept.key)  # fmt: skip
    for _ in range(size):
        make_question(lesson, use=Question.Use.DIAGRAM)
    return lesson, concepts[0].key


@pytest.mark.parametrize("size", [1, 30])
@pytest.mark.parametrize("mode", MODES)
def test_each_mode_page_stays_within_six_queries(client, db, django_assert_max_num_queries, size,
                                                 mode):  # fmt: skip
    lesson, key = _big_lesson(size)
    client.post(reverse("learning:mode-done", args=[lesson.slug, "deep-dive"]))  # now a learner
    query = f"?component={key}" if mode == "visualize" else ""
    with django_assert_max_num_queries(6):
        response = client.get(_url(mode, lesson, query))
    assert response.status_code == 200
    assert "mode__visited" in _html(response)


@pytest.mark.parametrize("mode", MODES)
def test_bundled_pages_stay_within_six_queries(client, lesson, django_assert_max_num_queries,
                                               mode):  # fmt: skip
    client.post(reverse("learning:mode-done", args=[lesson.slug, mode]))
    with django_assert_max_num_queries(6):
        response = client.get(_url(mode, lesson))
    assert lesson.title in page_text(response)
    with django_assert_max_num_queries(6):
        response = client.get(
            _url("visualize", lesson, "?component=security"), HTTP_HX_REQUEST="true"
        )
    assert "Security" in page_text(response)


# --- The pure functions -------------------------------------------------------------------


def test_the_shuffle_is_stable_per_seed_and_never_the_authored_order():
    items = [object() for _ in range(5)]
    assert shuffled_counterparts(items, 7) == shuffled_counterparts(items, 7)
    for seed in range(200):
        order = shuffled_counterparts(items, seed)
        assert order != items and sorted(map(id, order)) == sorted(map(id, items))
    pair = [object(), object()]
    assert shuffled_counterparts(pair, 1) == pair[::-1]
    assert shuffled_counterparts([], 1) == []


def test_grade_matches_compares_each_pick_with_its_concept():
    a, b, c = (object() for _ in range(3))
    offered = [c, a, b]
    result = grade_matches([a, b, c], offered, [2, 1, 1])
    assert [row.is_right for row in result.rows] == [True, False, True]
    assert (result.score, result.total, result.all_right) == (2, 3, False)
    assert [row.correct_letter for row in result.rows] == ["B", "C", "A"]
    with pytest.raises(ValueError):
        grade_matches([a, b, c], offered, [1])


def test_grade_quiz_handles_every_kind(db):
    lesson = make_lesson()
    kinds = ["single", "multiple", "true_false", "code_output"]
    questions = [make_question(lesson, kind=kind, use="diagram") for kind in kinds]
    right = []
    for question in questions:
        correct = [o.pk for o in question.options.all() if o.is_correct]
        right.append(Answer(typed="42") if question.is_typed else Answer(selected=correct))
    assert grade_quiz(questions, right).score == 4
    wrong = [Answer(selected=[o.pk for o in q.options.all() if not o.is_correct][:1], typed="41")
             for q in questions]  # fmt: skip
    result = grade_quiz(questions, wrong)
    assert result.score == 0
    single = result.results[0]
    assert [(o.text, o in single.chosen) for o in single.shown] == [
        ("Right", False),
        ("Wrong B", True),
    ]


@pytest.mark.parametrize("size", [2, 30])
def test_graded_posts_do_not_grow_with_the_lesson(client, db, django_assert_max_num_queries, size):
    lesson, _ = _big_lesson(size)
    client.post(reverse("learning:mode-done", args=[lesson.slug, "deep-dive"]))
    questions = _diagram_questions(lesson)
    data = {f"question-{n}": q.options.first().pk for n, q in enumerate(questions, start=1)}
    # Ten statements plus the savepoints of the two transactions (progress, session).
    with django_assert_max_num_queries(14):
        assert client.post(_url("visualize", lesson), data).status_code == 200
    with django_assert_max_num_queries(14):
        response = client.post(
            _url("analogy", lesson), {f"match-{n}": 1 for n in range(1, size + 1)}
        )
    assert response.status_code == 200

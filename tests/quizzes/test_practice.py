"""Practice mode through the server: one question at a time, retries, the hint and the
solution on request, progress recorded on POST only, and the same integrity as the test."""

import re
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Learner
from courses.models import Option, Question
from progress.models import LessonProgress
from tests.factories import make_lesson, make_question
from tests.pages import page_text

from .helpers import answer_data, secrets_of

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def lesson(course):
    return course["fixture-readiness"]


def _url(lesson, number: int | None = None) -> str:
    url = reverse("learning:practice", args=[lesson.slug])
    return f"{url}?q={number}" if number else url


def _questions(lesson) -> list[Question]:
    return list(Question.objects.practice().filter(lesson=lesson).order_by("order", "id"))


def _answer(question, right: bool = True) -> dict:
    return answer_data(SimpleNamespace(question=question), right)


def _post(client, lesson, question, action="answer", htmx=False, **fields):
    data = {"question": question.pk, "action": action, **fields}
    return client.post(_url(lesson), data, **(HTMX if htmx else {}))


def _card(html: str) -> str:
    return html.split('id="practice-card"', 1)[1]


def _progress(lesson) -> LessonProgress:
    return LessonProgress.objects.get(lesson=lesson)


# --- The page --------------------------------------------------------------------------


def test_the_page_shows_the_first_question_with_the_mode_chooser(client, lesson):
    questions = _questions(lesson)
    response = client.get(_url(lesson))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Question 1 of {len(questions)}" in html
    assert lesson.title in html
    assert 'href="/patterns/fixture-readiness/practice/" aria-current="page"' in html
    assert f'href="{lesson.get_absolute_url()}"' in html  # the way back to the lesson
    assert questions[0].prompt_html in html
    assert "<fieldset" in html and "<legend>" in html
    assert "no-store" in response["Cache-Control"]


def test_each_question_has_its_own_url(client, lesson):
    questions = _questions(lesson)
    html = client.get(_url(lesson, 3)).content.decode()
    assert "Question 3 of" in html and questions[2].prompt_html in html
    assert questions[0].prompt_html not in html


@pytest.mark.parametrize("number", ["0", "99", "abc", "-1", "1.5", "９"])
def test_a_question_number_out_of_range_is_not_found(client, lesson, number):
    assert client.get(f"{_url(lesson)}?q={number}").status_code == 404


def test_with_htmx_only_the_card_is_sent(client, lesson):
    response = client.get(_url(lesson, 2), **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card test-card practice-card"')
    assert "<html" not in html and "modes-heading" not in html
    assert "data-autofocus" in html


def test_a_history_restore_gets_the_whole_page(client, lesson):
    response = client.get(_url(lesson, 2), HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)
    assert "<html" in response.content.decode()


def test_a_lesson_without_practice_questions_says_so(client, db):
    lesson = make_lesson()
    response = client.get(_url(lesson))
    assert response.status_code == 200
    assert "No practice questions yet" in response.content.decode()


def test_questions_of_other_uses_and_lessons_are_not_practised(client, db):
    lesson, other = make_lesson(), make_lesson()
    practice = make_question(lesson, use="practice", prompt="Practise me")
    make_question(lesson, use="test", prompt="Only in the test")
    make_question(lesson, use="practice", prompt="Retired", is_active=False)
    make_question(other, use="practice", prompt="Another lesson")
    html = client.get(_url(lesson)).content.decode()
    assert "Question 1 of 1" in html and practice.prompt_html in html
    assert client.get(_url(lesson, 2)).status_code == 404


# --- No answer before the learner has earned it -----------------------------------------


def test_no_question_page_or_fragment_leaks_the_answer_or_the_hint(client, lesson):
    for number, question in enumerate(_questions(lesson), start=1):
        for headers in ({}, HTMX):
            response = client.get(_url(lesson, number), **headers)
            html = response.content.decode()
            for secret in secrets_of(question):
                assert secret not in html + str(response.headers), (question.key, secret)
            card = _card(html)
            for marker in ("is_correct", "Correct answer", "review-option--right",
                           "data-correct", "Step by step", "Common mistakes", "Quick check"):  # fmt: skip
                assert marker not in card, marker
            assert not re.search(r"data-[a-z-]*(answer|right|solution|correct)", html)


def test_a_wrong_answer_reveals_nothing(client, lesson):
    question = _questions(lesson)[0]
    html = _post(client, lesson, question, **_answer(question, right=False)).content.decode()
    assert "Not quite. Try again" in html
    for secret in secrets_of(question):
        assert secret not in html


def test_the_hint_comes_only_on_request_and_not_the_answer(client, lesson):
    question = _questions(lesson)[0]
    response = _post(client, lesson, question, action="hint", htmx=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert question.hint_html in html
    assert 'name="hint" value="1"' in html  # it stays on screen for the next try
    assert "Show a hint" not in html
    for secret in set(secrets_of(question)) - {question.hint_html}:
        assert secret not in html


# --- Answering ---------------------------------------------------------------------------


def test_wrong_then_right_counts_the_question_solved_once(client, lesson):
    question = _questions(lesson)[0]
    wrong = _post(client, lesson, question, htmx=True, **_answer(question, right=False))
    assert wrong.status_code == 200
    progress = _progress(lesson)
    assert progress.practice_solved == [] and "practice" in progress.modes_visited

    right = _post(client, lesson, question, htmx=True, **_answer(question))
    html = right.content.decode()
    assert "Correct." in html and 'role="status"' in html
    for part in (question.solution_html, question.quick_check_html, question.mistakes_html):
        assert part in html
    assert f'href="{_url(lesson, 2)}"' in html and "Next question" in html
    _post(client, lesson, question, **_answer(question))
    assert _progress(lesson).practice_solved == [question.key]
    assert "1 of 5 solved" in client.get(_url(lesson, 2)).content.decode()


def test_a_retry_keeps_the_learners_choice_and_the_hint(client, lesson):
    question = next(q for q in _questions(lesson) if not q.is_typed)
    wrong = _answer(question, right=False)
    html = _post(client, lesson, question, hint="1", **wrong).content.decode()
    assert f'value="{wrong["choice"]}" checked' in html
    assert question.hint_html in html


def test_showing_the_solution_counts_as_practised_not_solved(client, lesson):
    question = _questions(lesson)[1]
    response = _post(client, lesson, question, action="reveal", htmx=True)
    html = response.content.decode()
    assert "Here is the solution" in html
    assert question.solution_html in html and question.mistakes_html in html
    assert "Question 2 of 5" in html
    progress = _progress(lesson)
    assert progress.practice_solved == [] and "practice" in progress.modes_visited


def test_code_output_is_typed_and_compared_normalised(client, db):
    lesson = make_lesson()
    question = make_question(lesson, kind="code_output", use="practice",
                             code="print('a')\nprint('b')", expected_output="a\nb")  # fmt: skip
    html = client.get(_url(lesson)).content.decode()
    assert 'textarea class="answer-output"' in html
    response = _post(client, lesson, question, answer="a  \r\nb\n")
    assert "Correct." in response.content.decode()
    assert _progress(lesson).practice_solved == [question.key]


def test_a_revealed_code_output_question_without_an_answer_shows_no_empty_answer(client, db):
    lesson = make_lesson()
    question = make_question(lesson, kind="code_output", use="practice")
    html = _post(client, lesson, question, action="reveal").content.decode()
    assert "What the code prints" in html and "Your answer" not in html


def test_multiple_select_is_all_or_nothing(client, db):
    lesson = make_lesson()
    question = make_question(lesson, kind="multiple", use="practice")
    right = list(question.options.filter(is_correct=True).values_list("pk", flat=True))
    html = _post(client, lesson, question, choices=right[:1]).content.decode()
    assert "Not quite" in html and "Choose all that apply" in html
    assert "Correct." in _post(client, lesson, question, choices=right).content.decode()


def test_the_last_question_offers_a_new_round_and_the_test(client, lesson):
    questions = _questions(lesson)
    html = _post(client, lesson, questions[-1], **_answer(questions[-1])).content.decode()
    assert "Next question" not in html
    assert f'href="{_url(lesson, 1)}"' in html
    assert f"{lesson.get_absolute_url()}#test-this-pattern" in html


def test_without_javascript_the_answer_renders_the_whole_page(client, lesson):
    question = _questions(lesson)[0]
    response = _post(client, lesson, question, **_answer(question))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and "modes-heading" in html and "Correct." in html
    assert "✓</span> visited" in html  # the chooser already knows practice was visited


def test_a_signed_in_learner_keeps_their_practice(client, lesson, django_user_model):
    user = django_user_model.objects.create_user("ada", password="x-12345678")
    client.force_login(user)
    question = _questions(lesson)[0]
    _post(client, lesson, question, **_answer(question))
    assert LessonProgress.objects.get(learner__user=user).practice_solved == [question.key]


# --- GET never writes; odd input writes nothing -------------------------------------------


def test_reading_practice_pages_writes_nothing(client, lesson):
    for number in range(1, 6):
        client.get(_url(lesson, number))
        client.get(_url(lesson, number), **HTMX)
    assert not Learner.objects.exists() and not LessonProgress.objects.exists()


def test_hostile_input_is_refused_with_a_message_and_no_write(client, lesson, course):
    question = next(q for q in _questions(lesson) if not q.is_typed)
    typed = next(q for q in _questions(lesson) if q.is_typed)
    foreign = Question.objects.practice().exclude(lesson=lesson).first()
    foreign_option = Option.objects.exclude(question=question).first()
    cases = [
        ({"question": foreign.pk, "action": "answer", "choice": 1}, "not in this lesson"),
        ({"question": "abc", "action": "answer"}, "not in this lesson"),
        ({"question": 10**30, "action": "answer"}, "not in this lesson"),
        ({"question": question.pk, "action": "cheat"}, "not one of the available"),
        ({"question": [question.pk, typed.pk], "action": "answer"}, "once"),
        ({"question": question.pk, "choice": foreign_option.pk}, "not one of the available"),
        ({"question": question.pk, "choice": "1 OR 1=1"}, "not one of the available"),
        ({"question": question.pk, "choice": ["1", "2"]}, "one choice"),
        ({"question": question.pk}, "Choose an option"),
        ({"question": typed.pk, "answer": "x" * 1_000_000}, "at most 2000"),
        ({"question": typed.pk, "answer": "ok\u200bok"}, "invisible characters"),
        ({"question": typed.pk, "answer": "\u202eko"}, "invisible characters"),
    ]
    for data, message in cases:
        for headers in ({}, HTMX):
            response = client.post(_url(lesson), data, **headers)
            html = response.content.decode()
            assert response.status_code == 400, data
            assert message in html, (data, html[:300])
            assert 'role="alert"' in html
    assert not Learner.objects.exists() and not LessonProgress.objects.exists()


def test_a_nul_character_is_refused(client, lesson):
    typed = next(q for q in _questions(lesson) if q.is_typed)
    response = _post(client, lesson, typed, answer="ok\x00")
    assert response.status_code == 400
    assert not LessonProgress.objects.exists()


def test_extra_fields_are_ignored(client, lesson):
    question = _questions(lesson)[0]
    extra = {"is_correct": "1", "solved": "1", "score": "10", "user": "1", "learner": "1"}
    _post(client, lesson, question, **_answer(question, right=False), **extra)
    assert _progress(lesson).practice_solved == []


def test_every_post_needs_the_csrf_token(lesson):
    question = _questions(lesson)[0]
    client = Client(enforce_csrf_checks=True)
    response = _post(client, lesson, question, **_answer(question))
    assert response.status_code == 403
    assert not LessonProgress.objects.exists()


# --- Query budgets -----------------------------------------------------------------------


def _big_practice_lesson(size: int):
    lesson = make_lesson()
    kinds = ["single", "multiple", "true_false", "code_output"]
    questions = [make_question(lesson, kind=kinds[i % 4], use="practice") for i in range(size)]
    return lesson, questions


def test_the_page_query_count_is_constant(client, db, django_assert_max_num_queries):
    for size in (3, 60):
        lesson, questions = _big_practice_lesson(size)
        _post(client, lesson, questions[0], **_answer(questions[0]))  # a learner with progress
        for number in (1, size):
            question = questions[number - 1]
            with django_assert_max_num_queries(8):
                response = client.get(_url(lesson, number))
            assert question.prompt_html in page_text(response)
            with django_assert_max_num_queries(8):
                response = client.get(_url(lesson, number), **HTMX)
            assert question.prompt_html in page_text(response)


def test_the_post_query_count_is_constant(client, db, django_assert_max_num_queries):
    for size in (3, 60):
        lesson, questions = _big_practice_lesson(size)
        _post(client, lesson, questions[0], **_answer(questions[0]))  # a learner with progress
        for question in (questions[1], questions[-1]):
            for headers in ({}, HTMX):
                for action, data in (("answer", _answer(question, right=False)),
                                     ("answer", _answer(question)), ("hint", {}),
                                     ("reveal", {})):  # fmt: skip
                    with django_assert_max_num_queries(10):
                        response = _post(client, lesson, question, action, **data, **headers)
                    assert question.prompt_html in page_text(response)


# --- Fuzz --------------------------------------------------------------------------------

FIELDS = st.sampled_from(
    ["question", "action", "hint", "choice", "choices", "answer", "is_correct", "user", "q"]
)
VALUES = st.one_of(
    st.text(max_size=50),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["\x00", "\u200b", "\u202e", "1e9", "NaN", "[]", "-1", " 1 ", "answer",
                     "hint", "reveal", "on"]),
)  # fmt: skip
FORMS = st.dictionaries(FIELDS, st.one_of(VALUES, st.lists(VALUES, max_size=4)), max_size=6)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=FORMS, real_question=st.integers(min_value=-1, max_value=4), htmx=st.booleans())
def test_arbitrary_practice_posts_never_break_anything(client, lesson, data, real_question, htmx):
    questions = _questions(lesson)
    if real_question >= 0:
        data["question"] = str(questions[real_question].pk)
    response = client.post(_url(lesson), data, **(HTMX if htmx else {}))
    assert response.status_code in {200, 400}, response.status_code
    if response.status_code == 400:
        assert b'role="alert"' in response.content
    progress = LessonProgress.objects.filter(lesson=lesson).first()
    solved = set(progress.practice_solved) if progress else set()
    assert solved <= {question.key for question in questions}


def test_odd_question_numbers_are_404_not_500(client, course):
    from django.urls import reverse

    url = reverse("learning:practice", args=["fixture-readiness"])
    for number in ("²", "0", "99", "abc", "9" * 40):
        assert client.get(url, {"q": number}).status_code == 404, number

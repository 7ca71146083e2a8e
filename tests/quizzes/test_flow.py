"""The "Test this pattern" flow through the server, with and without htmx."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from courses.models import Question
from learning.page_cache import hole_html
from quizzes.forms import signed_position
from quizzes.models import AttemptQuestion, Response, TestAttempt
from tests.factories import make_bank, make_lesson
from tests.pages import page_text

from .helpers import answer, answer_data, answer_each_within, current_token, finish, start


@pytest.fixture
def lesson(course):
    return course["fixture-readiness"]


def test_a_guest_can_start_a_test_of_ten_questions(client, lesson):
    attempt = start(client, lesson)
    assert attempt.learner.is_guest
    assert attempt.question_count == 10
    levels = [s.question.difficulty for s in attempt.slots.select_related("question")]
    assert levels == ["easy"] * 3 + ["medium"] * 4 + ["hard"] * 3
    html = client.get(reverse("learning:attempt", args=[attempt.pk])).content.decode()
    assert "Question 1 of 10" in html
    assert '<progress class="test-progress__bar" max="10" value="0"' in html


def test_starting_again_resumes_the_open_attempt(client, lesson):
    attempt = start(client, lesson)
    answer(client, attempt)
    assert start(client, lesson).pk == attempt.pk
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert "Resume test — question 2 of 10" in html
    page = client.get(reverse("learning:attempt", args=[attempt.pk])).content.decode()
    assert "Question 2 of 10" in page


def test_options_keep_their_shuffled_order_on_reload(client, lesson):
    attempt = start(client, lesson)
    url = reverse("learning:attempt", args=[attempt.pk])
    first, second = client.get(url).content.decode(), client.get(url).content.decode()

    def options(html: str) -> list[str]:  # the option ids, in the order shown
        return re.findall(r'id="option-(\d+)"', html)

    assert len(options(first)) >= 2
    assert options(first) == options(second)


def test_answering_without_javascript_redirects_to_the_feedback(client, lesson):
    attempt = start(client, lesson)
    response = answer(client, attempt, right=True)
    assert response.status_code == 303
    assert response["Location"] == reverse("learning:feedback", args=[attempt.pk, 1])
    html = client.get(response["Location"]).content.decode()
    slot = attempt.slots.select_related("question").get(position=0)
    assert "Correct." in html and 'role="status"' in html
    assert slot.question.solution_html in html
    assert slot.question.mistakes_html in html
    assert "Next question" in html


def test_answering_with_htmx_returns_only_the_card(client, lesson):
    attempt = start(client, lesson)
    response = answer(client, attempt, right=False, htmx=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card test-card" id="test-card"')
    assert "<html" not in html
    assert "Not this time." in html
    assert 'hx-get="/tests/' in html and "data-autofocus" in html


def test_htmx_feedback_is_built_from_the_grading_without_reading_the_attempt_back(
    client, lesson, django_assert_num_queries
):
    attempt = start(client, lesson)
    answer(client, attempt, right=True)  # the draw and question are cached from here on
    attempt.refresh_from_db()
    slot = attempt.slots.select_related("question").get(position=1)
    data = {"token": current_token(client, attempt), **answer_data(slot, right=False)}
    url = reverse("learning:answer", args=[attempt.pk])
    # The UPDATE that grades once and the response's INSERT: on PostgreSQL one statement,
    # elsewhere two in a transaction (here the test's own: no savepoint of their own).
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        response = client.post(url, data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "Not this time." in html
    assert "Question 2 of 10" in html and "Next question" in html
    assert f'hx-get="/tests/{attempt.pk}/"' in html
    attempt.refresh_from_db()
    assert (attempt.position, attempt.score) == (2, 1)


def test_the_attempt_a_grading_leaves_loads_what_it_does_not_know(client, lesson):
    from quizzes import question_cache
    from quizzes.services import _still_open

    attempt = start(client, lesson)
    for _ in range(2):
        assert answer(client, attempt, right=True).status_code == 303
    opened = _still_open(question_cache.attempt_draw(attempt.pk, attempt.learner_id), 2)
    assert (opened.pk, opened.position, opened.is_open) == (attempt.pk, 2, True)
    assert opened.score == 2  # deferred: read from the database on access


def test_no_index_holds_what_an_answer_changes(db):
    """An answer moves the attempt's `position` and `score`; with neither indexed,
    PostgreSQL can update the row in place (see TestAttempt.Meta)."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, TestAttempt._meta.db_table)
    indexed = {column for index in found.values() if index["index"] for column in index["columns"]}
    assert {"learner_id", "lesson_id", "status"} <= indexed
    assert not indexed & {"position", "score"}


def _attempt_updates() -> tuple[int, int]:
    """This connection's updates of test attempts not yet sent to the shared statistics,
    and how many of them were HOT: inside the test's transaction nothing is sent, so the
    difference between two readings is what happened in between (PostgreSQL 15 counts
    earlier transactions here too until it sends them)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
            [TestAttempt._meta.db_table],
        )
        return cursor.fetchone()


@pytest.mark.postgres
def test_right_and_wrong_answers_update_the_attempt_in_place(client, lesson):
    if connection.vendor != "postgresql":
        pytest.skip("HOT updates are PostgreSQL's")
    attempt = start(client, lesson)
    updated_before, in_place_before = _attempt_updates()
    for right in (True, False, True):
        assert answer(client, attempt, right=right).status_code == 303
    updated, in_place = _attempt_updates()
    assert (updated - updated_before, in_place - in_place_before) == (3, 3)
    attempt.refresh_from_db()
    assert (attempt.position, attempt.score) == (3, 2)


def test_a_wrong_choice_links_to_the_confusion_it_reflects(client, db):
    from courses.models import Section
    from tests.factories import make_question

    lesson = make_lesson()
    for difficulty in ["easy"] * 3 + ["medium"] * 4 + ["hard"] * 3:
        make_question(lesson, kind="single", difficulty=difficulty)

    confusion = Section.objects.create(
        lesson=lesson, kind="confusion", key="myth", heading="I thought so.", body="No."
    )
    for question in Question.objects.filter(lesson=lesson):
        question.options.filter(is_correct=False).update(confusion=confusion)
    attempt = start(client, lesson)
    response = answer(client, attempt, right=False, htmx=True)
    html = response.content.decode()
    assert "This choice reflects a common confusion" in html
    assert f"{lesson.get_absolute_url()}#confusion-myth" in html


def test_a_full_test_gives_a_result_with_strength(client, lesson):
    attempt = start(client, lesson)
    attempt = finish(client, attempt, pattern="1111111101")  # 9 right, 2 of 3 hard
    assert attempt.status == TestAttempt.Status.FINISHED
    assert attempt.score == 9
    assert attempt.strength == "strong"
    html = client.get(reverse("learning:result", args=[attempt.pk])).content.decode()
    assert '<span class="result__number">9</span>' in html
    assert "Strong" in html and "at least 8 of 10 right" in html
    assert "<td>3 of 3</td>" in html and "<td>2 of 3</td>" in html
    assert "What you missed (1)" in html
    missed = attempt.slots.get(position=8).question
    assert missed.solution_html in html
    lesson_html = client.get(lesson.get_absolute_url()).content.decode()
    assert '<span class="strength strength--strong">Strong</span>' in lesson_html
    assert "Retake the test" in lesson_html


def test_a_retake_draws_unseen_questions_first(client, lesson):
    first = finish(client, start(client, lesson))
    second = start(client, lesson)
    assert second.pk != first.pk
    seen = set(first.slots.values_list("question_id", flat=True))
    drawn = set(second.slots.values_list("question_id", flat=True))
    bank = Question.objects.test_bank().filter(lesson=lesson)
    unseen = {level: bank.filter(difficulty=level).exclude(pk__in=seen).count()
              for level in ("easy", "medium", "hard")}  # fmt: skip
    overlap = len(seen & drawn)
    # Only a difficulty with too few unseen questions may repeat one.
    assert overlap == sum(max(0, n - unseen[level]) for level, n in
                          (("easy", 3), ("medium", 4), ("hard", 3)))  # fmt: skip


def test_a_short_bank_says_so_on_the_result(client, db):
    lesson = make_lesson()
    make_bank(lesson, easy=5, medium=4, hard=1)
    attempt = finish(client, start(client, lesson))
    html = client.get(reverse("learning:result", args=[attempt.pk])).content.decode()
    assert "short of some difficulties" in html


def test_a_lesson_without_a_bank_cannot_start(client, db):
    lesson = make_lesson()
    response = client.post(reverse("learning:start", args=[lesson.slug]), follow=True)
    assert "has no test questions yet" in response.content.decode()
    assert not TestAttempt.objects.filter(lesson=lesson).exists()


def test_abandoning_closes_the_attempt(client, lesson):
    attempt = start(client, lesson)
    response = client.post(reverse("learning:abandon", args=[attempt.pk]))
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == TestAttempt.Status.ABANDONED
    assert "Start the test" in client.get(lesson.get_absolute_url()).content.decode()
    assert start(client, lesson).pk != attempt.pk


def test_code_output_is_typed_and_compared_normalised(client, db):
    lesson = make_lesson()
    make_bank(lesson, easy=0, medium=10, hard=0)
    Question.objects.filter(lesson=lesson).update(kind="code_output", expected_output="a\nb")
    attempt = start(client, lesson)
    html = client.get(reverse("learning:attempt", args=[attempt.pk])).content.decode()
    assert 'textarea class="answer-output"' in html
    token = current_token(client, attempt)
    client.post(
        reverse("learning:answer", args=[attempt.pk]), {"token": token, "answer": "a  \r\nb\n"}
    )
    assert Response.objects.get(slot__attempt=attempt).is_correct


def test_multiple_select_says_all_or_nothing(client, db):
    lesson = make_lesson()
    make_bank(lesson, easy=10, medium=0, hard=0)
    Question.objects.filter(lesson=lesson).exclude(kind="multiple").update(is_active=False)
    make_bank(lesson, easy=0, medium=0, hard=0)
    from tests.factories import make_question

    for _ in range(10):
        make_question(lesson, kind="multiple", difficulty="easy")
    attempt = start(client, lesson)
    html = client.get(reverse("learning:attempt", args=[attempt.pk])).content.decode()
    assert "All or nothing" in html and 'type="checkbox"' in html
    slot = attempt.slots.select_related("question").get(position=0)
    right = slot.question.options.filter(is_correct=True).first()
    token = current_token(client, attempt)
    client.post(
        reverse("learning:answer", args=[attempt.pk]), {"token": token, "choices": [right.pk]}
    )
    assert not Response.objects.get(slot=slot).is_correct


def test_result_of_an_unfinished_attempt_goes_back_to_the_question(client, lesson):
    attempt = start(client, lesson)
    response = client.get(reverse("learning:result", args=[attempt.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("learning:attempt", args=[attempt.pk])


def test_feedback_for_an_unanswered_question_is_not_shown(client, lesson):
    attempt = start(client, lesson)
    response = client.get(reverse("learning:feedback", args=[attempt.pk, 1]))
    assert response.status_code == 302


def test_the_question_page_query_count_is_constant(client, db, django_assert_max_num_queries):
    for size in (18, 500):
        lesson = make_lesson()
        make_bank(lesson, easy=size // 3, medium=size // 3, hard=size - 2 * (size // 3))
        attempt = start(client, lesson)
        with django_assert_max_num_queries(8):
            response = client.get(reverse("learning:attempt", args=[attempt.pk]))
        assert "Question 1 of 10" in page_text(response)


def test_the_answer_post_query_count_is_constant(client, db, django_assert_max_num_queries):
    for size in (18, 500):
        lesson = make_lesson()
        make_bank(lesson, easy=size // 3, medium=size // 3, hard=size - 2 * (size // 3))
        attempt = start(client, lesson)
        # The last answer also finishes the test.
        answer_each_within(client, attempt, 10, django_assert_max_num_queries)


def test_question_pages_share_the_page_around_each_learners_own_card(course, monkeypatch):
    from django.core.cache import caches
    from django.test import Client

    from learning import page_cache

    lesson = course["fixture-readiness"]
    first, second = Client(), Client()
    attempts = [start(first, lesson), start(second, lesson)]
    answer(second, attempts[1], right=True)
    caches["local"].clear()
    renders = []
    real = page_cache.render_to_string
    monkeypatch.setattr(page_cache, "render_to_string",
                        lambda *a, **k: renders.append(a[0]) or real(*a, **k))  # fmt: skip
    pages = [client.get(reverse("learning:attempt", args=[attempt.pk])).content.decode()
             for client, attempt in zip((first, second), attempts, strict=True)]  # fmt: skip
    assert renders == ["quizzes/attempt.html"]
    for html, attempt, number in zip(pages, attempts, (1, 2), strict=True):
        assert f"Question {number} of 10" in html and lesson.title in html
        assert f'action="/tests/{attempt.pk}/answer/"' in html and "\x00" not in html
        # This card's form: its token names this attempt and position (a token carries the
        # second it was signed in, so one made here may differ from the page's).
        token = re.search(r'name="token" value="([^"]+)"', html).group(1)
        assert signed_position(token, attempt.pk).position == number - 1


def test_an_htmx_card_carries_a_working_token_in_its_form(lesson):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    page = client.get(lesson.get_absolute_url()).content.decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    client.post(reverse("learning:start", args=[lesson.slug]), {"csrfmiddlewaretoken": token})
    attempt = TestAttempt.objects.get()
    card = client.get(reverse("learning:attempt", args=[attempt.pk]), HTTP_HX_REQUEST="true")
    html = card.content.decode()
    assert html.lstrip().startswith('<section class="card test-card"') and "\x00" not in html
    fresh = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    abandon = client.post(reverse("learning:abandon", args=[attempt.pk]),
                          {"csrfmiddlewaretoken": fresh})  # fmt: skip
    assert abandon.status_code in (302, 303)
    assert TestAttempt.objects.get().status == TestAttempt.Status.ABANDONED


def _test_of_ten_single_choice_questions(client, difficulty: str) -> TestAttempt:
    from tests.factories import make_question

    lesson = make_lesson()
    for _ in range(10):
        make_question(lesson, kind="single", difficulty=difficulty)
    return start(client, lesson)


def _record_question_renders(monkeypatch) -> list[str]:
    """The templates quizzes.question_cache renders from now on, from an empty local cache."""
    from django.core.cache import caches

    from courses import content_cache
    from quizzes import question_cache

    caches["local"].clear()
    renders = []
    for module in (question_cache, content_cache):  # its review lines, its parts
        real = module.render_to_string
        monkeypatch.setattr(module, "render_to_string",
                            lambda *a, real=real, **k: renders.append(a[0]) or real(*a, **k))  # fmt: skip
    return renders


def test_a_questions_choices_are_rendered_once_for_each_order(client, db, monkeypatch):
    attempt = _test_of_ten_single_choice_questions(client, "easy")
    renders = _record_question_renders(monkeypatch)
    url = reverse("learning:attempt", args=[attempt.pk])
    choices = re.compile(r'<fieldset class="choices".*?</fieldset>', re.S)
    pages = [client.get(url).content.decode() for _ in range(2)]
    assert renders.count("quizzes/_test_choices.html") == 1
    assert choices.search(pages[0]).group() == choices.search(pages[1]).group()
    # An answer with nothing chosen: the choices carry the error, drawn for this reply only.
    sent = client.post(reverse("learning:answer", args=[attempt.pk]),
                       {"token": current_token(client, attempt)})  # fmt: skip
    assert sent.status_code == 400
    assert 'class="field-error"' in choices.search(sent.content.decode()).group()
    assert 'class="field-error"' not in choices.search(client.get(url).content.decode()).group()
    assert renders.count("quizzes/_test_choices.html") == 1


def test_the_parts_of_a_card_that_depend_on_its_question_alone_are_rendered_once(
    client, db, monkeypatch
):
    from collections import Counter

    from quizzes import question_cache

    attempt = _test_of_ten_single_choice_questions(client, "hard")
    question = attempt.slots.select_related("question").get(position=0).question
    renders = _record_question_renders(monkeypatch)
    url = reverse("learning:attempt", args=[attempt.pk])
    for _ in range(2):
        page = client.get(url).content.decode()
        assert f'<div class="prose" id="prompt-{question.pk}">{question.prompt_html}</div>' in page
        assert '<span class="badge badge--hard">Hard</span>' in page
    wrong = question.options.filter(is_correct=False).first()
    sent = client.post(reverse("learning:answer", args=[attempt.pk]),
                       {"token": current_token(client, attempt), "choice": wrong.pk},
                       HTTP_HX_REQUEST="true")  # fmt: skip
    feedback = reverse("learning:feedback", args=[attempt.pk, 1])
    for html in (sent.content.decode(), client.get(feedback).content.decode()):
        assert question.solution_html in html and question.mistakes_html in html
        assert question.prompt_html in html and "badge--hard" in html
    parts = Counter(r for r in renders if r in question_cache.QUESTION_PARTS.values())
    assert parts == dict.fromkeys(question_cache.QUESTION_PARTS.values(), 1)
    # A content change renders them afresh: no learner sees the old solution.
    question.solution = "A better worked solution."
    question.save()
    assert "A better worked solution." in client.get(feedback).content.decode()


def test_a_review_puts_each_questions_lines_in_the_learners_order(client, db, monkeypatch):
    attempt = _test_of_ten_single_choice_questions(client, "easy")
    slot = attempt.slots.select_related("question").get(position=0)
    renders = _record_question_renders(monkeypatch)
    page = client.get(reverse("learning:attempt", args=[attempt.pk])).content.decode()
    shown = [int(pk) for pk in re.findall(r'id="option-(\d+)"', page)]
    options = {o.pk: o for o in slot.question.options.all()}
    wrong = next(o for o in options.values() if not o.is_correct)
    sent = client.post(reverse("learning:answer", args=[attempt.pk]),
                       {"token": current_token(client, attempt), "choice": wrong.pk},
                       HTTP_HX_REQUEST="true")  # fmt: skip
    html = sent.content.decode()
    lines = re.findall(r'<li class="review-option([^"]*)">.*?</li>', html, re.S)
    at = [html.index(options[pk].text_html) for pk in shown]
    assert at == sorted(at)
    assert [("--chosen" in marks, "--right" in marks) for marks in lines] == [
        (pk == wrong.pk, options[pk].is_correct) for pk in shown
    ]
    assert renders.count("quizzes/_review_option.html") == 2 * len(shown)  # once per question
    feedback = reverse("learning:feedback", args=[attempt.pk, 1])
    assert client.get(feedback).content.decode().count("Your choice") == 1
    assert renders.count("quizzes/_review_option.html") == 2 * len(shown)


def _feedback_card_rendered_directly(attempt_id: int, number: int) -> str:
    """The feedback card as the template renders it from the attempt's rows, with no
    placeholder and no kept skeleton."""
    from quizzes import selectors
    from quizzes.review import review_of_slot

    attempt = TestAttempt.objects.select_related("lesson").get(pk=attempt_id)
    url = "learning:attempt" if attempt.is_open else "learning:result"
    context = {"attempt": attempt, "lesson": attempt.lesson, "state": "feedback",
               "review": review_of_slot(selectors.slot_at(attempt, number - 1)),
               "next_url": reverse(url, args=[attempt.pk])}  # fmt: skip
    return hole_html("quizzes/attempt.html#card", context).decode()


def test_feedback_cards_filled_from_a_shared_skeleton_are_the_cards_rendered_directly(
    db, monkeypatch
):
    """Learners who answer a question alike (the same verdict, the same confusions) share
    one rendered card; each gets it filled with their own number, answer and link, byte
    for byte the card the template renders for their attempt alone."""
    from django.core.cache import caches
    from django.test import Client

    from courses.models import Section
    from learning import page_cache

    lesson = make_lesson()
    make_bank(lesson)  # every kind of question, typed answers included
    confusion = Section.objects.create(lesson=lesson, kind="confusion", key="myth",
                                       heading="I thought so.", body="No.")  # fmt: skip
    for question in Question.objects.filter(lesson=lesson):
        question.options.filter(is_correct=False).update(confusion=confusion)
    caches["local"].clear()
    renders = []  # the cards' states, as page_cache renders them
    real = page_cache.hole_html
    monkeypatch.setattr(page_cache, "hole_html",
                        lambda *a, **k: renders.append(a[1]["state"]) or real(*a, **k))  # fmt: skip
    cards = 0
    for pattern in ("1010101010", "0101010101", "1100110011"):
        client = Client()
        attempt = start(client, lesson)
        for position, right in enumerate(pattern):
            sent = answer(client, attempt, right=right == "1", htmx=True).content.decode()
            direct = _feedback_card_rendered_directly(attempt.pk, position + 1)
            assert sent == direct and "\x00" not in sent
            assert f"Question {position + 1} of 10" in sent
            page = client.get(reverse("learning:feedback", args=[attempt.pk, position + 1]))
            assert direct in page.content.decode()
            cards += 1
    alike = {(question_id, is_correct, position == 9) for question_id, is_correct, position
             in Response.objects.values_list("slot__question", "is_correct", "slot__position")}  # fmt: skip
    assert renders.count("feedback") == len(alike) < cards


def _question_card_rendered_directly(attempt_id: int) -> str:
    """The current question's card as the template renders it from the attempt's rows,
    its choices included, with no placeholder and no kept skeleton."""
    from quizzes import question_cache, selectors
    from quizzes.forms import answer_token

    attempt = TestAttempt.objects.select_related("lesson").get(pk=attempt_id)
    draw = question_cache.attempt_draw(attempt.pk, attempt.learner_id)
    context = {"attempt": attempt, "lesson": attempt.lesson, "state": "question",
               "slot": selectors.slot_at(attempt, attempt.position), "form": None,
               "choices": None, "message": "", "seen_feedback": attempt.position > 0,
               "token": answer_token(draw, attempt.position),
               "answer_url": reverse("learning:answer", args=[attempt.pk]),
               "abandon_url": reverse("learning:abandon", args=[attempt.pk])}  # fmt: skip
    return hole_html("quizzes/attempt.html#card", context).decode()


# The CSRF token is masked anew for each page, and the answer token signed with the time.
TOKENS = re.compile(r'name="(?:csrfmiddlewaretoken|token)" value="[^"]*"')


def _answer_token(html: str, attempt_id: int):
    return signed_position(re.search(r'name="token" value="([^"]+)"', html).group(1), attempt_id)


def test_question_cards_filled_from_a_shared_skeleton_are_the_cards_rendered_directly(
    db, monkeypatch
):
    """Learners at the same question share one rendered card; each gets it filled with
    their own number, choices in their order, links and token, byte for byte the card the
    template renders for their attempt alone (its tokens: the same when unsigned)."""
    from django.core.cache import caches
    from django.test import Client

    from learning import page_cache

    lesson = make_lesson()
    make_bank(lesson)  # every kind of question, typed answers included
    caches["local"].clear()
    renders = []
    real = page_cache.hole_html
    monkeypatch.setattr(page_cache, "hole_html",
                        lambda *a, **k: renders.append(a[1]["state"]) or real(*a, **k))  # fmt: skip
    shown = []
    for _ in range(3):
        client = Client()
        attempt = start(client, lesson)
        for position in range(attempt.question_count):
            url = reverse("learning:attempt", args=[attempt.pk])
            sent = client.get(url, HTTP_HX_REQUEST="true").content.decode()
            direct = _question_card_rendered_directly(attempt.pk)
            assert TOKENS.sub("", sent) == TOKENS.sub("", direct)
            assert _answer_token(sent, attempt.pk) == _answer_token(direct, attempt.pk) is not None
            assert "\x00" not in sent and f"Question {position + 1} of 10" in sent
            shown.append((AttemptQuestion.objects.get(attempt=attempt, position=position)
                          .question_id, position > 0))  # fmt: skip
            answer(client, attempt, right=position % 2 == 0)
    assert renders.count("question") == len(set(shown)) < len(shown)
    newcomer = Client()
    url = reverse("learning:attempt", args=[start(newcomer, lesson).pk])
    first = newcomer.get(url).content.decode()
    rendered = len(renders)
    caches["local"].clear()  # as a new worker finds it: the shared cache holds the card
    assert newcomer.get(url).content.decode().count("Submit answer") == 1
    assert len(renders) == rendered and "Question 1 of 10" in first


def test_a_skeleton_without_a_place_for_each_value_is_refused(db):
    """A template that drops a placeholder (a filter, a changed variable) would serve every
    learner a card without their value: refused when the skeleton is made."""
    from types import SimpleNamespace

    from django.core.exceptions import ImproperlyConfigured

    from learning.page_cache import hole_html_once, placeholder

    context = {"review": SimpleNamespace(is_correct=True, number=placeholder("number"))}
    with pytest.raises(ImproperlyConfigured, match="number"):  # _verdict.html prints no number
        hole_html_once(
            "quizzes/_verdict.html", lambda: context, key=("verdict",), fills={"number": "3"}
        )


def test_a_placeholder_the_page_splitter_could_not_find_is_refused(rf):
    """A name outside lowercase letters, digits and _ would print, never to be found and
    filled: refused where it is made, for a card's values and for a page's holes alike."""
    from learning.page_cache import page_with_holes, placeholder

    assert placeholder("confusion12_key") == "\x00confusion12_key\x00"
    for name in ("Number", "next-url", "a b", ""):
        with pytest.raises(ValueError, match="lowercase letters, digits and _"):
            placeholder(name)
    with pytest.raises(ValueError, match="lowercase letters, digits and _"):
        page_with_holes(rf.post("/"), "quizzes/attempt.html", {}, holes={"Card": b""},
                        key=("bad-hole",))  # fmt: skip


def test_a_typed_answer_is_escaped_where_the_card_is_filled(client, db):
    lesson = make_lesson()
    make_bank(lesson, easy=0, medium=10, hard=0)
    Question.objects.filter(lesson=lesson).update(kind="code_output", expected_output="42")
    attempt = start(client, lesson)
    typed = '<script>alert("x")</script> & co'
    response = client.post(reverse("learning:answer", args=[attempt.pk]),
                           {"token": current_token(client, attempt), "answer": typed},
                           HTTP_HX_REQUEST="true")  # fmt: skip
    html = response.content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in html
    assert "<script>alert" not in html
    assert html == _feedback_card_rendered_directly(attempt.pk, 1)

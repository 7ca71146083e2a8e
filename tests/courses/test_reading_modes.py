"""Deep dive, Why it matters, Visualize and Analogy: what each page shows, that GET writes
nothing, how the diagram quiz and the matching exercise are graded, hostile input, and the
query budget."""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Learner
from courses.models import Question, Section, SectionItem
from progress.models import LessonProgress
from quizzes.diagram_quiz import Answer, grade_quiz
from quizzes.matching import grade_matches, plain_text, shuffled_counterparts
from tests.factories import make_lesson, make_question, make_section

SLUGS = ["fixture-readiness", "fixture-evaluation", "fixture-monitoring"]
MODES = ["deep-dive", "why-it-matters", "visualize", "analogy"]


@pytest.fixture
def lesson(course):
    return course["fixture-readiness"]


def _url(mode: str, lesson, query: str = "") -> str:
    return reverse(f"learning:{mode}", args=[lesson.slug]) + query


def _html(response) -> str:
    return response.content.decode()


def _nothing_written() -> bool:
    return not Learner.objects.exists() and not LessonProgress.objects.exists()


def _visited(lesson) -> list[str]:
    return LessonProgress.objects.get(lesson=lesson).modes_visited


def _diagram_questions(lesson) -> list[Question]:
    questions = lesson.questions.filter(use="diagram", is_active=True)
    return list(questions.prefetch_related("options").order_by("order", "id")[:3])


def _quiz_data(lesson, right=(True, True, True)) -> dict:
    data = {}
    for number, (question, is_right) in enumerate(
        zip(_diagram_questions(lesson), right, strict=True), 1
    ):
        option = next(o for o in question.options.all() if o.is_correct == is_right)
        data[f"question-{number}"] = option.pk
    return data


def _analogy_items(lesson) -> list[SectionItem]:
    section = lesson.sections.filter(kind="analogy").first()
    return list(section.items.order_by("order", "id"))


def _offered_positions(html: str) -> dict[str, int]:
    """Counterpart text -> the value its <option> carries, read off the page."""
    select = re.search(r'<select name="match-1".*?</select>', html, re.S).group(0)
    return {
        unescape(text): int(value)
        for value, text in re.findall(
            r'<option value="(\d+)"[^>]*>[A-Z]\. ([^<]+)</option>', select
        )
    }


def _matching_data(lesson, html: str, right: int) -> dict:
    """Form data pairing the first `right` concepts correctly and the others wrongly."""
    positions = _offered_positions(html)
    items = _analogy_items(lesson)

    def position(item):
        return positions[plain_text(item.text_html)]

    data = {}
    for number, item in enumerate(items, start=1):
        if number <= right:
            data[f"match-{number}"] = position(item)
        else:
            other = items[number % len(items)]
            data[f"match-{number}"] = position(other)
    return data


# --- What each page shows -----------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_deep_dive_shows_its_four_parts(client, course, slug):
    lesson = course[slug]
    html = _html(client.get(_url("deep-dive", lesson)))
    sections = list(lesson.sections.filter(kind="deep_dive"))
    assert [s.heading for s in sections] == [
        "What it is", "Why it matters", "Where it fits", "A mental model"
    ]  # fmt: skip
    for section in sections:
        assert section.body_html in html
        assert f'href="#{section.key}"' in html  # the "In this deep dive" list
    assert f'<h1 class="mode-hero__title">{lesson.title}</h1>' in html
    assert f'href="/patterns/{slug}/deep-dive/" aria-current="page"' in html
    assert (
        f'href="{lesson.get_absolute_url()}"><span aria-hidden="true">←</span> Back to the full explanation'
        in html
    )
    assert reverse("learning:mode-done", args=[slug, "deep-dive"]) in html
    assert "Mark this mode as done" in html


@pytest.mark.parametrize("slug", SLUGS)
def test_why_it_matters_shows_each_use_case_with_before_and_after(client, course, slug):
    lesson = course[slug]
    html = _html(client.get(_url("why-it-matters", lesson)))
    use_cases = list(lesson.sections.filter(kind="use_case").prefetch_related("items"))
    assert use_cases
    for section in use_cases:
        assert section.body_html in html
        assert [item.label for item in section.items.all()] == ["Before", "After"]
        for item in section.items.all():
            assert item.text_html in html
    assert html.count('<figcaption class="code-panel__label">Before</figcaption>') == len(use_cases)
    assert html.count('<figcaption class="code-panel__label">After</figcaption>') == len(use_cases)
    assert "Mark this mode as done" in html


def test_visualize_shows_the_diagram_as_links_and_the_quiz(client, lesson):
    response = client.get(_url("visualize", lesson))
    html = _html(response)
    diagram = lesson.sections.get(kind="diagram")
    assert diagram.body_html in html  # the text alternative
    url = _url("visualize", lesson)
    for box in diagram.items.all():
        assert f'href="{url}?component={box.link}#component-panel"' in html
        assert f'hx-get="{url}?component={box.link}"' in html
    assert 'aria-current="true"' not in html
    assert "Choose a part of the diagram" in html
    for number, question in enumerate(_diagram_questions(lesson), start=1):
        assert question.prompt_html in html
        for option in question.options.all():
            assert f'name="question-{number}" value="{option.pk}"' in html
    assert "HX-Request" in response["Vary"]


def test_choosing_a_component_shows_its_explanation_and_counterpart(client, lesson):
    html = _html(client.get(_url("visualize", lesson, "?component=security")))
    concept = lesson.sections.get(key="security")
    counterpart = SectionItem.objects.get(section__lesson=lesson, section__kind="analogy",
                                          link="security")  # fmt: skip
    panel = html.split('id="component-panel"')[1].split("</section>")[0]
    assert concept.body_html in panel
    assert concept.takeaway_html in panel
    assert counterpart.text_html in panel
    assert "Opening night at a restaurant" in panel
    assert html.count('aria-current="true"') == 1
    assert re.search(r'id="box-security"[^>]*aria-current="true"', html)


def test_htmx_swaps_only_the_panel_and_marks_the_box(client, lesson):
    response = client.get(_url("visualize", lesson, "?component=scalability"),
                          HTTP_HX_REQUEST="true")  # fmt: skip
    html = _html(response)
    assert response.status_code == 200
    assert "<html" not in html and "diagram-quiz" not in html and "modes-heading" not in html
    assert html.lstrip().startswith('<section class="component-panel" id="component-panel"')
    assert "data-autofocus>Scalability</h2>" in html
    assert 'id="diagram-boxes" hx-swap-oob="true"' in html
    assert re.search(r'id="box-scalability"[^>]*aria-current="true"', html)


def test_a_history_restore_gets_the_whole_page(client, lesson):
    response = client.get(_url("visualize", lesson, "?component=security"),
                          HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")  # fmt: skip
    assert "<html" in _html(response)


@pytest.mark.parametrize("query", ["?component=nope", "?component=security&component=performance",
                                   "?component=%00", "?component=" + "x" * 5000])  # fmt: skip
def test_an_unknown_component_is_a_400_with_a_message(client, lesson, query):
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.get(_url("visualize", lesson, query), **headers)
        assert response.status_code == 400
        assert 'role="alert"' in _html(response)
        assert "Choose a part of the diagram" in _html(response)


def test_analogy_shows_the_story_and_one_labelled_select_per_concept(client, lesson):
    html = _html(client.get(_url("analogy", lesson)))
    section = lesson.sections.get(kind="analogy")
    assert section.body_html in html
    items = _analogy_items(lesson)
    for number, item in enumerate(items, start=1):
        assert (
            f'<label class="match-field__label" for="id_match-{number}">{item.label}</label>'
            in html
        )
        assert (
            f'<select name="match-{number}" class="match-select" required id="id_match-{number}">'
            in html
        )
    assert html.count('<option value="" selected>Choose its counterpart…</option>') == len(items)
    assert "Where the analogy stops working" in html


def test_counterparts_are_shuffled_the_same_way_on_every_request(client, lesson):
    first = _html(client.get(_url("analogy", lesson)))
    again = _html(client.get(_url("analogy", lesson)))
    order = list(_offered_positions(first))
    assert order == list(_offered_positions(again))
    authored = [plain_text(item.text_html) for item in _analogy_items(lesson)]
    assert sorted(order) == sorted(authored) and order != authored
    assert sorted(_offered_positions(first).values()) == list(range(1, len(authored) + 1))


def test_the_matching_page_never_pairs_concepts_with_counterparts(client, lesson):
    html = _html(client.get(_url("analogy", lesson)))
    form = html.split('<form class="matching__form"')[1].split("</form>")[0]
    items = _analogy_items(lesson)
    positions = [str(n) for n in range(1, len(items) + 1)]
    assert re.findall(r'name="([^"]+)"', form) == ["csrfmiddlewaretoken"] + [
        f"match-{n}" for n in positions
    ]
    for number in positions:
        select = form.split(f'name="match-{number}"')[1].split("</select>")[0]
        assert re.findall(r'<option value="(\d*)"', select) == ["", *positions]
    for item in items:
        assert item.link not in form  # no concept keys, no item ids
    assert not re.search(r"\sdata-", form)
    assert "mapping" not in html  # the lesson page's concept -> story table is not here


@pytest.mark.parametrize("mode", MODES)
def test_every_mode_page_carries_no_inline_script_or_style(client, lesson, mode):
    html = _html(client.get(_url(mode, lesson)))
    assert 'style="' not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag and "nonce=" in tag, tag


# --- GET never writes ---------------------------------------------------------------------


def test_get_writes_nothing(client, lesson):
    for mode in MODES:
        assert client.get(_url(mode, lesson)).status_code == 200
    client.get(_url("visualize", lesson, "?component=security"), HTTP_HX_REQUEST="true")
    assert (
        client.get(reverse("learning:mode-done", args=[lesson.slug, "deep-dive"])).status_code
        == 405
    )
    assert client.get(reverse("learning:deep-dive", args=[lesson.slug])).status_code == 200
    assert _nothing_written()


def test_reading_pages_refuse_a_post(client, lesson):
    for mode in ("deep-dive", "why-it-matters"):
        assert client.post(_url(mode, lesson)).status_code == 405
    assert _nothing_written()


# --- Mark as done -------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["deep-dive", "why-it-matters", "visualize"])
def test_mark_as_done_records_the_visit_and_the_chooser_shows_it(client, lesson, mode):
    page = _url(mode, lesson)
    assert "mode__visited" not in _html(client.get(page))
    response = client.post(reverse("learning:mode-done", args=[lesson.slug, mode]))
    assert response.status_code == 303
    assert response["Location"] == f"{page}#mode-done"
    assert _visited(lesson) == [mode]
    html = _html(client.get(page))
    current = html.split('class="mode mode--current"')[1].split("</li>")[0]
    assert "mode__visited" in current
    assert "Done — the mode chooser shows it as visited." in html
    assert "Mark this mode as done" not in html


def test_marking_twice_records_one_visit(client, lesson):
    url = reverse("learning:mode-done", args=[lesson.slug, "deep-dive"])
    client.post(url)
    client.post(url)
    assert _visited(lesson) == ["deep-dive"]
    assert Learner.objects.count() == 1


@pytest.mark.parametrize("mode", ["nope", "review", "deep-dive-x", "DEEP-DIVE"])
def test_marking_an_unknown_mode_is_a_400_and_writes_nothing(client, lesson, mode):
    response = client.post(reverse("learning:mode-done", args=[lesson.slug, mode]))
    assert response.status_code == 400
    assert "not one of the lesson’s learning modes" in _html(response)
    assert _nothing_written()


def test_marking_a_mode_of_an_unknown_lesson_is_a_404(client, db):
    response = client.post(reverse("learning:mode-done", args=["no-such-lesson", "deep-dive"]))
    assert response.status_code == 404
    assert _nothing_written()


def test_every_post_needs_a_csrf_token(lesson):
    client = Client(enforce_csrf_checks=True)
    assert (
        client.post(reverse("learning:mode-done", args=[lesson.slug, "deep-dive"])).status_code
        == 403
    )
    assert client.post(_url("visualize", lesson), _quiz_data(lesson)).status_code == 403
    assert client.post(_url("analogy", lesson), {"match-1": 1}).status_code == 403
    assert _nothing_written()
    html = _html(client.get(_url("visualize", lesson)))
    header = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
    response = client.post(_url("visualize", lesson), _quiz_data(lesson), HTTP_HX_REQUEST="true",
                           HTTP_X_CSRFTOKEN=header)  # fmt: skip
    assert response.status_code == 200


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
        ({**good, "question-1": "\x00"}, "Question 1: choose one of the options shown."),
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
        assert client.get(_url(mode, lesson)).status_code == 200
    with django_assert_max_num_queries(6):
        client.get(_url("visualize", lesson, "?component=security"), HTTP_HX_REQUEST="true")


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

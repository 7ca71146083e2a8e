"""The reading modes (deep dive, why it matters, visualize, analogy) and Mark as done."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Learner
from courses.models import SectionItem
from quizzes.matching import plain_text

from .reading_helpers import (
    MODES,
    SLUGS,
    _analogy_items,
    _diagram_questions,
    _html,
    _nothing_written,
    _offered_positions,
    _quiz_data,
    _url,
    _visited,
)

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


@pytest.mark.parametrize(("query", "message"), [
    ("?component=nope", "Choose a part of the diagram"),
    ("?component=security&component=performance", "Choose a part of the diagram"),
    ("?component=%00", "Null characters are not allowed"),  # the site-wide rule
    ("?component=" + "x" * 5000, "Choose a part of the diagram"),
])  # fmt: skip
def test_an_unknown_component_is_a_400_with_a_message(client, lesson, query, message):
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.get(_url("visualize", lesson, query), **headers)
        assert response.status_code == 400
        assert 'role="alert"' in _html(response)
        assert message in _html(response)


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

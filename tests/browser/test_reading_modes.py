"""Deep dive, Why it matters, Visualize and Analogy in a real browser: accessibility in both
themes, the diagram explored and the quiz taken with the keyboard only, the same without
JavaScript, and the layout of the before / after code on a desktop and a phone."""

import re

import pytest
from playwright.sync_api import expect

from courses.models import Question
from tests.browser.conftest import LESSON_SLUG, assert_no_axe_violations, axe_view, shoot

pytestmark = pytest.mark.browser

MODES = ["deep-dive", "why-it-matters", "visualize", "analogy"]
PANEL_HEADING = "#component-panel h2"


def _mode_url(site: str, mode: str) -> str:
    return f"{site}/patterns/{LESSON_SLUG}/{mode}/"


def _tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the focused element matches `selector` (keyboard only, no clicks)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def _diagram_questions():
    questions = Question.objects.filter(lesson__slug=LESSON_SLUG, use="diagram", is_active=True)
    return list(questions.prefetch_related("options").order_by("order", "id")[:3])


def _no_sideways_overflow(page) -> None:
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], f"page overflows sideways: {widths}"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations(new_context, site, mode, scheme):
    page = new_context(color_scheme=scheme).new_page()
    page.goto(_mode_url(site, mode))
    expect(page.locator("main h1")).to_have_text("Why production readiness matters")
    expect(page.locator(".mode--current [aria-current=page]")).to_be_visible()
    assert_no_axe_violations(page, f"{mode} ({scheme})")
    shoot(page, f"mode-{mode}" + ("-dark" if scheme == "dark" else ""))


def test_visualize_component_and_quiz_by_keyboard_only(page, site):
    page.goto(_mode_url(site, "visualize"))
    expect(page.locator(PANEL_HEADING)).to_have_text("Choose a part of the diagram")

    _tab_to(page, "#box-security")
    page.keyboard.press("Enter")
    heading = page.locator(PANEL_HEADING)
    expect(heading).to_have_text("Security")
    expect(heading).to_be_focused()
    expect(page).to_have_url(re.compile(r"\?component=security$"))
    expect(page.locator("#box-security")).to_have_attribute("aria-current", "true")
    expect(page.locator("[aria-current=true]")).to_have_count(1)
    panel = page.locator("#component-panel")
    expect(panel.locator(".takeaway")).to_contain_text("Takeaway")
    expect(panel.locator(".counterpart")).to_contain_text("Opening night at a restaurant")
    expect(panel.locator(".counterpart")).to_contain_text("free dessert")

    # Another box, then the back button: the URL and the panel follow.
    _tab_to(page, "#box-scalability")
    page.keyboard.press("Enter")
    expect(heading).to_have_text("Scalability")
    expect(page.locator("#box-security")).not_to_have_attribute("aria-current", "true")
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?component=security$"))
    expect(page.locator(PANEL_HEADING)).to_have_text("Security")
    assert_no_axe_violations(page, "visualize with a component chosen")
    shoot(page, "mode-visualize-component")

    # The quiz: the first question right, the other two wrong, all with the keyboard.
    questions = _diagram_questions()
    for number, question in enumerate(questions, start=1):
        options = list(question.options.all())
        target = next(i for i, o in enumerate(options) if o.is_correct == (number == 1))
        _tab_to(page, f"input[name=question-{number}]")
        page.keyboard.press("Space")  # checks the first option
        for _ in range(target):
            page.keyboard.press("ArrowDown")
        expect(page.locator(f"#quiz-{number}-option-{options[target].pk}")).to_be_checked()
    _tab_to(page, "#diagram-quiz button[type=submit]")
    page.keyboard.press("Enter")

    result_heading = page.locator("#quiz-heading")
    expect(result_heading).to_have_text("Diagram quiz: your result")
    expect(result_heading).to_be_focused()
    expect(page.locator(".quiz__score")).to_have_text("You got 1 of 3 right.")
    expect(page.locator(".quiz-result--right")).to_have_count(1)
    expect(page.locator(".quiz-result--wrong")).to_have_count(2)
    wrong = page.locator(".quiz-result--wrong").first
    expect(wrong.locator(".tag--right")).to_have_text("Correct answer")
    expect(wrong.locator(".review-option__why")).not_to_have_count(0)
    expect(page.locator(".mode--current .mode__visited")).to_contain_text("visited")
    expect(page.locator("#mode-done")).to_contain_text("Done")
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert_no_axe_violations(page, f"the diagram quiz result ({scheme})")
    page.emulate_media(color_scheme="light")
    shoot(page, "mode-visualize-quiz-result")


def test_visualize_without_javascript(nojs_page, new_context, site):
    page = nojs_page
    page.goto(_mode_url(site, "visualize"))
    page.locator("#box-maintainability").click()
    expect(page).to_have_url(re.compile(r"\?component=maintainability#component-panel$"))
    expect(page.locator(PANEL_HEADING)).to_have_text("Maintainability")
    expect(page.locator("#box-maintainability")).to_have_attribute("aria-current", "true")
    expect(page.locator("#component-panel .counterpart")).to_contain_text("recipe")
    assert_no_axe_violations(axe_view(new_context, page), "visualize, a component chosen, no JS")

    # Submitting with nothing chosen is refused by the browser (required radios), so send
    # the whole quiz right instead: the full page comes back with the result.
    for number, question in enumerate(_diagram_questions(), start=1):
        correct = next(o for o in question.options.all() if o.is_correct)
        page.locator(f"#quiz-{number}-option-{correct.pk}").check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page).to_have_url(re.compile(r"/visualize/#diagram-quiz$"))
    expect(page.locator(".quiz__score")).to_have_text("You got 3 of 3 right.")
    expect(page.locator(".mode--current .mode__visited")).to_contain_text("visited")
    shoot(page, "mode-visualize-nojs-result")


def test_before_and_after_side_by_side_on_desktop_stacked_on_a_phone(page, site):
    page.goto(_mode_url(site, "why-it-matters"))
    pair = page.locator(".use-case").first.locator(".code-panel")
    expect(pair).to_have_count(2)
    expect(pair.nth(0).locator(".code-panel__label")).to_have_text("Before")
    expect(pair.nth(1).locator(".code-panel__label")).to_have_text("After")
    before, after = pair.nth(0).bounding_box(), pair.nth(1).bounding_box()
    assert before["y"] == after["y"] and before["x"] < after["x"], (before, after)
    _no_sideways_overflow(page)

    page.set_viewport_size({"width": 320, "height": 640})
    page.reload()
    before, after = pair.nth(0).bounding_box(), pair.nth(1).bounding_box()
    assert after["y"] > before["y"] + before["height"] - 1, (before, after)
    _no_sideways_overflow(page)
    blocks = page.evaluate(
        """() => [...document.querySelectorAll('.code-panel pre')].map(pre => ({
            scroll: pre.scrollWidth, client: pre.clientWidth,
            overflowX: getComputedStyle(pre).overflowX, right: pre.getBoundingClientRect().right,
        }))"""
    )
    assert any(block["scroll"] > block["client"] for block in blocks)
    for block in blocks:
        assert block["right"] <= 320, block
        if block["scroll"] > block["client"]:
            assert block["overflowX"] in {"auto", "scroll"}, block
    assert_no_axe_violations(page, "why it matters at 320 px")
    shoot(page, "mode-why-it-matters-320")


def test_analogy_matching(page, site):
    page.goto(_mode_url(site, "analogy"))
    selects = page.locator("#matching select")
    expect(selects).to_have_count(5)
    expect(page.get_by_label("Reliability", exact=True)).to_be_visible()
    # Every concept takes the first counterpart offered: exactly one of them is right.
    for index in range(5):
        selects.nth(index).select_option(index=1)
    page.get_by_role("button", name="Check my matches").click()
    heading = page.locator("#matching-heading")
    expect(heading).to_have_text("Your matches")
    expect(heading).to_be_focused()
    expect(page.locator(".matching__score")).to_contain_text("1 of 5")
    expect(page.locator(".match-result--wrong .match-result__line--correct")).to_have_count(4)
    assert_no_axe_violations(page, "the matching result")
    shoot(page, "mode-analogy-result")


def test_phone_layouts_do_not_overflow(page, site):
    page.set_viewport_size({"width": 320, "height": 640})
    for mode in ("deep-dive", "visualize", "analogy"):
        page.goto(_mode_url(site, mode) + ("?component=reliability" if mode == "visualize" else ""))
        expect(page.locator("main h1")).to_be_visible()
        _no_sideways_overflow(page)
        shoot(page, f"mode-{mode}-320")

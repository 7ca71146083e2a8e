"""The "Test this pattern" flow end to end: with the mouse, the keyboard only, without
JavaScript, and resuming an unfinished test from the lesson page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_no_axe_violations,
    assert_no_axe_violations_in_both_schemes,
    shoot,
    tab_to,
)

pytestmark = pytest.mark.browser

QUESTIONS = 10
WRONG_OUTPUT = "I am not sure\nwhat it prints"
VERDICT = re.compile(r"^\W*(Correct\.|Not this time\.)\s*$")
ATTEMPT_URL = re.compile(r"/tests/(\d+)/$")
FEEDBACK_URL = re.compile(r"/tests/\d+/questions/(\d+)/$")
RESULT_URL = re.compile(r"/tests/\d+/result/$")


def _heading(page):
    return page.locator("#test-card-heading")


def _is_typed(page) -> bool:
    return page.locator("#test-card textarea[name=answer]").count() == 1


def _give_an_answer(page) -> None:
    """Type a wrong output, or click the first choice: any answer will do."""
    if _is_typed(page):
        page.locator("#test-card textarea[name=answer]").fill(WRONG_OUTPUT)
    else:
        page.locator("#test-card .choice label").first.click()


def _focus_is_on_card_heading(page) -> None:
    expect(_heading(page)).to_be_focused()
    assert page.evaluate("document.activeElement.hasAttribute('data-autofocus')")


def _verdict(page) -> str:
    status = page.locator("#test-card [role=status]")
    expect(status).to_have_count(1)
    expect(status).to_be_visible()
    expect(status).to_have_text(VERDICT)
    return status.inner_text().strip()


def _check_result_page(page, correct_answers: int) -> None:
    expect(page).to_have_url(RESULT_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result")
    expect(page.locator(".result__number")).to_have_text(str(correct_answers))
    expect(page.locator(".result__of")).to_have_text(f"of {QUESTIONS} right")
    expect(page.locator(".result__strength")).to_contain_text("Pattern strength")
    expect(page.locator(".result__strength .strength")).to_have_text(
        re.compile(r"^(Strong|Developing|Weak)$")
    )

    table = page.get_by_role("table", name="Score by difficulty")
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    labels = rows.locator("th").all_inner_texts()
    assert labels and set(labels) <= {"Easy", "Medium", "Hard"}, labels
    right = total = 0
    for cell in rows.locator("td").all_inner_texts():
        match = re.fullmatch(r"(\d+) of (\d+)", cell.strip())
        assert match, cell
        right += int(match[1])
        total += int(match[2])
    assert (right, total) == (correct_answers, QUESTIONS)

    missed = QUESTIONS - correct_answers
    if missed:
        missed_section = page.get_by_role("region", name=f"What you missed ({missed})")
        expect(missed_section).to_be_visible()
        expect(missed_section.locator("article.missed__item")).to_have_count(missed)
        expect(missed_section.locator(".review").first).to_be_visible()
    else:
        expect(page.get_by_text("You answered every question right.")).to_be_visible()


# --- With the mouse ----------------------------------------------------------------------


def test_test_flow_with_the_mouse(page, lesson_url):
    page.goto(lesson_url)
    page.get_by_role("button", name="Start the test").click()
    expect(page).to_have_url(ATTEMPT_URL)
    attempt_url = page.url
    # htmx swaps the card in place from here on: the page itself is never reloaded.
    page.evaluate("window.__samePage = true")

    correct = 0
    for number in range(1, QUESTIONS + 1):
        expect(_heading(page)).to_have_text(f"Question {number} of {QUESTIONS}")
        expect(page.locator("#test-card progress")).to_have_attribute("value", str(number - 1))
        if number > 1:
            _focus_is_on_card_heading(page)
        else:
            assert_no_axe_violations_in_both_schemes(page, "question 1")
            shoot(page, "test-question")

        _give_an_answer(page)
        if not _is_typed(page):
            expect(page.locator("#test-card .choice input").first).to_be_checked()
        page.get_by_role("button", name="Submit answer").click()

        verdict = _verdict(page)
        correct += verdict.endswith("Correct.")
        _focus_is_on_card_heading(page)
        expect(_heading(page)).to_have_text(f"Question {number} of {QUESTIONS}")
        expect(page.locator("#test-card .review")).to_be_visible()
        if number == 1:
            assert_no_axe_violations_in_both_schemes(page, "feedback on question 1")
            shoot(page, "test-feedback")

        assert page.url == attempt_url
        assert page.evaluate("window.__samePage === true"), "the page was reloaded"
        if number < QUESTIONS:
            page.get_by_role("link", name="Next question").click()
        else:
            expect(page.get_by_role("link", name="Next question")).to_have_count(0)
            page.get_by_role("link", name="See your result").click()

    _check_result_page(page, correct)
    assert_no_axe_violations_in_both_schemes(page, "the result page")
    shoot(page, "test-result")


# --- On a 320 px wide phone --------------------------------------------------------------


def _fits_320(page, where: str) -> None:
    page.wait_for_load_state("load")  # after a navigation, measure the styled page
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{where}: the page is {width}px wide at a 320px viewport"


def test_test_flow_fits_a_320px_screen(page, lesson_url):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(lesson_url)
    page.get_by_role("button", name="Start the test").click()
    for number in range(1, QUESTIONS + 1):
        expect(_heading(page)).to_have_text(f"Question {number} of {QUESTIONS}")
        _fits_320(page, f"question {number}")
        _give_an_answer(page)
        page.get_by_role("button", name="Submit answer").click()
        _verdict(page)
        _fits_320(page, f"feedback on question {number}")
        link = "Next question" if number < QUESTIONS else "See your result"
        page.get_by_role("link", name=link).click()

    expect(page).to_have_url(RESULT_URL)
    _fits_320(page, "the result page")
    assert_no_axe_violations(page, "the result page at 320 px")
    shoot(page, "test-result-320")


# --- Keyboard only -----------------------------------------------------------------------


ANSWER_INPUT = "#test-card input[name=choice], #test-card input[name=choices], #test-card textarea"


def test_test_flow_with_the_keyboard_only(page, lesson_url):
    page.goto(lesson_url)
    tab_to(page, "button[type=submit]", "Start the test")
    page.keyboard.press("Enter")
    expect(page).to_have_url(ATTEMPT_URL)

    correct = 0
    for number in range(1, QUESTIONS + 1):
        expect(_heading(page)).to_have_text(f"Question {number} of {QUESTIONS}")
        if number > 1:
            _focus_is_on_card_heading(page)
        # From the heading (after a swap) the first Tab lands on the first answer input.
        presses = tab_to(page, ANSWER_INPUT)
        if number > 1:
            assert presses == 1, f"question {number}: {presses} Tabs to reach the answer"

        if _is_typed(page):
            page.keyboard.type("no idea")
            expect(page.locator("#test-card textarea")).to_have_value("no idea")
        else:
            page.keyboard.press("Space")
            expect(page.locator("#test-card .choice input").first).to_be_checked()
        tab_to(page, "#test-card button[type=submit]", "Submit answer")
        page.keyboard.press("Enter")

        correct += _verdict(page).endswith("Correct.")
        _focus_is_on_card_heading(page)
        if number < QUESTIONS:
            tab_to(page, "#test-card a", "Next question")
        else:
            tab_to(page, "#test-card a", "See your result")
        page.keyboard.press("Enter")

    _check_result_page(page, correct)
    expect(page.locator("#result-heading")).to_be_visible()


# --- JavaScript off ----------------------------------------------------------------------


def test_test_flow_without_javascript(nojs_page, lesson_url):
    page = nojs_page
    page.goto(lesson_url)
    page.get_by_role("button", name="Start the test").click()
    expect(page).to_have_url(ATTEMPT_URL)

    correct = 0
    for number in range(1, QUESTIONS + 1):
        expect(_heading(page)).to_have_text(f"Question {number} of {QUESTIONS}")
        _give_an_answer(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Submit answer").click()

        # POST, then 303 to the feedback page: a whole new page at its own URL.
        expect(page).to_have_url(FEEDBACK_URL)
        assert FEEDBACK_URL.search(page.url)[1] == str(number)
        correct += _verdict(page).endswith("Correct.")
        expect(page.locator("#test-card .review")).to_be_visible()
        if number == 1:
            # The full-page feedback (page shell and card); axe checks a JavaScript-on copy.
            assert_no_axe_violations(page, "the feedback page")
            shoot(page, "test-feedback-nojs")

        link = "Next question" if number < QUESTIONS else "See your result"
        with page.expect_navigation():
            page.get_by_role("link", name=link).click()

    _check_result_page(page, correct)
    shoot(page, "test-result-nojs")


# --- Resume ------------------------------------------------------------------------------


def test_resume_an_unfinished_test_from_the_lesson_page(page, lesson_url):
    page.goto(lesson_url)
    page.get_by_role("button", name="Start the test").click()
    for number in (1, 2):
        expect(_heading(page)).to_have_text(f"Question {number} of {QUESTIONS}")
        _give_an_answer(page)
        page.get_by_role("button", name="Submit answer").click()
        _verdict(page)
        if number == 1:
            page.get_by_role("link", name="Next question").click()

    page.goto(lesson_url)
    cta = page.get_by_role("region", name="Test this pattern")
    expect(cta.get_by_role("button", name="Start the test")).to_have_count(0)
    resume = cta.get_by_role("link", name=f"Resume test — question 3 of {QUESTIONS}")
    expect(resume).to_be_visible()
    expect(cta.get_by_role("button", name="Abandon it")).to_be_visible()

    resume.click()
    expect(page).to_have_url(ATTEMPT_URL)
    expect(_heading(page)).to_have_text(f"Question 3 of {QUESTIONS}")
    expect(page.locator("#test-card .test-progress__label")).to_contain_text(
        f"2 of {QUESTIONS} answered"
    )
    expect(page.get_by_role("button", name="Submit answer")).to_be_visible()

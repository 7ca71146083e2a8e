"""Practice and Challenge end to end in Chromium: a keyboard-only practice round, a
challenge run with the mouse (countdown, extended time, hint, a second attempt, the
summary), a clean run to the Pattern Master badge, both modes without JavaScript, and
axe-core on every state in light and dark."""

import re

import pytest
from playwright.sync_api import expect

from courses.models import Question
from quizzes.models import ChallengeProblem, ChallengeRun
from tests.browser.conftest import (
    LESSON_SLUG,
    assert_no_axe_violations,
    assert_no_axe_violations_in_both_schemes,
    shoot,
    tab_to,
)

pytestmark = pytest.mark.browser

COUNTDOWN = re.compile(r"^\d+:\d\d left$")
PRACTICE_VERDICT = re.compile(r"^\W*(Correct\.|Not quite\. Try again.*)$")


@pytest.fixture
def practice_url(site):
    return f"{site}/patterns/{LESSON_SLUG}/practice/"


@pytest.fixture
def challenge_url(site):
    return f"{site}/patterns/{LESSON_SLUG}/challenge/"


def _questions(use: str) -> list[Question]:
    questions = Question.objects.filter(lesson__slug=LESSON_SLUG, use=use, is_active=True)
    return list(questions.prefetch_related("options").order_by("order", "id"))


def _shoot_both_schemes(page, name: str) -> None:
    shoot(page, name)
    page.emulate_media(color_scheme="dark")
    shoot(page, f"{name}-dark")
    page.emulate_media(color_scheme="light")


def _choose_by_keyboard(page, index: int) -> None:
    """From the focused radio button (the checked one, or the first), check option `index`
    with the arrow keys, as a keyboard user would."""
    here = page.evaluate(
        "[...document.querySelectorAll('#practice-card input[name=choice]')]"
        ".indexOf(document.activeElement)"
    )
    assert here >= 0, "focus is not on a radio button"
    if index == here:
        page.keyboard.press("Space")
    for _ in range(abs(index - here)):
        page.keyboard.press("ArrowDown" if index > here else "ArrowUp")


# --- Practice with the keyboard only ------------------------------------------------------

PRACTICE_INPUT = "#practice-card input[name=choice], #practice-card textarea"


def test_practice_with_the_keyboard_only(page, practice_url):
    questions = _questions("practice")
    page.goto(practice_url)
    heading = page.locator("#practice-card-heading")
    for number, question in enumerate(questions, start=1):
        expect(heading).to_have_text(f"Question {number} of {len(questions)}")
        if number > 1:
            expect(heading).to_be_focused()
        options = list(question.options.all())
        right = next((i for i, o in enumerate(options) if o.is_correct), None)

        # A wrong first try, then (on the first question) the hint, then the right answer.
        tab_to(page, PRACTICE_INPUT)
        if question.is_typed:
            page.keyboard.type("not what it prints")
        else:
            _choose_by_keyboard(page, (right + 1) % len(options))
        tab_to(page, "#practice-card button", "Check answer")
        page.keyboard.press("Enter")
        verdict = page.locator("#practice-card .verdict[role=status]")
        expect(verdict).to_contain_text("Not quite. Try again")
        expect(heading).to_be_focused()
        if number == 1:
            assert_no_axe_violations_in_both_schemes(page, "practice after a wrong answer")
            tab_to(page, "#practice-card button", "Show a hint")
            page.keyboard.press("Enter")
            expect(page.locator("#practice-card .hint")).to_contain_text("Hint")
            expect(heading).to_be_focused()
            _shoot_both_schemes(page, "practice-hint")

        tab_to(page, PRACTICE_INPUT)
        if question.is_typed:
            page.keyboard.press("ControlOrMeta+a")
            page.keyboard.type(question.expected_output.strip())
        else:
            _choose_by_keyboard(page, right)
            expect(page.locator(f"#option-{options[right].pk}")).to_be_checked()
        tab_to(page, "#practice-card button", "Check answer")
        page.keyboard.press("Enter")
        expect(verdict).to_have_text(PRACTICE_VERDICT)
        expect(verdict).to_contain_text("Correct.")
        expect(heading).to_be_focused()
        expect(page.locator("#practice-card .review")).to_be_visible()
        expect(page.locator("#practice-card .quick-check")).to_be_visible()
        if number == 1:
            assert_no_axe_violations_in_both_schemes(page, "practice feedback")
            _shoot_both_schemes(page, "practice-feedback")
        if number < len(questions):
            tab_to(page, "#practice-card a", "Next question")
            page.keyboard.press("Enter")
            expect(page).to_have_url(f"{practice_url}?q={number + 1}")  # the URL follows
    expect(page.locator("#practice-card")).to_contain_text(
        f"{len(questions)} of {len(questions)} solved"
    )
    expect(page.get_by_role("link", name="Test this pattern").last).to_be_visible()


def test_practice_question_and_solution_pass_axe(page, practice_url):
    page.goto(practice_url)
    expect(page.locator("#practice-card-heading")).to_have_text(re.compile("^Question 1 of"))
    assert_no_axe_violations_in_both_schemes(page, "practice question")
    _shoot_both_schemes(page, "practice-question")
    page.get_by_role("button", name="Show the solution").click()
    expect(page.locator("#practice-card .verdict[role=status]")).to_contain_text(
        "Here is the solution"
    )
    expect(page.locator("#practice-card-heading")).to_be_focused()
    assert_no_axe_violations_in_both_schemes(page, "practice solution shown")
    # 320 px wide (400 % zoom of a 1280 px screen): nothing in the mode page sticks out.
    # (The site header is base.html's, and is checked with the other shared pages.)
    page.set_viewport_size({"width": 320, "height": 720})
    overflowing = page.evaluate(
        "[...document.querySelectorAll('.mode-page *')].filter(el => !el.closest('pre')"
        " && el.getBoundingClientRect().right > 321).map(el => el.outerHTML.slice(0, 80))"
    )
    assert not overflowing, overflowing
    page.set_viewport_size({"width": 1280, "height": 900})


# --- Practice without JavaScript -----------------------------------------------------------


def test_practice_without_javascript(nojs_page, practice_url):
    page = nojs_page
    question = _questions("practice")[0]
    options = list(question.options.all())
    right = next(i for i, o in enumerate(options) if o.is_correct)
    page.goto(practice_url)
    page.locator("#practice-card .choice label").nth((right + 1) % len(options)).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Check answer").click()
    expect(page).to_have_url(f"{practice_url}?q=1")
    expect(page.locator("#practice-card .verdict")).to_contain_text("Not quite")
    expect(page.locator(".modes")).to_be_visible()  # a whole page, chooser and all
    with page.expect_navigation():
        page.get_by_role("button", name="Show a hint").click()
    expect(page.locator("#practice-card .hint")).to_be_visible()
    page.locator("#practice-card .choice label").nth(right).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Check answer").click()
    expect(page.locator("#practice-card .verdict")).to_contain_text("Correct.")
    expect(page.locator("#practice-card .review")).to_be_visible()
    assert_no_axe_violations(page, "practice feedback without JavaScript")
    with page.expect_navigation():
        page.get_by_role("link", name="Next question").click()
    expect(page).to_have_url(f"{practice_url}?q=2")
    expect(page.locator("#practice-card-heading")).to_have_text(re.compile("^Question 2 of"))


# --- Challenge with the mouse --------------------------------------------------------------


def _answer_with_the_mouse(page, problem: ChallengeProblem, right: bool) -> None:
    question = problem.question
    if question.is_typed:
        text = question.expected_output.strip() if right else "not what it prints"
        page.locator("#challenge-card textarea[name=answer]").fill(text)
    else:
        options = list(question.options.all())
        wanted = next(o for o in options if o.is_correct == right)
        page.locator(f"label[for=option-{wanted.pk}]").click()
    page.get_by_role("button", name="Submit answer").click()


def _problems() -> list[ChallengeProblem]:
    run = ChallengeRun.objects.get(lesson__slug=LESSON_SLUG, status="in_progress")
    return list(run.problems.select_related("question").order_by("position"))


def test_a_challenge_run_with_the_mouse(page, challenge_url):
    page.goto(challenge_url)
    heading = page.locator("#challenge-card-heading")
    expect(heading).to_have_text("Ready for the challenge?")
    assert_no_axe_violations_in_both_schemes(page, "challenge intro")
    _shoot_both_schemes(page, "challenge-intro")
    page.get_by_role("button", name="Start the challenge").click()
    expect(heading).to_have_text("Problem 1 of 3")
    assert_no_axe_violations_in_both_schemes(page, "challenge, ready to start problem 1")
    page.evaluate("window.__samePage = true")

    problems = _problems()
    page.get_by_role("button", name="Start problem 1").click()
    expect(heading).to_be_focused()
    left = page.locator("#challenge-card .timer__left")
    expect(left).to_have_text(COUNTDOWN)
    expect(page.locator("#challenge-card .timer__by")).to_contain_text(
        re.compile(r"Answer by \d\d:\d\d:\d\d UTC")
    )
    first = left.inner_text()
    expect(left).not_to_have_text(first, timeout=3000)  # it counts down
    assert_no_axe_violations_in_both_schemes(page, "challenge problem 1")
    _shoot_both_schemes(page, "challenge-question")

    # Extended time mid-problem: only the timing box changes; the draft answer stays.
    draft = page.locator("#challenge-card textarea[name=answer]")
    draft.fill("a draft")
    page.get_by_role("button", name="I need extended time").click()
    notice = page.locator(".challenge-timing__extended")
    expect(notice).to_contain_text("Extended time is on")
    expect(notice).to_be_focused()
    expect(draft).to_have_value("a draft")
    minutes = int(left.inner_text().split(":")[0])
    assert minutes >= 5, left.inner_text()  # 3 min doubled

    # A wrong answer, then the hint, then the right answer.
    _answer_with_the_mouse(page, problems[0], right=False)
    expect(page.locator("#challenge-card .verdict[role=status]")).to_have_text(
        re.compile("Not quite. One attempt left.")
    )
    expect(heading).to_be_focused()
    page.get_by_role("button", name="Show a hint").click()
    expect(page.locator("#challenge-card .hint")).to_be_visible()
    _answer_with_the_mouse(page, problems[0], right=True)
    expect(page.locator("#challenge-card .verdict[role=status]")).to_contain_text(
        "Solved at the second attempt, with the hint."
    )
    expect(page.locator("#challenge-card .review")).to_be_visible()
    expect(heading).to_be_focused()
    assert_no_axe_violations_in_both_schemes(page, "challenge feedback")
    _shoot_both_schemes(page, "challenge-feedback")

    # Problem 2 right at once; problem 3 given up.
    page.get_by_role("button", name="Start problem 2").click()
    expect(heading).to_have_text("Problem 2 of 3")
    _answer_with_the_mouse(page, problems[1], right=True)
    expect(page.locator("#challenge-card .verdict")).to_contain_text("Solved at the first attempt")
    page.get_by_role("button", name="Start problem 3").click()
    page.get_by_role("button", name="Give up and show the solution").click()
    expect(heading).to_have_text("Run complete: 2 of 3 solved")
    expect(page.locator(".challenge-result")).to_have_count(3)
    expect(page.get_by_text("A clean run earns Pattern Master")).to_be_visible()
    assert page.evaluate("window.__samePage === true"), "the page was reloaded"
    assert_no_axe_violations_in_both_schemes(page, "challenge summary")
    _shoot_both_schemes(page, "challenge-summary")


def test_a_clean_challenge_run_earns_pattern_master(page, challenge_url):
    page.goto(challenge_url)
    page.get_by_role("button", name="Start the challenge").click()
    problems = _problems()
    for number, problem in enumerate(problems, start=1):
        page.get_by_role("button", name=f"Start problem {number}").click()
        expect(page.locator("#challenge-card-heading")).to_have_text(f"Problem {number} of 3")
        _answer_with_the_mouse(page, problem, right=True)
    expect(page.locator(".master-award")).to_contain_text("Pattern Master.")
    page.reload()
    badge = page.locator(".master-badge")
    expect(badge).to_contain_text("Pattern Master")
    expect(badge).to_contain_text("earned")
    assert_no_axe_violations_in_both_schemes(page, "challenge with the badge")
    _shoot_both_schemes(page, "challenge-pattern-master")


def test_a_challenge_without_javascript_keeps_time_in_plain_text(nojs_page, challenge_url):
    page = nojs_page
    page.goto(challenge_url)
    page.get_by_label("I need extended time").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Start the challenge").click()
    expect(page.get_by_text("Extended time is on")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Start problem 1").click()
    expect(page.locator("#challenge-card .timer__by")).to_contain_text(
        re.compile(r"Answer by \d\d:\d\d:\d\d UTC")
    )
    expect(page.locator("#challenge-card .timer__left")).to_have_text(re.compile(r"\d+ min"))
    problem = _problems()[0]
    assert (problem.deadline - problem.started_at).total_seconds() == 2 * problem.seconds
    _answer_with_the_mouse(page, problem, right=True)
    page.wait_for_load_state()
    expect(page.locator("#challenge-card .verdict")).to_contain_text("Solved at the first attempt")
    assert_no_axe_violations(page, "challenge feedback without JavaScript")

"""Flashcards, spaced review, the dashboard, the track page and the account pages in
Chromium: accessible in light and dark, usable with the keyboard alone."""

import pytest

from .conftest import LESSON_SLUG, assert_no_axe_violations, shoot

pytestmark = pytest.mark.browser


def _finish_a_test(page, site):
    page.goto(f"{site}/patterns/{LESSON_SLUG}/")
    page.get_by_role("button", name="Start the test").click()
    for number in range(10):
        page.wait_for_selector(f"h1:has-text('Question {number + 1} of 10')")
        if page.locator("textarea[name=answer]").count():
            page.fill("textarea[name=answer]", "nothing")
        else:
            page.locator(".choice label").first.click()
        page.get_by_role("button", name="Submit answer").click()
        page.wait_for_selector(".verdict")
        link = "See your result" if number == 9 else "Next question"
        page.get_by_role("link", name=link).click()
    page.wait_for_selector("#result-heading")


def test_flashcards_keyboard_only(page, site):
    page.goto(f"{site}/patterns/{LESSON_SLUG}/flashcards/")
    first = page.locator(".memory-card__front").inner_text()
    assert_no_axe_violations(page, "flashcards")
    summary = page.locator(".memory-card__back > summary")
    summary.focus()
    page.keyboard.press("Enter")  # reveal
    assert page.locator(".memory-card__answer").is_visible()
    assert_no_axe_violations(page, "flashcards, revealed")
    shoot(page, "flashcards-revealed")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # Again, Hard, Good
    assert page.evaluate("document.activeElement.value") == "good"
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(first) => document.querySelector('.memory-card__front').innerText !== first", arg=first
    )
    # Focus moves to the next card's heading once htmx has settled the swap.
    page.wait_for_function("() => document.activeElement.classList.contains('memory-card__front')")


def test_flashcards_without_javascript(nojs_page, site):
    page = nojs_page
    page.goto(f"{site}/patterns/{LESSON_SLUG}/flashcards/")
    count = page.locator(".memory__count").inner_text()
    page.locator(".memory-card__back > summary").click()
    page.get_by_role("button", name="Easy").click()
    page.wait_for_load_state()
    assert page.locator(".memory__count").inner_text() != count


def test_review_dashboard_and_track_after_a_test(page, dark_page, site):
    _finish_a_test(page, site)
    page.goto(f"{site}/review/")
    assert "due now" in page.locator(".memory__count").inner_text()
    assert_no_axe_violations(page, "review")
    shoot(page, "review")
    page.locator(".memory-card__back > summary").click()
    page.get_by_role("button", name="Good").click()
    page.wait_for_timeout(300)

    page.goto(f"{site}/me/")
    assert page.locator(".chart__svg").is_visible()
    assert_no_axe_violations(page, "dashboard")
    shoot(page, "dashboard")

    page.goto(f"{site}/tracks/fixture-track/")
    assert_no_axe_violations(page, "track page")
    shoot(page, "track")

    dark_page.context.add_cookies(page.context.cookies())
    for url in ("/me/", "/review/", f"/patterns/{LESSON_SLUG}/flashcards/"):
        dark_page.goto(f"{site}{url}")
        assert_no_axe_violations(dark_page, f"{url} (dark)")
    shoot(dark_page, "flashcards-dark")


def test_sign_up_keeps_guest_progress_and_account_pages_are_accessible(page, dark_page, site):
    _finish_a_test(page, site)
    page.goto(f"{site}/accounts/signup/")
    assert_no_axe_violations(page, "sign up")
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Password:", exact=True).fill("a-long-pass-phrase-42")
    page.get_by_label("Password confirmation").fill("a-long-pass-phrase-42")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(f"{site}/me/")
    assert "Welcome!" in page.content()
    assert page.locator(".chart__dot").count() == 1
    page.goto(f"{site}/accounts/")
    assert_no_axe_violations(page, "account")
    shoot(page, "account")
    page.goto(f"{site}/accounts/delete/")
    assert_no_axe_violations(page, "delete account")
    for url in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        dark_page.goto(f"{site}{url}")
        assert_no_axe_violations(dark_page, f"{url} (dark)")

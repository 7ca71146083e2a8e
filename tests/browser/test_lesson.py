"""The lesson page in a real browser: content, layout at desktop and 320 px, accessibility."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, assert_no_axe_violations, shoot

pytestmark = pytest.mark.browser

CONCEPTS = ["Reliability", "Performance", "Security", "Scalability", "Maintainability"]
FOLD = DESKTOP["height"]


def _bottom(locator) -> float:
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not rendered"
    return box["y"] + box["height"]


def test_lesson_page_shows_every_section(page, lesson_url):
    page.goto(lesson_url)
    expect(page).to_have_title("Why production readiness matters · Patternwise")
    expect(page.get_by_role("heading", level=1)).to_have_text("Why production readiness matters")

    intro = page.locator("#introduction")
    expect(intro.get_by_role("heading", level=2)).to_have_text("Introduction")
    expect(intro.locator(".prose")).to_contain_text("Production readiness")

    explanation = page.locator("#explanation")
    expect(explanation.locator("h3")).to_have_text(CONCEPTS)
    for concept in CONCEPTS:
        article = explanation.get_by_role("article", name=concept)
        expect(article.locator(".prose")).not_to_be_empty()
        takeaway = article.locator(".takeaway")
        expect(takeaway).to_be_visible()
        expect(takeaway).to_contain_text("Takeaway")
        assert len(takeaway.inner_text().strip()) > len("Takeaway") + 20

    analogy = page.locator("section.analogy")
    expect(analogy.get_by_role("heading", level=2)).to_have_text(
        "Real-world analogy: Opening night at a restaurant"
    )
    mapping = analogy.get_by_role("table", name="How each idea maps onto the story")
    expect(mapping).to_be_visible()
    expect(mapping.locator("thead th")).to_have_text(["Concept", "In the story"])
    assert mapping.locator("tbody tr").count() >= 5
    expect(mapping.locator("tbody th").first).not_to_be_empty()
    expect(mapping.locator("tbody td").first).not_to_be_empty()

    diagram = page.get_by_role("figure", name="The five pillars of production readiness")
    expect(diagram).to_be_visible()
    assert diagram.locator(".diagram__box").count() >= 5
    for label in CONCEPTS:
        expect(diagram.locator(".diagram__label", has_text=label).first).to_be_visible()
    caption = diagram.locator("figcaption")
    expect(caption).to_contain_text("Diagram in words:")
    assert len(caption.inner_text()) > 100, "the caption is the diagram's text alternative"

    facts = page.locator("#key-facts")
    expect(facts.get_by_role("heading", level=2)).to_have_text("Key facts")
    expect(facts.locator(".fact dt")).to_have_count(16)
    expect(facts.locator(".fact dd").first).not_to_be_empty()

    confusions = page.locator("#confusions")
    expect(confusions.get_by_role("heading", level=2)).to_have_text("Common confusions")
    expect(confusions.locator(".confusion")).to_have_count(7)
    expect(confusions.locator(".confusion__myth").first).to_contain_text("I thought")

    summary = page.locator("#summary")
    expect(summary.get_by_role("heading", level=2)).to_have_text("Summary")
    expect(summary.locator(".prose")).not_to_be_empty()

    practice = page.locator("#practice")
    expect(practice.get_by_role("heading", level=2)).to_have_text("Practice")
    expect(practice.locator("li.practice")).to_have_count(5)
    first = practice.locator("li.practice").first
    answer = first.locator("details.reveal").nth(1)
    expect(answer.locator(".reveal__body")).to_be_hidden()
    answer.locator("summary").click()
    expect(answer.locator(".reveal__body")).to_be_visible()


def test_call_to_action_and_modes_above_the_fold(page, lesson_url):
    page.set_viewport_size(DESKTOP)
    page.goto(lesson_url)

    cta = page.get_by_role("region", name="Test this pattern")
    start = cta.get_by_role("button", name="Start the test")
    expect(start).to_be_visible()
    expect(cta).to_contain_text("Your strength:")
    assert _bottom(start) <= FOLD

    modes = page.get_by_role("navigation", name="Choose how to learn it")
    expect(modes).to_be_visible()
    cards = modes.locator(".mode-grid > li")
    expect(cards).to_have_count(10)
    for index in range(10):
        card = cards.nth(index)
        expect(card).to_be_visible()
        assert _bottom(card) <= FOLD, f"mode {index + 1} ({card.inner_text()!r}) is below the fold"

    shoot(page, "lesson-desktop")


def test_dark_lesson_page(dark_page, lesson_url):
    dark_page.goto(lesson_url)
    background = dark_page.evaluate("getComputedStyle(document.body).backgroundColor")
    red, green, blue = map(int, re.findall(r"\d+", background)[:3])
    assert red + green + blue < 3 * 60, f"the dark palette does not apply: {background}"
    expect(dark_page.get_by_role("button", name="Start the test")).to_be_visible()
    shoot(dark_page, "lesson-desktop-dark")


@pytest.mark.parametrize("path", ["/", "/patterns/fixture-readiness/"], ids=["catalogue", "lesson"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations(new_context, site, path, scheme):
    page = new_context(color_scheme=scheme).new_page()
    page.goto(site + path)
    expect(page.locator("main h1")).to_be_visible()
    assert_no_axe_violations(page, f"{path} ({scheme})")


def test_lesson_at_320px_has_no_horizontal_overflow(page, lesson_url):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(lesson_url)
    expect(page.get_by_role("button", name="Start the test")).to_be_visible()

    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= 320, f"page overflows sideways: {widths}"

    # Long code lines scroll inside their own block instead of widening the page.
    blocks = page.locator(".highlight pre")
    assert blocks.count() > 0
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('.highlight pre')].map(pre => ({
            scroll: pre.scrollWidth,
            client: pre.clientWidth,
            overflowX: getComputedStyle(pre).overflowX,
            focusable: pre.tabIndex >= 0,
            right: pre.getBoundingClientRect().right,
        }))"""
    )
    assert any(block["scroll"] > block["client"] for block in overflowing), (
        "expected at least one code block wider than the screen"
    )
    for block in overflowing:
        assert block["right"] <= 320, f"a code block sticks out of the page: {block}"
        if block["scroll"] > block["client"]:
            assert block["overflowX"] in {"auto", "scroll"}, block
            assert block["focusable"], f"keyboard users cannot scroll this block: {block}"

    assert_no_axe_violations(page, "the lesson page at 320 px")
    shoot(page, "lesson-320")

"""An instructor authors a lesson in the admin, as a new user would, and a learner sees it.

Through the admin UI, as a member of the Instructor group: the track, the lesson (a draft)
with one section of each explanation kind, one test question with its options (the live
previews, a check that refuses it, the fix, the preview as a learner and "Run the
snippet"); the lesson's checks panel blocks publishing while the bank is short; once it is
full the instructor publishes, and a learner finds the lesson. The rest of the bank (9
questions for the 3 easy / 4 medium / 3 hard draw) is made by factories, to keep the test
short.
"""

import importlib
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from courses.models import Lesson, Question
from tests.factories import make_question

from .conftest import shoot

pytestmark = pytest.mark.browser

SECTIONS = [  # kind, key, heading
    ("concept", "budget", "Budgets bound the loop"),
    ("analogy", "meter", "Like a taxi meter"),
    ("diagram", "flow", "How a request flows"),
    ("fact", "numbers", "One number to remember"),
    ("confusion", "timeouts", "Budgets are not timeouts"),
    ("summary", "recap", "In short"),
]
FACTORY_BANK = ["easy"] * 2 + ["medium"] * 4 + ["hard"] * 3  # plus the one made in the UI


@pytest.fixture
def instructor(transactional_db):
    """Staff in the Instructor group, and nothing else. (Transactional tests empty the
    database after each other, so the group is made again by its own data migration.)"""
    roles = importlib.import_module("courses.migrations.0006_instructor_and_support_groups")
    roles.create_groups(apps, None)
    user = User.objects.create_user("ines", password="pw-ines-authoring", is_staff=True)
    user.groups.add(Group.objects.get(name="Instructor"))
    return user


def _save_and_continue(page):
    page.click("input[name=_continue]")
    page.wait_for_load_state("load")


def test_an_instructor_authors_a_lesson_and_a_learner_sees_it(new_context, live_server, instructor):
    site = live_server.url
    page = new_context().new_page()
    page.goto(f"{site}/admin/")
    page.fill("#id_username", "ines")
    page.fill("#id_password", "pw-ines-authoring")
    page.click("input[type=submit]")

    # A track.
    page.goto(f"{site}/admin/courses/track/add/")
    page.locator("#id_title").press_sequentially("Agents in production")
    expect(page.locator("#id_slug")).to_have_value("agents-in-production")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # A lesson, its introduction previewed while typed, and six sections.
    page.goto(f"{site}/admin/courses/lesson/add/")
    page.select_option("#id_track", label="Agents in production")
    page.locator("#id_title").press_sequentially("Step budgets")
    page.fill("#id_level", "agents")
    page.fill("#id_summary", "Bound an agent's loop.")
    page.locator("#id_introduction").press_sequentially("An agent *must* stop.", delay=5)
    preview = page.locator("#id_introduction ~ .md-preview .md-preview__body")
    expect(preview.locator("em")).to_have_text("must")
    for index, (kind, key, heading) in enumerate(SECTIONS):
        page.get_by_text("Add another Section").click()
        page.fill(f"#id_sections-{index}-order", str(index))
        page.select_option(f"#id_sections-{index}-kind", kind)
        page.fill(f"#id_sections-{index}-key", key)
        page.fill(f"#id_sections-{index}-heading", heading)
        page.fill(f"#id_sections-{index}-body", f"The **{key}** part of the lesson.")
    # A row added in the browser previews too (htmx processed the new row).
    page.locator("#id_sections-5-takeaway").press_sequentially("Stop `early`.", delay=5)
    expect(page.locator("#id_sections-5-takeaway ~ .md-preview code")).to_have_text("early")
    _save_and_continue(page)
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    lesson = Lesson.objects.get(slug="step-budgets")
    assert list(lesson.sections.values_list("kind", flat=True)) == [s[0] for s in SECTIONS]

    # One test question through the admin: the check refuses two right answers; fixed.
    page.goto(f"{site}/admin/courses/question/add/")
    page.select_option("#id_lesson", label="Step budgets")
    page.fill("#id_key", "why-budget")
    page.select_option("#id_difficulty", "easy")
    page.fill("#id_prompt", "Why give an agent a *step budget*?")
    page.fill("#id_solution", "1. An agent can loop.\n2. A budget stops it.")
    page.fill("#id_hint", "Think about loops.")
    page.fill("#id_quick_check", "What stops a loop?")
    page.fill("#id_mistakes", "- Confusing a budget with a timeout.")
    options = [("So a loop always ends", True, "Right: it bounds the loop."),
               ("To save tokens", True, "Not the main reason."),
               ("To make it faster", False, "A budget does not speed anything up.")]  # fmt: skip
    for index, (text, correct, why) in enumerate(options):
        page.get_by_text("Add another Option").click()
        page.fill(f"#id_options-{index}-text", text)
        page.fill(f"#id_options-{index}-explanation", why)
        if correct:
            page.check(f"#id_options-{index}-is_correct")
    _save_and_continue(page)
    expect(page.locator(".errorlist.nonform")).to_contain_text("needs exactly one correct option")
    page.uncheck("#id_options-1-is_correct")
    _save_and_continue(page)
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # "Run the snippet" runs the form's unsaved code in the sandbox, through htmx.
    page.fill("#id_code", "print(6 * 7)")
    page.fill("#id_expected_output", "41")
    page.get_by_role("button", name="Run the snippet").click()
    expect(page.locator("#snippet-result")).to_contain_text("Mismatch")
    expect(page.locator("#snippet-result pre").first).to_have_text("42")

    # Preview it as a learner: the test's card, then the feedback for a wrong choice.
    page.get_by_role("link", name="Preview as a learner").click()
    expect(page.locator("#test-card-heading")).to_have_text("Question 1 of 10")
    expect(page.locator(".preview-feedback")).to_have_count(2)
    page.get_by_label("To make it faster").check()
    page.get_by_role("button", name="Submit answer").click()
    expect(page.locator("#test-card .verdict")).to_contain_text("Not this time.")
    expect(page.locator("#test-card")).to_contain_text("A budget does not speed anything up.")
    shoot(page, "authoring-e2e-preview")

    # A draft: learners cannot see it, and the checks panel says why it cannot go live.
    learner = new_context().new_page()
    assert learner.goto(f"{site}/patterns/step-budgets/").status == 404
    page.goto(f"{site}/admin/courses/lesson/{lesson.pk}/change/")
    checks = page.locator(".lesson-checks")
    expect(checks).to_contain_text("Publishing is refused until these are fixed")
    page.select_option("#id_status", "published")
    _save_and_continue(page)
    expect(page.locator("#id_status_error")).to_contain_text("This lesson cannot be published yet")

    # The rest of the bank (factories); the panel clears, the instructor publishes.
    for difficulty in FACTORY_BANK:
        make_question(lesson, difficulty=difficulty)
    assert lesson.questions.test_bank().count() == 10
    page.goto(f"{site}/admin/courses/lesson/{lesson.pk}/change/")
    expect(checks).to_contain_text("Ready to publish")
    page.select_option("#id_status", "published")
    _save_and_continue(page)
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    lesson.refresh_from_db()
    assert lesson.status == "published" and lesson.published_at is not None

    # The lesson on the site, as a learner.
    learner.goto(f"{site}/patterns/step-budgets/")
    expect(learner.locator("h1")).to_contain_text("Step budgets")
    expect(learner.locator("main")).to_contain_text("An agent must stop.")
    learner.get_by_role("button", name=re.compile("test", re.I)).first.click()
    expect(learner.locator("#test-card-heading")).to_have_text(re.compile(r"Question 1 of 10"))
    assert Question.objects.filter(lesson=lesson, key="why-budget").exists()

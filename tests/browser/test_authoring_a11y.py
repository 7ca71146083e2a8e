"""The authoring admin is part of the product: axe finds nothing on the lesson and question
change pages and the learner preview, light and dark, and they fit a phone."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from courses.models import Lesson, Question

from .conftest import assert_no_axe_violations, shoot

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def pages(site, course_tx):
    lesson = Lesson.objects.get(slug="fixture-readiness")
    question = lesson.questions.filter(kind=Question.Kind.CODE_OUTPUT).first()
    return {
        "lesson": site + reverse("admin:courses_lesson_change", args=[lesson.pk]),
        "question": site + reverse("admin:courses_question_change", args=[question.pk]),
        "preview": site + reverse("learning:question-preview", args=[question.pk]),
    }


def _signed_in(new_context, site, scheme, viewport=None):
    User.objects.create_superuser("editor", password="pw-editor-1")
    page = new_context(color_scheme=scheme).new_page()
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(site + reverse("admin:login"))
    page.fill("#id_username", "editor")
    page.fill("#id_password", "pw-editor-1")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return page


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations(new_context, site, pages, scheme):
    page = _signed_in(new_context, site, scheme)
    for name, url in pages.items():
        page.goto(url)
        shoot(page, f"authoring-{name}-{scheme}")
        assert_no_axe_violations(page, f"the {name} page ({scheme})")


def test_the_pages_fit_a_phone(new_context, site, pages):
    page = _signed_in(new_context, site, "light", PHONE)
    for name, url in pages.items():
        page.goto(url)
        shoot(page, f"authoring-{name}-phone")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the {name} page is {overflow}px wider than a phone"

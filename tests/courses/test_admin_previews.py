"""The authoring admin's live Markdown preview and "Run the snippet" (courses/admin_previews.py)."""

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from courses import admin_previews
from courses.models import Question
from courses.sandbox import SandboxError, SandboxUnavailable
from tests.factories import make_lesson, make_question

LESSON_PREVIEW = "admin:courses_lesson_markdown_preview"
QUESTION_PREVIEW = "admin:courses_question_markdown_preview"
RUN_SNIPPET = "admin:courses_question_run_snippet"


def staff(*codenames: str, is_staff: bool = True) -> User:
    user = User.objects.create_user(
        f"author-{User.objects.count()}", password="pw", is_staff=is_staff
    )
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def author(client, db):
    client.force_login(staff("change_lesson", "change_question", "view_question"))
    return client


# --- Who may preview -------------------------------------------------------------------


@pytest.mark.parametrize("url_name", [LESSON_PREVIEW, QUESTION_PREVIEW, RUN_SNIPPET])
def test_anonymous_visitors_are_sent_to_the_admin_login(client, db, url_name):
    response = client.post(reverse(url_name), {"text": "*hi*", "code": "print(1)"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("url_name", [LESSON_PREVIEW, RUN_SNIPPET])
def test_a_learner_who_is_not_staff_is_sent_to_the_admin_login(client, db, url_name):
    client.force_login(staff("change_lesson", "change_question", is_staff=False))
    response = client.post(reverse(url_name), {"text": "*hi*", "code": "print(1)"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_without_change_permission_on_the_model_are_refused(client, db):
    client.force_login(staff("change_lesson", "view_question"))
    assert client.post(reverse(LESSON_PREVIEW), {"text": "*hi*"}).status_code == 200
    assert client.post(reverse(QUESTION_PREVIEW), {"text": "*hi*"}).status_code == 403
    assert client.post(reverse(RUN_SNIPPET), {"code": "print(1)"}).status_code == 403


def test_staff_who_may_only_add_questions_may_preview_them(client, db):
    client.force_login(staff("add_question"))
    assert client.post(reverse(QUESTION_PREVIEW), {"text": "*hi*"}).status_code == 200


def test_the_preview_is_a_post_with_a_csrf_token(db):
    from django.test import Client

    checked = Client(enforce_csrf_checks=True)
    checked.force_login(staff("change_lesson"))
    assert checked.get(reverse(LESSON_PREVIEW)).status_code == 405
    assert checked.post(reverse(LESSON_PREVIEW), {"text": "*hi*"}).status_code == 403  # no token


# --- What it renders -------------------------------------------------------------------


def test_the_preview_is_the_sites_rendering(author):
    response = author.post(reverse(LESSON_PREVIEW), {"text": "Some *emphasis*\n\n- a\n- b"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<em>emphasis</em>" in html and "<li>a</li>" in html


def test_inline_mode_renders_one_line_without_its_paragraph(author):
    html = author.post(reverse(QUESTION_PREVIEW), {"text": "a `hint`", "mode": "inline"})
    assert html.content.decode() == "a <code>hint</code>"


def test_code_is_highlighted_as_on_the_site(author):
    html = author.post(reverse(LESSON_PREVIEW), {"text": "```python\nx = 1\n```"}).content
    assert b'class="highlight"' in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="/" hx-get="/admin/" onclick="x()">x</a>',
    ],
)
def test_the_sanitiser_makes_hostile_input_inert(author, hostile):
    html = author.post(reverse(LESSON_PREVIEW), {"text": hostile}).content.decode().lower()
    for poison in ("<script", "onerror", "javascript:", "hx-get", "onclick", "<img"):
        assert poison not in html


@pytest.mark.parametrize(
    "data",
    [{}, {"text": "x", "mode": "fancy"}, {"text": "x" * 50_001}],
    ids=["none", "mode", "long"],
)
def test_bad_input_gets_a_400_with_a_reason(author, data):
    response = author.post(reverse(LESSON_PREVIEW), data)
    assert response.status_code == 400
    assert b'class="admin-error"' in response.content


# --- The widgets on the admin pages ------------------------------------------------------


def _preview_inputs(html: str) -> dict[str, str]:
    """{field name: the URL its preview posts to} for every previewed field on a page."""
    inputs = re.findall(r"<(?:textarea|input)[^>]*data-md-preview[^>]*>", html)
    found = {}
    for tag in inputs:
        name = re.search(r'name="([^"]+)"', tag).group(1)
        found[name] = re.search(r'hx-post="([^"]+)"', tag).group(1)
    return found


def test_every_markdown_field_of_a_question_has_a_preview(admin_client, db):
    question = make_question(make_lesson(), prompt="What is *this*?")
    html = admin_client.get(reverse("admin:courses_question_change", args=[question.pk])).content
    found = _preview_inputs(html.decode())
    for name in ("prompt", "solution", "mistakes", "hint", "quick_check",
                 "options-0-text", "options-0-explanation", "options-__prefix__-text"):  # fmt: skip
        assert found.get(name) == reverse(QUESTION_PREVIEW), name
    assert "code" not in found and "expected_output" not in found  # Python, not Markdown
    assert b"What is <em>this</em>?" in html  # the preview starts with the saved text


def test_the_lesson_page_previews_its_introduction_and_sections(admin_client, db):
    lesson = make_lesson(sections=1)
    html = admin_client.get(reverse("admin:courses_lesson_change", args=[lesson.pk])).content
    found = _preview_inputs(html.decode())
    for name in ("introduction", "sections-0-body", "sections-0-takeaway"):
        assert found.get(name) == reverse(LESSON_PREVIEW), name
    assert "sections-0-heading" not in found


def test_a_sections_items_are_previewed_on_the_section_page(admin_client, db):
    section = make_lesson(sections=1).sections.get()
    url = reverse("admin:courses_section_change", args=[section.pk])
    found = _preview_inputs(admin_client.get(url).content.decode())
    assert set(found) >= {"body", "takeaway", "items-__prefix__-text"}


def test_admin_pages_load_htmx_and_no_inline_script(admin_client, db):
    question = make_question(make_lesson())
    response = admin_client.get(reverse("admin:courses_question_change", args=[question.pk]))
    html = response.content.decode()
    assert "Content-Security-Policy" in response.headers
    assert "htmx" in html and "js/admin.js" in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag, tag
    assert "hx-on" not in html


# --- Run the snippet ---------------------------------------------------------------------


def test_the_snippet_runs_in_the_sandbox_and_matches(author, monkeypatch):
    ran = []
    monkeypatch.setattr(admin_previews, "run_snippet", lambda code: ran.append(code) or "42\n")
    response = author.post(reverse(RUN_SNIPPET), {"code": "print(6 * 7)", "expected_output": "42"})
    assert response.status_code == 200
    assert ran == ["print(6 * 7)"]
    assert b"snippet-verdict--match" in response.content


def test_a_different_output_is_a_mismatch_showing_both(author, monkeypatch):
    monkeypatch.setattr(admin_previews, "run_snippet", lambda code: "41\n")
    html = author.post(reverse(RUN_SNIPPET), {"code": "print(41)", "expected_output": "42"})
    assert b"snippet-verdict--mismatch" in html.content
    assert b">41\n</pre>" in html.content and b">42</pre>" in html.content


@pytest.mark.parametrize(
    ("error", "says"),
    [(SandboxError("NameError: name 'x' is not defined"), b"does not run: NameError"),
     (SandboxUnavailable("no bubblewrap"), b"could not be run here: no bubblewrap")],
)  # fmt: skip
def test_a_failing_or_unrunnable_snippet_says_why(author, monkeypatch, error, says):
    def fail(code):
        raise error

    monkeypatch.setattr(admin_previews, "run_snippet", fail)
    html = author.post(reverse(RUN_SNIPPET), {"code": "print(x)", "expected_output": "1"})
    assert html.status_code == 200
    assert b"snippet-verdict--error" in html.content and says in html.content


@pytest.mark.parametrize("code", ["", "   ", "x" * 10_001], ids=["empty", "blank", "long"])
def test_no_code_or_too_much_is_a_400(author, code):
    response = author.post(reverse(RUN_SNIPPET), {"code": code})
    assert response.status_code == 400


def test_the_real_sandbox_runs_the_snippet(author):
    from courses.sandbox import isolation_available

    if not isolation_available():
        pytest.skip("bubblewrap is missing or cannot create namespaces")
    html = author.post(
        reverse(RUN_SNIPPET), {"code": "print(sum(range(4)))", "expected_output": "6"}
    )
    assert b"snippet-verdict--match" in html.content


def test_the_question_page_offers_the_run_button_and_the_learner_preview(admin_client, db):
    question = make_question(make_lesson(), kind=Question.Kind.CODE_OUTPUT)
    html = admin_client.get(reverse("admin:courses_question_change", args=[question.pk])).content
    assert f'hx-post="{reverse(RUN_SNIPPET)}"'.encode() in html
    assert reverse("learning:question-preview", args=[question.pk]).encode() in html

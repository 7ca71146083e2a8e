import re
import time

import pytest
from django.core.exceptions import ValidationError

from courses.markdown import (
    pygments_css,
    pygments_dark_css,
    render_inline,
    render_markdown,
    sanitize,
    validate_code,
    validate_markdown,
)
from courses.models import Question

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<div hx-get="/admin/" hx-trigger="load">hi</div>',
    '<div data-hx-post="/tests/1/answer/" data-hx-trigger="load">hi</div>',
    '<p hx-on:click="alert(1)">hi</p>',
    '<a href="/x" onclick="alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    '<form action="https://evil.example"><input name=a></form>',
    '<object data="x.swf"></object>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="&#106;avascript:alert(1)">x</a>',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_is_inert(text):
    html = render_markdown(text).lower()
    for needle in ("<script", "onerror", "onload", "onclick", "javascript:", "hx-", "<iframe",
                   "<style", "<form", "<object", "<svg", "style=", "data:text"):  # fmt: skip
        assert needle not in html, (needle, html)


def test_safe_markdown_keeps_its_meaning():
    html = render_markdown("Some **bold**, a [link](https://example.com/x), and `code`.")
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.com/x"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert "<code>code</code>" in html


def test_fenced_code_is_highlighted_by_pygments():
    html = render_markdown("```python\nx = 1  # one\n```")
    assert '<div class="highlight">' in html
    assert '<span class="n">x</span>' in html
    assert '<span class="c1"># one</span>' in html


def test_code_with_html_inside_is_escaped_not_run():
    html = render_markdown("```python\nprint('<script>alert(1)</script>')\n```")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_inline_rendering_drops_the_paragraph():
    assert render_inline("A *takeaway*.") == "A <em>takeaway</em>."
    assert render_inline("") == ""


def test_sanitize_keeps_tables():
    html = sanitize(
        "<table><thead><tr><th>A</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>"
    )
    assert "<table>" in html and "<td>1</td>" in html


def test_pygments_stylesheets_are_current(settings):
    """static/css/pygments*.css are generated; regenerate with `manage.py pygments_css`."""
    css = settings.BASE_DIR / "static" / "css"
    assert (css / "pygments.css").read_text() == pygments_css()
    assert (css / "pygments-dark.css").read_text() == pygments_dark_css()
    assert pygments_css() != pygments_dark_css()


# --- Authored classes; pathological input -------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '<p class="notice notice--error">Your account was deleted.</p>',
        '<div class="notice notice--error" role="alert">Your account was deleted.</div>',
        '<span class="button button--primary">Sign in again</span>',
        "```{.notice .notice--error}\nYour account was deleted.\n```",
    ],
)
def test_authored_classes_are_dropped(text):
    html = render_markdown(text)
    assert "notice" not in html.replace("Your account", "") and "button" not in html
    assert "deleted" in html or "Sign in" in html  # the text stays, as plain text


def test_highlighted_code_keeps_the_renderers_classes():
    html = render_markdown("```python\nimport os  # why\nprint('x', 1)\n```")
    assert '<div class="highlight">' in html
    for token_class in ("kn", "nn", "c1", "nb", "s1", "mi"):
        assert f'<span class="{token_class}">' in html


def _no_rendering(monkeypatch):
    """Fail the test if Python-Markdown is asked to render anything."""

    def refuse(*args, **kwargs):
        raise AssertionError("rendering was attempted")

    monkeypatch.setattr("courses.markdown.markdown.markdown", refuse)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 10_000, "More than 20 “[” open at once"),
        ("[" * 20_000, "More than 20 “[” open at once"),
        ("[x](" * 5_000, "More than 20 “(” open at once"),
        ("<a " * 6_000, "More than 20 “<” open at once"),
        ("`[" * 9_000, "More than 20 “[” open at once"),
        ("[" * 1_000 + "]" * 1_000, "More than 20 “[” open at once"),  # balanced, but deep
        ("1. " * 2_000 + "x", "nested more than 10 deep"),  # was a RecursionError
        (">" * 2_000 + "x", "nested more than 10 deep"),
        ("x" * 20_001, "longer than 20,000 characters"),
    ],
)
def test_pathological_markdown_is_refused_before_any_rendering(monkeypatch, text, message):
    _no_rendering(monkeypatch)
    started = time.perf_counter()
    with pytest.raises(ValidationError, match=re.escape(message)):
        validate_markdown(text)
    assert render_markdown(text).startswith("<p>")  # shown escaped, never rendered
    assert time.perf_counter() - started < 1  # generous: the check takes milliseconds


def test_ordinary_markdown_passes_the_check():
    text = (
        "A [link](https://example.com) (with a remark), `code [x]`, a < b and c > d.\n\n"
        "1. one\n   - nested\n     - twice\n\n> quoted\n\n"
        "```python\nif a < b < c < d: print([[[[1]]]])\n```\n"
    )
    validate_markdown(text)
    validate_markdown("x" * 20_000)
    validate_code("\n".join(f"x{i} = a < b" for i in range(100)))  # code is not inline Markdown


def test_a_snippet_cannot_close_its_fence_to_smuggle_markdown(monkeypatch):
    _no_rendering(monkeypatch)
    with pytest.raises(ValidationError, match="open at once"):
        validate_code("x = 1\n```\n" + "[" * 10_000)


@pytest.mark.django_db
def test_the_admin_forms_refuse_a_pathological_prompt_with_a_message(monkeypatch, course):
    """Model validation (what the admin's forms run) refuses it; nothing is rendered."""
    question = Question.objects.filter(use="test").first()
    question.prompt = "[" * 10_000
    _no_rendering(monkeypatch)
    with pytest.raises(ValidationError) as caught:
        question.full_clean()
    assert "More than 20 “[” open at once" in str(caught.value.message_dict["prompt"])

import pytest

from courses.markdown import (
    pygments_css,
    pygments_dark_css,
    render_inline,
    render_markdown,
    sanitize,
)

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

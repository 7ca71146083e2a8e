"""Markdown to safe HTML, once, when content is saved or imported.

Fenced code is highlighted by Pygments. The result is sanitised with nh3 against an allow
list, so authored `<script>`, `on*=` handlers, `javascript:` links and htmx attributes
(`hx-*`, `data-hx-*`) can never reach a page. Pages print the stored HTML; nothing here
runs per request.

Python-Markdown takes quadratic time on brackets that stay open (each `[`, `(` or `<`
scans ahead for its partner: 10,000 `[` take 10 s) and recurses once per nested list
marker (`1. 1. 1. …` ends in a RecursionError). `markdown_problem` finds both in one linear
pass, so the admin and the importer refuse such text with a message before rendering, and
`render_markdown` shows it as escaped text should it arrive another way.
"""

import html
import re

import markdown
import nh3
from django.core.exceptions import ValidationError
from pygments.formatters import HtmlFormatter
from pygments.token import STANDARD_TYPES

EXTENSIONS = ["fenced_code", "codehilite", "tables", "sane_lists", "smarty"]
EXTENSION_CONFIGS = {
    "codehilite": {"css_class": "highlight", "guess_lang": False, "wrapcode": True},
    "smarty": {"smart_quotes": False},
}

# Text, lists, tables and code; no images, forms, media or frames.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "s", "samp",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"align", "scope"},
    "td": {"align"},
}
# Only the classes the renderer itself emits: codehilite's wrapper ("highlight", the
# css_class above) and Pygments' token classes ("k", "s2", "hll" for a highlighted line).
# Authored classes are dropped, so content cannot dress itself as the site's own notices
# ("notice notice--error") or buttons.
PYGMENTS_CLASSES = frozenset(name for name in STANDARD_TYPES.values() if name) | {"hll"}
ALLOWED_CLASSES = {
    "div": {EXTENSION_CONFIGS["codehilite"]["css_class"]},
    "pre": {EXTENSION_CONFIGS["codehilite"]["css_class"]},
    "span": set(PYGMENTS_CLASSES),
}
URL_SCHEMES = {"http", "https", "mailto"}

MAX_MARKDOWN_LENGTH = 20_000  # characters in one authored Markdown field
# Real prose never nests brackets or lists this deep; below these limits the quadratic
# cost stays under a few milliseconds.
MAX_OPEN_BRACKETS = 20
MAX_LIST_NESTING = 10
OPENERS = {"[": "]", "(": ")", "<": ">"}
CLOSERS = {closer: opener for opener, closer in OPENERS.items()}
FENCE = re.compile(r"^[ \t]*(```|~~~)")
BLOCK_MARKERS = re.compile(r"^[ \t]*(?:(?:[*+-]|\d{1,9}[.)])[ \t]+|>[ \t]*)+")
ONE_MARKER = re.compile(r"[*+-][ \t]|\d{1,9}[.)][ \t]|>")


def markdown_problem(text: str) -> str:
    """Why this Markdown would be too slow or too deep to render, or "" if it is fine.

    One pass over the lines outside fenced code (where inline Markdown does not apply):
    the brackets left open at any point, and the list or quote markers starting a line.
    """
    if len(text) > MAX_MARKDOWN_LENGTH:
        return f"Markdown longer than {MAX_MARKDOWN_LENGTH:,} characters."
    open_count = dict.fromkeys(OPENERS, 0)
    in_fence = False
    for line in text.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        markers = BLOCK_MARKERS.match(line)
        if markers and len(ONE_MARKER.findall(markers.group())) > MAX_LIST_NESTING:
            return f"Lists or quotes nested more than {MAX_LIST_NESTING} deep."
        for char in line:
            if char in OPENERS:
                open_count[char] += 1
                if open_count[char] > MAX_OPEN_BRACKETS:
                    return (
                        f"More than {MAX_OPEN_BRACKETS} “{char}” open at once: close each "
                        f"“{char}” with “{OPENERS[char]}”, or write it in `code`."
                    )
            elif char in CLOSERS and open_count[CLOSERS[char]]:
                open_count[CLOSERS[char]] -= 1
    return ""


def validate_markdown(value: str) -> None:
    """A model field validator: refuse Markdown that `markdown_problem` finds fault with."""
    if problem := markdown_problem(value or ""):
        raise ValidationError(problem, code="pathological_markdown")


def python_block(code: str) -> str:
    """A snippet as the fenced Markdown block it is rendered from."""
    return f"```python\n{code.rstrip()}\n```"


def validate_code(value: str) -> None:
    """A model field validator for a snippet: its fenced block must render quickly too (a
    snippet containing ``` would otherwise close the fence early)."""
    validate_markdown(python_block(value or ""))


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "template", "iframe", "object", "svg", "math"},
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown(text: str) -> str:
    """Render a block of Markdown (paragraphs, lists, code) to sanitised HTML."""
    if not text or not text.strip():
        return ""
    if markdown_problem(text):  # validators refuse it; never spend seconds rendering it
        return f"<p>{html.escape(text)}</p>"
    rendered = markdown.markdown(
        text, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html"
    )
    return sanitize(rendered)


def render_inline(text: str) -> str:
    """Render one line of Markdown without the wrapping paragraph (takeaways, hints)."""
    rendered = render_markdown(text)
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        return rendered[3:-4]
    return rendered


HEADER = "/* Generated by `manage.py pygments_css`; do not edit by hand. */\n"


def pygments_css() -> str:
    """The light highlighting stylesheet (static/css/pygments.css)."""
    return HEADER + HtmlFormatter(style="default").get_style_defs(".highlight") + "\n"


def pygments_dark_css() -> str:
    """The dark one (static/css/pygments-dark.css): pages load it for a dark colour scheme,
    so a preview can also force either theme."""
    return HEADER + HtmlFormatter(style="github-dark").get_style_defs(".highlight") + "\n"

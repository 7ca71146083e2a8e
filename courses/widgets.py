"""Admin widgets: a Markdown field with a live preview under it.

The preview is rendered by the server with the site's own renderer and sanitiser
(`courses.markdown`), so what the author sees is what learners get. htmx posts the field's
text, debounced, to the admin's preview URL; `static/js/admin.js` supplies the text, the
CSRF header and htmx's processing of inline rows added in the browser (the CSP forbids
`hx-on` and inline script).
"""

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .markdown import render_inline, render_markdown

RENDERERS = {"block": render_markdown, "inline": render_inline}


def render_preview(text: str, mode: str) -> str:
    """The sanitised HTML of `text` as the site shows it (`mode`: block or inline)."""
    return RENDERERS[mode](text)


class MarkdownPreviewMixin:
    """Render the input, then its preview; `url_name` names the admin's preview view."""

    def __init__(self, *, url_name: str, mode: str = "block", attrs=None):
        if mode not in RENDERERS:
            raise ValueError(f"mode must be one of {sorted(RENDERERS)}, not {mode!r}")
        self.url_name = url_name
        self.mode = mode
        super().__init__(attrs=attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "hx-post": reverse(self.url_name),
                "hx-trigger": "input changed delay:400ms",
                "hx-target": "next .md-preview__body",
                "hx-swap": "innerHTML",
                "hx-params": "none",  # admin.js sends this field's text alone
                "hx-sync": "this:replace",
                "data-md-preview": self.mode,
            }
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        preview = render_preview(self.format_value(value) or "", self.mode)
        return format_html(
            '{}<div class="md-preview"><p class="md-preview__label">Preview</p>'
            '<div class="md-preview__body prose" aria-live="polite">{}</div></div>',
            field,
            mark_safe(preview),  # noqa: S308 - sanitised by courses.markdown
        )


class MarkdownPreviewWidget(MarkdownPreviewMixin, forms.Textarea):
    """A Markdown text area with its live preview."""


class InlineMarkdownPreviewWidget(MarkdownPreviewMixin, forms.TextInput):
    """A one-line Markdown field (a hint, an option) with its live preview."""

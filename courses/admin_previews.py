"""The authoring admin's previews: Markdown rendered as the site renders it, while the
author types, and a code-output question's snippet run through the sandbox.

Mixed into the ModelAdmins (and inlines) in `courses/admin.py`: each adds its own URL
under its model's admin, reachable only by staff who may change (or add) that model.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from .sandbox import SandboxError, SandboxUnavailable, run_snippet
from .validation import normalise_output
from .widgets import RENDERERS, InlineMarkdownPreviewWidget, MarkdownPreviewWidget, render_preview

MAX_PREVIEW_CHARS = 50_000  # longer than any lesson field; a preview is refused beyond it
MAX_SNIPPET_CHARS = 10_000


def _url_name(model, action: str) -> str:
    opts = model._meta
    return f"{opts.app_label}_{opts.model_name}_{action}"


def preview_url_name(model) -> str:
    return f"admin:{_url_name(model, 'markdown_preview')}"


def _editor_url(model_admin, route: str, view, action: str):
    """`view` at `route` under the model's admin, named `<app>_<model>_<action>`: POST only,
    for staff who may change (or add) the model; anyone else is refused (403)."""

    def for_editors(request: HttpRequest) -> HttpResponse:
        if not (
            model_admin.has_change_permission(request) or model_admin.has_add_permission(request)
        ):
            raise PermissionDenied
        return view(request)

    guarded = model_admin.admin_site.admin_view(require_POST(for_editors))
    return path(route, guarded, name=_url_name(model_admin.model, action))


def _bad_request(message: str) -> HttpResponse:
    return HttpResponseBadRequest(format_html('<p class="admin-error">{}</p>', message))


class MarkdownPreviewFields:
    """For ModelAdmins and inlines: `markdown_fields` maps a field to how the site renders
    it ("block" or "inline"); those fields get a live preview, served by the admin of the
    page's model (an inline's parent)."""

    markdown_fields: dict[str, str] = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        mode = self.markdown_fields.get(db_field.name)
        if mode:
            page_model = getattr(self, "parent_model", None) or self.model
            multiline = db_field.get_internal_type() == "TextField"
            widget = MarkdownPreviewWidget if multiline else InlineMarkdownPreviewWidget
            kwargs["widget"] = widget(
                url_name=preview_url_name(page_model),
                mode=mode,
                attrs={"class": "vLargeTextField" if multiline else "vTextField"},
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class MarkdownPreviewView:
    """For ModelAdmins: the preview URL their pages' Markdown fields post to."""

    def get_urls(self):
        preview = _editor_url(
            self, "markdown-preview/", self.markdown_preview_view, "markdown_preview"
        )
        return [preview, *super().get_urls()]

    def markdown_preview_view(self, request: HttpRequest) -> HttpResponse:
        """POST `text` and `mode` (block or inline): the sanitised HTML fragment."""
        text, mode = request.POST.get("text"), request.POST.get("mode", "block")
        if text is None or mode not in RENDERERS:
            return _bad_request("Nothing to preview: send the text and a mode (block or inline).")
        if len(text) > MAX_PREVIEW_CHARS:
            return _bad_request(
                f"Too long to preview: {len(text):,} characters (at most {MAX_PREVIEW_CHARS:,})."
            )
        return HttpResponse(render_preview(text, mode))


def snippet_report(code: str, expected_output: str) -> dict:
    """Run `code` in the sandbox: what it printed, and whether that is the expected answer."""
    try:
        printed = run_snippet(code)
    except SandboxUnavailable as error:
        return {"outcome": "error", "message": f"The code could not be run here: {error}"}
    except SandboxError as error:
        return {"outcome": "error", "message": f"The code does not run: {error}"}
    matches = normalise_output(printed) == normalise_output(expected_output)
    return {"outcome": "match" if matches else "mismatch", "printed": printed,
            "expected": expected_output}  # fmt: skip


class SnippetRunView:
    """For the question admin: "Run the snippet" on the form's current, unsaved code."""

    def get_urls(self):
        run = _editor_url(self, "run-snippet/", self.run_snippet_view, "run_snippet")
        return [run, *super().get_urls()]

    def run_snippet_view(self, request: HttpRequest) -> HttpResponse:
        code = request.POST.get("code", "")
        if not code.strip():
            return _bad_request("There is no code to run: write the snippet first.")
        if len(code) > MAX_SNIPPET_CHARS:
            return _bad_request(f"The snippet is too long to run (at most {MAX_SNIPPET_CHARS:,}).")
        report = snippet_report(code, request.POST.get("expected_output", ""))
        return TemplateResponse(request, "courses/admin/snippet_result.html", report)


def learner_preview_link(question) -> str:
    """The question page's link to its preview as a learner (once it is saved)."""
    if not question.pk:
        return "Save the question to preview it as a learner."
    url = reverse("learning:question-preview", args=[question.pk])
    return format_html('<a class="button" href="{}">Preview as a learner</a>', url)


def snippet_runner_button(model) -> str:
    """A button that runs the form's current code and shows the verdict under it."""
    url = reverse(f"admin:{_url_name(model, 'run_snippet')}")
    return format_html(
        '<button type="button" class="button" hx-post="{}" hx-params="code,expected_output" '
        'hx-target="#snippet-result" hx-swap="innerHTML">Run the snippet</button>'
        '<span class="snippet-help">Runs the code above, as it is now, in the sandbox.</span>'
        '<div id="snippet-result" class="snippet-result" aria-live="polite"></div>',
        url,
    )

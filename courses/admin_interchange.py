"""Question files in the lesson admin: upload a GIFT or Aiken file into a lesson's questions,
and download them as one. The work is done by courses/question_interchange.py, as for the
import_questions and export_questions commands; this module only adds the two pages to
`LessonAdmin` (see `QuestionFilesMixin`) and the buttons on the lesson's page
(templates/admin/courses/lesson/change_form.html)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .interchange import MAX_BYTES
from .models import Lesson, Question
from .question_interchange import (
    DEFAULT_USE,
    FORMATS,
    USES,
    QuestionImportError,
    export_questions,
    import_questions,
)

CONTENT_TYPES = {"gift": "text/plain; charset=utf-8", "aiken": "text/plain; charset=utf-8"}
EXTENSIONS = {"gift": "gift", "aiken": "txt"}


class QuestionFileForm(forms.Form):
    file = forms.FileField(help_text="A GIFT (.gift) or Aiken (.txt) file, UTF-8, at most 2 MB.")
    format = forms.ChoiceField(choices=[("gift", "GIFT"), ("aiken", "Aiken")])
    use = forms.ChoiceField(
        choices=[("", f"Keep (new questions: {DEFAULT_USE})")] + [(u, u) for u in USES],
        required=False,
    )
    difficulty = forms.ChoiceField(
        choices=[("", "Keep (new questions: medium)")] + list(Question.Difficulty.choices),
        required=False,
    )
    strict = forms.BooleanField(
        required=False, help_text="Refuse the whole file if any question would be skipped."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_BYTES // 2**20} MB.")
        return upload


class QuestionFilesMixin:
    """Adds `<lesson id>/questions/import/` and `<lesson id>/questions/export/<format>/`."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:lesson_id>/questions/import/",
                wrap(self.import_questions_view),
                name="courses_lesson_import_questions",
            ),
            path(
                "<int:lesson_id>/questions/export/<str:fmt>/",
                wrap(self.export_questions_view),
                name="courses_lesson_export_questions",
            ),
            *super().get_urls(),
        ]

    def import_questions_view(self, request, lesson_id: int):
        if not request.user.has_perm("courses.add_question"):
            raise PermissionDenied
        lesson = get_object_or_404(Lesson, pk=lesson_id)
        form = QuestionFileForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = import_questions(
                    upload.read(), fmt=form.cleaned_data["format"], lesson=lesson,
                    source=upload.name, use=form.cleaned_data["use"] or None,
                    difficulty=form.cleaned_data["difficulty"] or None,
                    strict=form.cleaned_data["strict"],
                )  # fmt: skip
            except QuestionImportError as error:
                messages.error(request, "Nothing was imported.")
                for problem in error.problems:
                    messages.error(request, f"Refused: {problem}")
            else:
                messages.success(request, f"Imported {upload.name}: {report.summary()}.")
                for warning in report.warnings:
                    messages.warning(request, f"Warning: {warning}")
                return redirect(self._back(request, lesson))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Import questions into “{lesson.title}”",
            "lesson": lesson,
            "form": form,
            "opts": self.model._meta,
            "back_url": self._back(request, lesson),
        }
        return TemplateResponse(request, "admin/courses/lesson/import_questions.html", context)

    def export_questions_view(self, request, lesson_id: int, fmt: str):
        if not request.user.has_perm("courses.view_question"):
            raise PermissionDenied
        if fmt not in FORMATS:
            raise Http404(f"No question format {fmt!r}.")
        lesson = get_object_or_404(Lesson, pk=lesson_id)
        text, _ = export_questions(lesson, fmt)
        response = HttpResponse(text, content_type=CONTENT_TYPES[fmt])
        filename = f"{lesson.slug}.{EXTENSIONS[fmt]}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def _back(self, request, lesson: Lesson) -> str:
        """The lesson's page, or this upload page for someone who may only add questions."""
        if self.has_view_or_change_permission(request, lesson):
            return reverse("admin:courses_lesson_change", args=[lesson.pk])
        return reverse("admin:courses_lesson_import_questions", args=[lesson.pk])

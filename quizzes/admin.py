"""Test attempts and challenge runs in the admin: read-only, for Support; and the item
analysis of each lesson's test bank, for instructors."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from courses.models import Lesson, Question
from progress.admin import ReadOnlyAdmin

from .item_analysis import NothingToAccept, accept_suggestions, lesson_report
from .item_report import as_csv, histogram, rules
from .models import (
    AttemptQuestion,
    ChallengeProblem,
    ChallengeRun,
    ItemAnalysis,
    Response,
    TestAttempt,
)


@admin.register(TestAttempt)
class TestAttemptAdmin(ReadOnlyAdmin):
    list_display = ["id", "lesson", "learner", "status", "score", "strength", "started_at"]
    list_filter = ["status", "lesson"]
    list_select_related = ["lesson"]


class CalibrationForm(forms.Form):
    """The questions whose suggested difficulty the instructor accepts."""

    questions = forms.ModelMultipleChoiceField(queryset=Question.objects.none())

    def __init__(self, *args, lesson: Lesson, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = Question.objects.filter(lesson=lesson)


@admin.register(ItemAnalysis)
class ItemAnalysisAdmin(admin.ModelAdmin):
    """Lessons with a link to each one's item analysis: how every test question performs,
    and the difficulty labels the results suggest. Seeing it needs the view permission of
    Item analysis; accepting suggestions needs courses' change_question."""

    list_display = ["title", "finished_attempts", "report"]
    list_display_links = None
    search_fields = ["title", "slug"]

    def get_queryset(self, request):
        finished = Q(test_attempts__status=TestAttempt.Status.FINISHED)
        return (
            super().get_queryset(request).annotate(finished=Count("test_attempts", filter=finished))
        )

    @admin.display(description="Finished test attempts", ordering="finished")
    def finished_attempts(self, lesson):
        return lesson.finished

    @admin.display(description="Item analysis")
    def report(self, lesson):
        url = reverse("admin:quizzes_itemanalysis_report", args=[lesson.pk])
        return format_html('<a href="{}">Open the report</a>', url)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:quizzes_itemanalysis_report", int(object_id))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:lesson_id>/report/", view(self.report_view),
                 name="quizzes_itemanalysis_report"),
            path("<int:lesson_id>/report.csv", view(self.csv_view),
                 name="quizzes_itemanalysis_csv"),
            path("<int:lesson_id>/calibrate/", view(require_POST(self.calibrate_view)),
                 name="quizzes_itemanalysis_calibrate"),
            *super().get_urls(),
        ]  # fmt: skip

    def _lesson(self, request, lesson_id: int) -> Lesson:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Lesson, pk=lesson_id)

    def report_view(self, request, lesson_id: int):
        lesson = self._lesson(request, lesson_id)
        report = lesson_report(lesson)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Item analysis: {lesson.title}",
            "lesson": lesson,
            "report": report,
            "histogram": histogram(report),
            "rules": rules(report),
            "can_calibrate": request.user.has_perm("courses.change_question"),
        }
        return TemplateResponse(request, "admin/quizzes/itemanalysis/report.html", context)

    def csv_view(self, request, lesson_id: int):
        lesson = self._lesson(request, lesson_id)
        response = HttpResponse(as_csv(lesson_report(lesson)), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="item-analysis-{lesson.slug}.csv"'
        return response

    def calibrate_view(self, request, lesson_id: int):
        lesson = self._lesson(request, lesson_id)
        if not request.user.has_perm("courses.change_question"):
            raise PermissionDenied
        form = CalibrationForm(request.POST, lesson=lesson)
        if not form.is_valid():
            messages.error(request, "Choose at least one of this lesson's suggestions to accept.")
        else:
            ids = [question.pk for question in form.cleaned_data["questions"]]
            try:
                changed = accept_suggestions(
                    lesson=lesson, question_ids=ids, user_id=request.user.pk
                )
            except NothingToAccept as refusal:
                messages.warning(request, str(refusal))
            else:
                keys = ", ".join(f"{q.key} → {q.difficulty}" for q in changed)
                messages.success(request, f"Relabelled {len(changed)}: {keys}.")
        return redirect("admin:quizzes_itemanalysis_report", lesson.pk)


@admin.register(AttemptQuestion)
class AttemptQuestionAdmin(ReadOnlyAdmin):
    list_display = ["attempt", "position", "question"]
    list_select_related = ["attempt", "question__lesson"]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["slot", "is_correct", "answered_at"]
    list_filter = ["is_correct"]
    list_select_related = ["slot__question__lesson"]


@admin.register(ChallengeRun)
class ChallengeRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "lesson", "learner", "status", "started_at"]
    list_filter = ["status", "lesson"]
    list_select_related = ["lesson"]


@admin.register(ChallengeProblem)
class ChallengeProblemAdmin(ReadOnlyAdmin):
    list_display = ["run", "position", "question", "attempts", "solved"]
    list_select_related = ["run", "question__lesson"]

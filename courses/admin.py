"""The authoring admin: tracks, lessons with their sections and questions, and what an
author needs around them — the lesson's checks panel, publishing (refused while checks
fail), "Preview as a learner", computed minutes, and item-lint warnings on save."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .admin_interchange import QuestionFilesMixin
from .admin_previews import (
    MarkdownPreviewFields,
    MarkdownPreviewView,
    SnippetRunView,
    learner_preview_link,
    snippet_runner_button,
)
from .checks import check_lesson
from .lint_sources import lint_lesson
from .models import Lesson, Option, Question, Section, SectionItem, Track
from .preview import start_preview
from .validation import check_code_output, check_options


def warn_findings(request, lesson: Lesson, key: str | None = None) -> None:
    """Show the item lint's findings about a lesson (or one question of it, with its
    bank's) as warnings after a save: they inform, the checks panel has them all."""
    for finding in lint_lesson(lesson.slug):
        if key is None or finding.key in (key, ""):
            messages.warning(request, f"Item lint: {finding}")


class QuestionInline(admin.TabularInline):
    """The lesson's questions at a glance. They are edited on their own page, where the
    prompt, the options and the rules that tie them together are validated as a whole."""

    model = Question
    fields = ["order", "key", "use", "kind", "difficulty", "is_active"]
    readonly_fields = fields
    show_change_link = True
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


class OptionFormSet(forms.BaseInlineFormSet):
    """Refuse a question whose options do not fit its kind (e.g. two correct single-choice)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        flags = [
            form.cleaned_data.get("is_correct", False)
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problem = check_options(self.instance.kind, flags)
        if problem:
            raise forms.ValidationError(problem, code="options")


class OptionInline(MarkdownPreviewFields, admin.TabularInline):
    model = Option
    markdown_fields = {"text": "inline", "explanation": "inline"}
    formset = OptionFormSet
    fields = ["order", "text", "is_correct", "explanation", "confusion"]
    extra = 0


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = [
            "lesson", "key", "use", "kind", "difficulty", "order", "is_active", "prompt", "code",
            "expected_output", "solution", "hint", "quick_check", "mistakes", "seconds",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Question.Kind.CODE_OUTPUT and cleaned.get("code"):
            problem = check_code_output(cleaned["code"], cleaned.get("expected_output", ""))
            if problem:
                self.add_error("expected_output", problem)
        return cleaned


@admin.register(Question)
class QuestionAdmin(MarkdownPreviewFields, MarkdownPreviewView, SnippetRunView, admin.ModelAdmin):
    form = QuestionForm
    markdown_fields = {
        "prompt": "block", "solution": "block", "mistakes": "block",
        "hint": "inline", "quick_check": "inline",
    }  # fmt: skip
    list_display = ["key", "lesson", "use", "kind", "difficulty", "is_active"]
    list_filter = ["lesson", "use", "kind", "difficulty", "is_active"]
    search_fields = ["key", "prompt"]
    readonly_fields = ["preview", "learner_preview", "snippet_runner"]
    fieldsets = [
        (None, {"fields": ["lesson", "key", ("use", "kind", "difficulty"), "order", "is_active"]}),
        (None, {"fields": ["learner_preview"]}),
        ("Question", {"fields": ["prompt", "code", "expected_output", "snippet_runner"]}),
        ("As saved", {"fields": ["preview"]}),
        ("Teaching", {"fields": ["solution", "hint", "quick_check", "mistakes", "seconds"]}),
    ]
    inlines = [OptionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        question = form.instance
        question.lesson.refresh_minutes()
        warn_findings(request, question.lesson, key=question.key)

    @admin.display(description="Rendered prompt (as saved)")
    def preview(self, question):
        return format_html(
            '<div class="prose">{}</div><div class="code">{}</div>',
            mark_safe(question.prompt_html),  # noqa: S308 - sanitised on save
            mark_safe(question.code_html),  # noqa: S308
        )

    @admin.display(description="As a learner")
    def learner_preview(self, question):
        return learner_preview_link(question)

    @admin.display(description="Code output")
    def snippet_runner(self, question):
        return snippet_runner_button(self.model)


class LessonInline(admin.TabularInline):
    model = Lesson
    fields = ["order", "title", "slug", "level"]
    show_change_link = True
    extra = 0


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [LessonInline]


class SectionInline(MarkdownPreviewFields, admin.StackedInline):
    model = Section
    markdown_fields = {"body": "block", "takeaway": "inline"}
    fields = [("order", "kind", "key"), "heading", "body", "takeaway"]
    show_change_link = True  # a section's items (mapping rows, diagram boxes) are edited there
    extra = 0


class LessonForm(forms.ModelForm):
    """Publishing is refused, with the reasons, while the lesson fails its checks. The
    checks read the lesson as saved: save the sections and questions, then publish."""

    class Meta:
        model = Lesson
        fields = ["track", "title", "slug", "level", "order", "summary", "status", "introduction"]

    def clean_status(self):
        status = self.cleaned_data["status"]
        lesson = self.instance
        # The instance still holds the stored status here (the form applies its data later).
        going_live = status == Lesson.Status.PUBLISHED and (lesson.pk is None or lesson.is_draft)
        if going_live:
            problems = publishing_problems(lesson)
            if problems:
                raise forms.ValidationError(
                    ["This lesson cannot be published yet:", *problems], code="checks"
                )
        return status


def publishing_problems(lesson: Lesson) -> list[str]:
    if lesson.pk is None:
        return ["Save it as a draft with its sections and questions first."]
    return check_lesson(lesson).problems


@admin.register(Lesson)
class LessonAdmin(QuestionFilesMixin, MarkdownPreviewFields, MarkdownPreviewView, admin.ModelAdmin):
    markdown_fields = {"introduction": "block"}
    form = LessonForm
    list_display = ["title", "track", "status", "level", "order", "updated_at"]
    list_filter = ["status", "track", "level"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["preview", "published_at", "minutes_per_mode", "checks", "on_the_site"]
    fieldsets = [
        (None, {"fields": ["track", "title", "slug", "level", "order", "summary"]}),
        ("Publishing", {"fields": ["status", "published_at", "on_the_site"]}),
        ("Introduction", {"fields": ["introduction", "preview"]}),
        ("Checks", {"fields": ["checks", "minutes_per_mode"]}),
    ]
    inlines = [SectionInline, QuestionInline]
    actions = ["publish", "unpublish"]

    def get_changeform_initial_data(self, request):
        # A new lesson starts as a draft: nobody sees it until it passes its checks.
        return {"status": Lesson.Status.DRAFT, **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data and not obj.is_draft:
            obj.published_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.refresh_minutes()
        warn_findings(request, form.instance)

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_as_learner)
        return [
            path("<path:object_id>/preview/", preview, name="courses_lesson_preview"),
            *super().get_urls(),
        ]

    def preview_as_learner(self, request, object_id):
        """Show drafts to this staff member on the site, with a banner, and open the lesson."""
        lesson = get_object_or_404(Lesson, pk=object_id)
        if not self.has_change_permission(request, lesson):
            raise PermissionDenied
        start_preview(request.session)
        return HttpResponseRedirect(lesson.get_absolute_url())

    @admin.action(description="Publish the selected lessons (if their checks pass)",
                  permissions=["change"])  # fmt: skip
    def publish(self, request, queryset):
        for lesson in queryset.filter(status=Lesson.Status.DRAFT):
            problems = publishing_problems(lesson)
            if problems:
                reasons = format_html_join("", "<li>{}</li>", ((p,) for p in problems))
                messages.error(
                    request, format_html("“{}” stays a draft:<ul>{}</ul>", lesson, reasons)
                )
                continue
            lesson.status, lesson.published_at = Lesson.Status.PUBLISHED, timezone.now()
            lesson.save(update_fields=["status", "published_at", "updated_at"])
            messages.success(request, f"“{lesson}” is published.")

    @admin.action(description="Move the selected lessons back to draft (history is kept)",
                  permissions=["change"])  # fmt: skip
    def unpublish(self, request, queryset):
        # Only the status changes: learners' progress, attempts and cards stay as they are
        # and come back with the lesson. Saved one by one so the cache hears of it.
        lessons = list(queryset.filter(status=Lesson.Status.PUBLISHED))
        for lesson in lessons:
            lesson.status = Lesson.Status.DRAFT
            lesson.save(update_fields=["status", "updated_at"])
        messages.success(
            request, f"{len(lessons)} lesson(s) moved to draft; learners no longer see them."
        )

    @admin.display(description="Rendered introduction (as saved)")
    def preview(self, lesson):
        return format_html('<div class="prose">{}</div>', mark_safe(lesson.introduction_html))  # noqa: S308 - sanitised on save

    @admin.display(description="On the site")
    def on_the_site(self, lesson):
        if not lesson.pk:
            return "—"
        preview = reverse("admin:courses_lesson_preview", args=[lesson.pk])
        return format_html(
            '<a href="{}">Preview as a learner</a> (drafts included, with a banner) · '
            '<a href="{}">{}</a>',
            preview, lesson.get_absolute_url(), lesson.get_absolute_url(),
        )  # fmt: skip

    @admin.display(description="Minutes per mode (computed from the text)")
    def minutes_per_mode(self, lesson):
        if not lesson.minutes:
            return "— (computed when the lesson is saved)"
        return format_html_join(", ", "{}: {} min", sorted(lesson.minutes.items()))

    @admin.display(description="Checks")
    def checks(self, lesson):
        if not lesson.pk:
            return "Save the lesson to see its checks."
        return render_to_string(
            "admin/courses/lesson_checks.html", {"checks": check_lesson(lesson)}
        )


class SectionItemInline(MarkdownPreviewFields, admin.TabularInline):
    model = SectionItem
    markdown_fields = {"text": "inline"}
    fields = ["order", "label", "text", "group", "link"]
    extra = 0


@admin.register(Section)
class SectionAdmin(MarkdownPreviewFields, MarkdownPreviewView, admin.ModelAdmin):
    markdown_fields = {"body": "block", "takeaway": "inline"}
    list_display = ["heading", "kind", "lesson", "order"]
    list_filter = ["kind", "lesson"]
    search_fields = ["heading", "body", "key"]
    fields = ["lesson", ("order", "kind", "key"), "heading", "body", "takeaway", "preview"]
    readonly_fields = ["preview"]
    inlines = [SectionItemInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.lesson.refresh_minutes()

    @admin.display(description="Rendered body (as saved)")
    def preview(self, section):
        return format_html('<div class="prose">{}</div>', mark_safe(section.body_html))  # noqa: S308 - sanitised on save

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .admin_interchange import QuestionFilesMixin
from .admin_previews import (
    MarkdownPreviewFields,
    MarkdownPreviewView,
    SnippetRunView,
    learner_preview_link,
    snippet_runner_button,
)
from .models import Lesson, Option, Question, Section, SectionItem, Track
from .validation import check_code_output, check_options


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


@admin.register(Lesson)
class LessonAdmin(QuestionFilesMixin, MarkdownPreviewFields, MarkdownPreviewView, admin.ModelAdmin):
    markdown_fields = {"introduction": "block"}
    list_display = ["title", "track", "level", "order", "updated_at"]
    list_filter = ["track", "level"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["preview", "view_on_site_link"]
    fieldsets = [
        (None, {"fields": ["track", "title", "slug", "level", "order", "summary"]}),
        ("Introduction", {"fields": ["introduction", "preview"]}),
        ("Minutes per mode", {"fields": ["minutes"], "classes": ["collapse"]}),
        (None, {"fields": ["view_on_site_link"]}),
    ]
    inlines = [SectionInline, QuestionInline]

    @admin.display(description="Rendered introduction (as saved)")
    def preview(self, lesson):
        return format_html('<div class="prose">{}</div>', mark_safe(lesson.introduction_html))  # noqa: S308 - sanitised on save

    @admin.display(description="On the site")
    def view_on_site_link(self, lesson):
        if not lesson.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', lesson.get_absolute_url(), lesson.get_absolute_url()
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

    @admin.display(description="Rendered body (as saved)")
    def preview(self, section):
        return format_html('<div class="prose">{}</div>', mark_safe(section.body_html))  # noqa: S308 - sanitised on save

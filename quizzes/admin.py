from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from courses.admin_base import TouchesLessonAdmin

from .models import Option, Question, TestAttempt
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


class OptionInline(admin.TabularInline):
    model = Option
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
class QuestionAdmin(TouchesLessonAdmin):
    form = QuestionForm
    list_display = ["key", "lesson", "use", "kind", "difficulty", "is_active"]
    list_filter = ["lesson", "use", "kind", "difficulty", "is_active"]
    search_fields = ["key", "prompt"]
    readonly_fields = ["preview"]
    fieldsets = [
        (None, {"fields": ["lesson", "key", ("use", "kind", "difficulty"), "order", "is_active"]}),
        ("Question", {"fields": ["prompt", "code", "expected_output", "preview"]}),
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


@admin.register(TestAttempt)
class TestAttemptAdmin(admin.ModelAdmin):
    list_display = ["id", "lesson", "learner", "status", "score", "strength", "started_at"]
    list_filter = ["status", "lesson"]
    readonly_fields = [f.name for f in TestAttempt._meta.fields]

    def has_add_permission(self, request):
        return False

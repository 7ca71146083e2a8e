from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from quizzes.admin import QuestionInline

from .admin_base import TouchesLessonAdmin
from .models import Lesson, Section, SectionItem, Track


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


class SectionInline(admin.StackedInline):
    model = Section
    fields = [("order", "kind", "key"), "heading", "body", "takeaway"]
    show_change_link = True  # a section's items (mapping rows, diagram boxes) are edited there
    extra = 0


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
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


class SectionItemInline(admin.TabularInline):
    model = SectionItem
    fields = ["order", "label", "text", "group", "link"]
    extra = 0


@admin.register(Section)
class SectionAdmin(TouchesLessonAdmin):
    list_display = ["heading", "kind", "lesson", "order"]
    list_filter = ["kind", "lesson"]
    search_fields = ["heading", "body", "key"]
    fields = ["lesson", ("order", "kind", "key"), "heading", "body", "takeaway", "preview"]
    readonly_fields = ["preview"]
    inlines = [SectionItemInline]

    @admin.display(description="Rendered body (as saved)")
    def preview(self, section):
        return format_html('<div class="prose">{}</div>', mark_safe(section.body_html))  # noqa: S308 - sanitised on save

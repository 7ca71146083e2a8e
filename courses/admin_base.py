from django.contrib import admin

from .models import Lesson


class TouchesLessonAdmin(admin.ModelAdmin):
    """Saving or deleting a lesson's part here refreshes the lesson's cached page."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        Lesson.touch(form.instance.lesson_id)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        Lesson.touch(obj.lesson_id)

    def delete_queryset(self, request, queryset):
        lesson_ids = set(queryset.values_list("lesson_id", flat=True))
        super().delete_queryset(request, queryset)
        for lesson_id in lesson_ids:
            Lesson.touch(lesson_id)

"""Learners' progress and review cards in the admin: read-only, for Support to answer a
learner's question. Nothing here is added, changed or deleted by hand: the learner's own
actions write it. `ReadOnlyAdmin` is shared with quizzes/admin.py."""

from django.contrib import admin

from .models import LessonProgress, ReviewCard


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable by anyone with the view permission; nobody adds, changes or deletes."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LessonProgress)
class LessonProgressAdmin(ReadOnlyAdmin):
    list_display = ["learner", "lesson", "strength", "last_activity"]
    list_filter = ["lesson", "strength"]
    list_select_related = ["lesson"]


@admin.register(ReviewCard)
class ReviewCardAdmin(ReadOnlyAdmin):
    list_display = ["learner", "lesson", "section", "question", "due", "reps"]
    list_filter = ["lesson"]
    list_select_related = ["lesson", "section", "question__lesson"]

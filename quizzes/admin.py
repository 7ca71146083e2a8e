from django.contrib import admin

from .models import TestAttempt


@admin.register(TestAttempt)
class TestAttemptAdmin(admin.ModelAdmin):
    list_display = ["id", "lesson", "learner", "status", "score", "strength", "started_at"]
    list_filter = ["status", "lesson"]
    readonly_fields = [f.name for f in TestAttempt._meta.fields]

    def has_add_permission(self, request):
        return False

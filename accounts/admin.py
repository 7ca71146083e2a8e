from django.contrib import admin

from .models import Learner


@admin.register(Learner)
class LearnerAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "created_at"]
    readonly_fields = ["user", "created_at"]

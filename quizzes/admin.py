"""Test attempts and challenge runs in the admin: read-only, for Support."""

from django.contrib import admin

from progress.admin import ReadOnlyAdmin

from .models import AttemptQuestion, ChallengeProblem, ChallengeRun, Response, TestAttempt


@admin.register(TestAttempt)
class TestAttemptAdmin(ReadOnlyAdmin):
    list_display = ["id", "lesson", "learner", "status", "score", "strength", "started_at"]
    list_filter = ["status", "lesson"]
    list_select_related = ["lesson"]


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

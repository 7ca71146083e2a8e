"""The learner's own page, /me/."""

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.learners import current_learner_id
from progress.strength import RULE

from ..dashboard import dashboard as dashboard_of


@never_cache
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every lesson's strength and latest score, scores over time, what is due, and where
    to continue. Models: Lesson, LessonProgress, TestAttempt, ReviewCard."""
    context = {
        "board": dashboard_of(current_learner_id(request)),
        "rule": RULE,
        "now": timezone.now(),
    }
    return TemplateResponse(request, "progress/dashboard.html", context)

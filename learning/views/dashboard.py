"""The learner's own page, /me/."""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.learners import current_learner_id
from progress.strength import RULE

from ..dashboard import dashboard as dashboard_of
from ..page_cache import hole_html, page_with_holes

PAGE = "progress/dashboard.html"


@never_cache
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every lesson's strength and latest score, scores over time, what is due, and where
    to continue. Models: Lesson, LessonProgress, TestAttempt, ReviewCard."""
    context = {
        "board": dashboard_of(current_learner_id(request)),
        "rule": RULE,
        "now": timezone.now(),
        "user": request.user,
    }
    # All of the content is the learner's own: the page around it is kept rendered.
    board = hole_html(f"{PAGE}#board", context)
    return page_with_holes(request, PAGE, {}, holes={"board": board}, key=())

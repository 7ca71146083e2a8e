"""The learner's own page, /me/."""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.learners import current_learner_id
from core.never_cache import never_cache
from progress.strength import RULE

from ..dashboard import dashboard as dashboard_of
from ..page_cache import hole_html_once, page_with_holes, placeholder

PAGE = "progress/dashboard.html"


@never_cache
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every lesson's strength and latest score, scores over time, what is due, and where
    to continue. Models: Lesson, LessonProgress, TestAttempt, ReviewCard."""
    shown = dashboard_of(current_learner_id(request)).shown(timezone.now())
    signed_in = request.user.is_authenticated
    # All of the content is the learner's own, but learners whose boards show the same
    # parts see the same markup around their values: it is rendered once (per content
    # version) with a placeholder for each value (page_cache.hole_html_once), and the page
    # around it once per process (page_with_holes).

    def context() -> dict:  # only when this key's board is not kept yet
        placeholders = {name: placeholder(name) for name in shown}
        return {"shown": placeholders, "user": request.user, "rule": RULE}

    board = hole_html_once(
        f"{PAGE}#board", context, key=("board", signed_in, *sorted(shown)), fills=shown
    )
    return page_with_holes(request, PAGE, {}, holes={"board": board}, key=())

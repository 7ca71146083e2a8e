"""How every learner page answers: the whole page, or only the partial htmx asked for.

Pages are templates with their swappable parts as `{% partialdef %}` blocks. A view hands
`render_page` the template, the partial's context, and — for mode pages — what the page
around the partial needs (the lesson header and mode chooser), which is built only when
the whole page is sent.
"""

from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django_htmx.middleware import HtmxDetails

from accounts.learners import current_learner_id
from courses.models import Lesson
from courses.modes import MODES_BY_SLUG
from progress.models import LessonProgress

from .status import mode_page_context, status_of


class HtmxHttpRequest(HttpRequest):
    """For type hints: a request that went through django-htmx's middleware."""

    htmx: HtmxDetails


def wants_fragment(request: HtmxHttpRequest) -> bool:
    """htmx asked for a fragment; a history restore (after Back) wants the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def render_page(request: HtmxHttpRequest, template: str, context: dict, *,
                partial: str | None = "card", status: int = 200) -> TemplateResponse:  # fmt: skip
    """The page, or only its `partial` for an htmx swap (None: always the whole page)."""
    name = f"{template}#{partial}" if partial and wants_fragment(request) else template
    return TemplateResponse(request, name, context, status=status)


def render_mode_page(request: HtmxHttpRequest, template: str, lesson: Lesson, mode: str,
                     context: dict, *, partial: str | None = "card", status: int = 200,
                     progress: LessonProgress | None = None,
                     header_in_partial: bool = False) -> TemplateResponse:  # fmt: skip
    """A lesson's mode page: its content, the lesson's header and the chooser with `mode`
    current — or only `partial` for an htmx swap, which skips the header's query unless
    the partial also updates the header (`header_in_partial`, out of band). A POST that has
    just written the learner's `progress` row passes it, and the header is built from it
    instead of read again (a POST's budget is ten queries)."""
    context = {"lesson": lesson, **context}
    whole = not (partial and wants_fragment(request))
    if whole or header_in_partial:
        status_now = status_of(progress, timezone.now()) if progress is not None else None
        chrome = mode_page_context(current_learner_id(request), lesson, mode, status_now)
        context = {**chrome, "mode": MODES_BY_SLUG[mode], "minutes": lesson.minutes_for(mode),
                   "mode_done": mode in chrome["status"].visited, **context}  # fmt: skip
    return render_page(request, template, context, partial=partial, status=status)

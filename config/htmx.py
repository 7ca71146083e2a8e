"""One answer, for every view, to "does this request want only a fragment?"."""

from django.http import HttpRequest


def wants_fragment(request: HttpRequest) -> bool:
    """htmx asked for a fragment; a history restore (after Back) wants the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request

"""Whether this request shows drafts (see courses/preview.py), and leaving the preview."""

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from courses.preview import is_previewing, stop_preview


def drafts_visible(request: HttpRequest) -> bool:
    return is_previewing(request.session, request.user)


@require_POST
def leave_preview(request: HttpRequest) -> HttpResponseRedirect:
    """Stop showing drafts and go back to where the banner was, or to the catalogue."""
    stop_preview(request.session)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("learning:catalogue")
    return HttpResponseRedirect(back, status=303)

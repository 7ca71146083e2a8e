"""Whole-page caching for visitors we know nothing about (no account, no guest progress).

Their lesson page differs from anyone else's only by the CSRF token and the CSP nonce, so
the page is stored once as encoded pieces split where those two values go, and each
request joins the pieces around its own (no search or re-encoding of the whole page on a
hit). Pages live in the content cache (see content_cache), so a content change retires
them all.
"""

import re
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token

from accounts.learners import current_learner_id
from courses import content_cache

from .preview import drafts_visible

PAGE_SECONDS = 3600
CSRF_PLACEHOLDER = "\x00csrf\x00"
NONCE_PLACEHOLDER = "\x00nonce\x00"
PLACEHOLDERS = re.compile(f"({CSRF_PLACEHOLDER}|{NONCE_PLACEHOLDER})")
# base.html puts the page's one CSRF token in the <body> for htmx; forms reuse the same one.
CSRF_IN_PAGE = re.compile(r'"X-CSRFToken": "([^"]+)"')


def is_cacheable(request: HttpRequest) -> bool:
    """A visitor with no account, no guest learner and no pending messages (so never staff
    previewing drafts: that is checked too, because a cached draft would be public)."""
    return (
        not settings.DEBUG  # templates change under a developer's hands
        and request.method == "GET"
        and not request.htmx
        and not request.user.is_authenticated
        and current_learner_id(request) is None
        and not len(get_messages(request))
        and not drafts_visible(request)
    )


def _key(request: HttpRequest) -> str:
    return content_cache.versioned_key("page", request.path)


def cached_page(request: HttpRequest) -> HttpResponse | None:
    """The cached page for this visitor, with their own CSRF token and nonce, or None."""
    if not is_cacheable(request):
        return None
    pieces = content_cache.get(_key(request))
    if pieces is None:
        return None
    own = {
        CSRF_PLACEHOLDER: get_token(request).encode(),
        NONCE_PLACEHOLDER: str(get_nonce(request)).encode(),
    }
    return HttpResponse(b"".join(own.get(piece, piece) for piece in pieces))


def store_page(request: HttpRequest, response: HttpResponse) -> None:
    """Keep a freshly rendered page for the next visitor like this one."""
    if response.status_code != 200 or not is_cacheable(request):
        return
    html = response.content.decode()
    token = CSRF_IN_PAGE.search(html)
    nonce = get_nonce(request)
    if token is None or not nonce:
        return
    html = html.replace(token.group(1), CSRF_PLACEHOLDER).replace(str(nonce), NONCE_PLACEHOLDER)
    pieces = [
        piece if piece in (CSRF_PLACEHOLDER, NONCE_PLACEHOLDER) else piece.encode()
        for piece in PLACEHOLDERS.split(html)
    ]
    content_cache.set(_key(request), pieces, PAGE_SECONDS)


def cache_for_visitors(view):
    """Serve and keep whole pages for anonymous visitors (see the module docstring)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        cached = cached_page(request)
        if cached is not None:
            return cached
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        store_page(request, response)
        return response

    return wrapper

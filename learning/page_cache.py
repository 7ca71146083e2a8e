"""Pages kept rendered: whole, for visitors we know nothing about; as a skeleton with holes,
for learners.

A visitor with no account and no progress gets the same lesson page as any other but for
the CSRF token and the CSP nonce, so the page is stored once as encoded pieces split where
those two values go, and each request joins the pieces around its own (no search or
re-encoding of the whole page on a hit).

A learner's page differs from the next learner's in a few parts only: on a lesson page,
the test call to action (their strength and attempts) and the mode chooser (the modes they
visited). `page_with_holes` renders such a page once per process with a placeholder in
each of those parts (the holes), keeps the pieces, and fills each request's holes with
what the view rendered for this learner. The skeleton's key names everything else it was
rendered from; whatever a view cannot name that way goes in a hole.

Both live in the content cache (see content_cache), so a content change retires them all.
"""

import re
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe

from accounts.learners import current_learner_id
from core.csrf import masked_token
from courses import content_cache

from .preview import drafts_visible

PAGE_SECONDS = 3600
CSRF_PLACEHOLDER = "\x00csrf\x00"
NONCE_PLACEHOLDER = "\x00nonce\x00"
PLACEHOLDER = re.compile("(\x00[a-z0-9_]+\x00)")  # the token's, the nonce's and the holes'
# base.html puts the page's one CSRF token in the <body> for htmx; forms reuse the same one.
CSRF_IN_PAGE = re.compile(r'"X-CSRFToken": "([^"]+)"')

Pieces = list[str | bytes]  # encoded HTML, and placeholders (str) between


def _same_for_everyone(request: HttpRequest) -> bool:
    """A GET whose page depends on nothing but what a key can name: no pending messages,
    no drafts previewed (a cached draft would be public), no htmx partial."""
    return (
        not settings.DEBUG  # templates change under a developer's hands
        and request.method == "GET"
        and not request.htmx
        and not len(get_messages(request))
        and not drafts_visible(request)
    )


def is_cacheable(request: HttpRequest) -> bool:
    """A visitor with no account, no guest learner and no pending messages."""
    return (
        not request.user.is_authenticated
        and current_learner_id(request) is None
        and _same_for_everyone(request)
    )


def _split(request: HttpRequest, html: str) -> Pieces:
    """The page as pieces, with placeholders where this request's CSRF token and nonce
    were, and where holes were left."""
    if token := CSRF_IN_PAGE.search(html):
        html = html.replace(token.group(1), CSRF_PLACEHOLDER)
    if nonce := get_nonce(request):
        html = html.replace(str(nonce), NONCE_PLACEHOLDER)
    return _pieces(html)


def _pieces(html: str) -> Pieces:
    return [piece if PLACEHOLDER.fullmatch(piece) else piece.encode()
            for piece in PLACEHOLDER.split(html) if piece]  # fmt: skip


def _join(request: HttpRequest, pieces: Pieces, holes: dict[str, bytes], status: int = 200
          ) -> HttpResponse:  # fmt: skip
    """The page for this request: its own token and nonce, and its holes' HTML (in which
    the token placeholder a hole's form holds becomes the token)."""
    token = masked_token(request).encode()
    own = {CSRF_PLACEHOLDER: token, NONCE_PLACEHOLDER: str(get_nonce(request)).encode()}
    for placeholder, html in holes.items():
        own[placeholder] = html.replace(CSRF_PLACEHOLDER.encode(), token)
    return HttpResponse(b"".join(own[piece] if piece.__class__ is str else piece
                                 for piece in pieces), status=status)  # fmt: skip


def _key(request: HttpRequest) -> str:
    return content_cache.versioned_key("page", request.path)


def cached_page(request: HttpRequest) -> HttpResponse | None:
    """The cached page for this visitor, with their own CSRF token and nonce, or None."""
    if not is_cacheable(request):
        return None
    pieces = content_cache.get(_key(request))
    return None if pieces is None else _join(request, pieces, {})


def store_page(request: HttpRequest, response: HttpResponse) -> None:
    """Keep a freshly rendered page for the next visitor like this one."""
    if response.status_code != 200 or not is_cacheable(request):
        return
    html = response.content.decode()
    # A token this module cannot find would be served to every later visitor.
    if CSRF_IN_PAGE.search(html) and get_nonce(request):
        content_cache.set(_key(request), _split(request, html), PAGE_SECONDS)


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


def fragment_seconds() -> int:
    """How long `{% cache ... using="local" %}` keeps a template fragment: off under
    DEBUG, where templates change under a developer's hands."""
    return 0 if settings.DEBUG else 24 * 3600


def hole_html(template_name: str, context: dict) -> bytes:
    """A hole's HTML: a partial template rendered on its own, without context processors
    (a fraction of the cost), with a placeholder for the token its forms carry. Numbers
    print as Python prints them (`use_l10n=False`: the site is English only, with no
    thousands separator), without a trip through the locale's number formatting."""
    given = {"csrf_token": CSRF_PLACEHOLDER, "fragment_seconds": fragment_seconds()}
    context = Context({**context, **given}, use_l10n=False)
    return get_template(template_name).template.render(context).encode()


def _marker(name: str) -> str:
    """How a placeholder named `name` stands in the HTML, and among a page's pieces."""
    return f"\x00{name}\x00"


def placeholder(name: str) -> SafeString:
    """Where `hole_html_once` puts the value `fills[name]`: a context value that prints
    unchanged (no character a template escapes). `name`: lowercase letters, digits, _."""
    marked = _marker(name)
    if not PLACEHOLDER.fullmatch(marked):  # it would print, never to be found and filled
        raise ValueError(f"a placeholder's name is lowercase letters, digits and _: {name!r}")
    return mark_safe(marked)  # noqa: S308 - a constant of ours


def hole_html_once(template_name: str, context: Callable[[], dict], *, key: tuple,
                   fills: dict[str, str]) -> bytes:  # fmt: skip
    """`hole_html`, rendered once per content version for `key`, then filled: `context()`
    (called only when the skeleton is rendered) holds a `placeholder(name)` wherever this
    request's `fills[name]` (HTML, escaped by the caller) goes, and `key` must name
    everything else it depends on.

    For a card that is the same for many requests but for a few values: rendering a
    template costs some 30,000 instructions per variable, filling one a few hundred. The
    skeleton is kept in the shared cache as well as in the process: a question's cards
    come in two verdicts and several counts of confusions, and a fresh worker rendering
    each one for itself spent a large share of its first answers on them, though another
    worker had them already."""

    def skeleton() -> Pieces:
        pieces = _pieces(hole_html(template_name, context()).decode())
        found = {piece for piece in pieces if piece.__class__ is str} - {CSRF_PLACEHOLDER}
        if found != {_marker(name) for name in fills}:  # a value dropped or left out
            raise ImproperlyConfigured(f"{template_name}: placeholders {found!r}, fills {fills}")
        return pieces

    cache_key = content_cache.versioned_key("hole", template_name, *key)
    pieces = content_cache.get_or_compute(cache_key, skeleton, PAGE_SECONDS)
    own = {_marker(name): html.encode() for name, html in fills.items()}
    own[CSRF_PLACEHOLDER] = CSRF_PLACEHOLDER.encode()  # filled by `fragment` or the page
    return b"".join(own[piece] if piece.__class__ is str else piece for piece in pieces)


def fragment(request: HttpRequest, html: bytes, status: int = 200) -> HttpResponse:
    """A hole's HTML on its own, for an htmx swap, with this request's token in its forms
    (masked only if it has any)."""
    placeholder = CSRF_PLACEHOLDER.encode()
    if placeholder in html:
        html = html.replace(placeholder, masked_token(request).encode())
    return HttpResponse(html, status=status)


def page_with_holes(
    request: HttpRequest, template_name: str, context: dict, *, holes: dict[str, bytes],
    key: tuple, status: int = 200,
) -> HttpResponse:  # fmt: skip
    """The page `template_name` renders from `context` and `holes` (each hole's HTML,
    encoded), rendered once per process for each `key` with a placeholder in each hole,
    then filled for this request: its token, its nonce and its holes.

    `key` must name all that `context` depends on besides the content version and the
    visitor being signed in or staff (the site header). A request with messages or
    drafts to show gets a skeleton rendered for it alone."""

    def skeleton() -> Pieces:
        marked = {name: placeholder(name) for name in holes}  # refuses a name it can't find
        html = render_to_string(template_name, {**context, **marked}, request)
        # The token and nonce must be found, or this request's would be served to others.
        if not CSRF_IN_PAGE.search(html) or not get_nonce(request):
            raise ImproperlyConfigured(f"{template_name} lacks base.html's CSRF token or nonce")
        return _split(request, html)

    if _same_for_everyone(request):
        user = request.user
        cache_key = content_cache.versioned_key(
            "skeleton", template_name, *key, user.is_authenticated, user.is_staff
        )
        pieces = content_cache.get_or_compute(cache_key, skeleton, PAGE_SECONDS, shared=False)
    else:
        pieces = skeleton()
    filled = {_marker(name): html for name, html in holes.items()}
    return _join(request, pieces, filled, status)

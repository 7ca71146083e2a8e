"""Site-wide request rules: refuse NUL bytes, keep personal pages out of every cache,
answer a rate limit with a calm 429 page, and read htmx's headers without parsing all."""

from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django_htmx.http import reswap, retarget
from django_htmx.middleware import HtmxDetails
from django_htmx.middleware import HtmxMiddleware as DjangoHtmxMiddleware

from accounts.learners import current_learner_id
from accounts.limits import RateLimited

NUL = "\x00"
# Pages that show or change someone's own data whoever asks (the rest are private only
# for a visitor we know, see PrivatePagesMiddleware).
PRIVATE_NAMESPACES = {"accounts", "admin"}
PRIVATE_VIEWS = {"learning:dashboard", "learning:export", "learning:review"}


def calm_page(request: HttpRequest, page: str, fragment: str, status: int) -> HttpResponse:
    """An error page in the site's own look; for htmx, only its message, put in place of
    the page's main content (whatever the request targeted)."""
    htmx = bool(getattr(request, "htmx", False))
    response = HttpResponse(render_to_string(fragment if htmx else page, request=request),
                            status=status)  # fmt: skip
    if htmx:
        response = reswap(retarget(response, "#main"), "innerHTML")
    return response


def _has_nul(data) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


class RefuseNulBytesMiddleware:
    """400 for a NUL byte anywhere in the query string or form data. No field or filter
    here accepts one, and PostgreSQL refuses them in text (a 500 otherwise). It sits after
    the session, user and htmx middleware, which the page needs, and before any view or
    process_view (CSRF) reads the data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return calm_page(request, "400.html", "_bad_request.html", status=400)
        return self.get_response(request)


def _says_private_no_store(response: HttpResponse) -> bool:
    """The view said so already (`never_cache` does): no need to parse and write it again."""
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on pages showing personal data: the account
    pages, the dashboard, review and the export, and every page for a visitor who has an
    account or a guest learner (their progress is on it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not _says_private_no_store(response) and self._is_private(request):
            patch_cache_control(response, private=True, no_store=True)
        return response

    @staticmethod
    def _is_private(request: HttpRequest) -> bool:
        match = request.resolver_match
        if match and (match.namespace in PRIVATE_NAMESPACES or match.view_name in PRIVATE_VIEWS):
            return True
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return False  # no session, so no guest: the session is not even loaded
        return current_learner_id(request) is not None


class RateLimitedMiddleware:
    """Render `RateLimited` as 429: the whole page, or for htmx its main content only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, RateLimited):
            return None
        response = calm_page(request, "429.html", "_too_many_requests.html", status=429)
        response["Retry-After"] = str(exception.limit.window_seconds)
        return response


class HtmxDetailsFromMeta(HtmxDetails):
    """django-htmx's `request.htmx`, its headers read straight from `request.META`.
    django-htmx reads them through `request.headers`, which parses every header of the
    request into a new mapping on first use (15 µs of CPU, measured, on each answer), and
    nothing else on a learner's path needs that mapping."""

    def _get_header_value(self, name: str) -> str | None:
        meta = self.request.META
        key = "HTTP_" + name.upper().replace("-", "_")
        value = meta.get(key) or None
        if value and meta.get(f"{key}_URI_AUTOENCODED") == "true":
            value = unquote(value)
        return value


class HtmxMiddleware(DjangoHtmxMiddleware):
    """django-htmx's middleware, with HtmxDetailsFromMeta (a WSGI site: sync only)."""

    async_capable = False

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.htmx = HtmxDetailsFromMeta(request)
        return self.get_response(request)

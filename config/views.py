"""Site-wide views: health check, the bare benchmark view and the error pages."""

import sys

from django.conf import settings
from django.core.cache import caches
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django_htmx.http import reswap, retarget
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.never_cache import never_cache

# Errors that mean a backing service is unreachable, not that our code is wrong.
SERVICE_DOWN = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any driver error means "down" to a load balancer
        return f"database unavailable: {type(error).__name__}"
    return None


def _check_cache() -> str | None:
    """The shared cache: Redis, or the file cache every local process shares. Both of its
    stores: the content version's has its own connection pool, which may still be pausing
    after an outage (config.cache.FailFastConnectionPool) when the default's is back, and
    a page needs both."""
    for alias in ("default", "versions"):
        try:
            caches[alias].set("healthz", "ok", 10)
            if caches[alias].get("healthz") != "ok":
                return f"cache unavailable ({alias}): value not kept"
        except Exception as error:
            return f"cache unavailable ({alias}): {type(error).__name__}"
    return None


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the shared cache answer; 503 naming what is down."""
    checks = {"database": _check_database(), "cache": _check_cache()}
    problems = [problem for problem in checks.values() if problem]
    body = {
        "status": "unavailable" if problems else "ok",
        "database": "down" if checks["database"] else "ok",
        "cache": "down" if checks["cache"] else "ok",
        "cache_backend": "redis" if settings.REDIS_URL else "files",
    }
    if problems:
        body["reason"] = "; ".join(problems)
    return JsonResponse(body, status=503 if problems else 200)


def ping(request: HttpRequest) -> HttpResponse:
    """The bare view benchmarks compare against: the full middleware stack, no work."""
    return HttpResponse("pong", content_type="text/plain")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 when the database or cache is down. Rendered without the request, so
    no context processor can touch the broken service again."""
    if isinstance(sys.exception(), SERVICE_DOWN):
        if request.headers.get("HX-Request") == "true":  # only the message, where the page is
            page = render_to_string("_unavailable.html")
            response = reswap(retarget(HttpResponse(page, status=503), "#main"), "innerHTML")
        else:
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)

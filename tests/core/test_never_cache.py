"""core.never_cache writes exactly the headers Django's never_cache writes."""

from unittest import mock

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.views.decorators.cache import never_cache as djangos_never_cache

from core import never_cache as module
from core.never_cache import never_cache


def _headers(decorator, make_response, now):
    view = decorator(lambda request: make_response())
    with mock.patch("time.time", return_value=now):
        response = view(RequestFactory().get("/"))
    return {name: response.headers.get(name) for name in ("Cache-Control", "Expires")}


@pytest.mark.parametrize("now", [1_764_576_000.0, 1_764_576_000.999, 1_764_576_061.5])
@pytest.mark.parametrize(
    "make_response",
    [
        HttpResponse,
        lambda: HttpResponse(headers={"Cache-Control": "public, max-age=60"}),
        lambda: HttpResponse(headers={"Cache-Control": "no-transform"}),
        lambda: HttpResponse(headers={"Expires": "Thu, 01 Jan 1970 00:00:00 GMT"}),
    ],
    ids=["plain", "public", "no-transform", "expires"],
)
def test_headers_are_djangos(make_response, now, monkeypatch):
    monkeypatch.setattr(module, "_expires", (0, ""))
    ours = _headers(never_cache, make_response, now)
    assert ours == _headers(djangos_never_cache, make_response, now)
    assert "no-store" in ours["Cache-Control"]


def test_the_date_follows_the_clock(monkeypatch):
    monkeypatch.setattr(module, "_expires", (0, ""))
    first = _headers(never_cache, HttpResponse, 1_764_576_000.2)["Expires"]
    same = _headers(never_cache, HttpResponse, 1_764_576_000.9)["Expires"]
    later = _headers(never_cache, HttpResponse, 1_764_576_001.0)["Expires"]
    assert first == same == "Mon, 01 Dec 2025 08:00:00 GMT"
    assert later == "Mon, 01 Dec 2025 08:00:01 GMT"


def test_refuses_what_djangos_refuses():
    with pytest.raises(TypeError, match="HttpRequest"):
        never_cache(lambda request: HttpResponse())(object())

    async def view(request):
        return HttpResponse()

    with pytest.raises(TypeError, match="synchronous"):
        never_cache(view)

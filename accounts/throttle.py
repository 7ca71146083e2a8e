"""Login throttling shared through the cache, so every app server counts the same failures.

A key is the username and the client address together: one attacker cannot lock a learner
out from everywhere, and one address cannot try many passwords on one account.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
MESSAGE = "Too many failed sign-in attempts. Wait 15 minutes, then try again."


def client_address(request: HttpRequest) -> str:
    """The visitor's address. Behind our proxy (BEHIND_PROXY=1) it is the last entry of
    X-Forwarded-For, the one the proxy itself added; earlier entries can be forged."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.rsplit(",", 1)[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _key(request: HttpRequest, username: str) -> str:
    who = f"{username.strip().lower()[:150]}|{client_address(request)}"
    return "login-failures:" + hashlib.sha256(who.encode()).hexdigest()


def is_blocked(request: HttpRequest, username: str) -> bool:
    return (cache.get(_key(request, username)) or 0) >= MAX_FAILURES


def record_failure(request: HttpRequest, username: str) -> None:
    key = _key(request, username)
    cache.add(key, 0, WINDOW_SECONDS)  # starts the window at the first failure
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)


def clear(request: HttpRequest, username: str) -> None:
    cache.delete(_key(request, username))

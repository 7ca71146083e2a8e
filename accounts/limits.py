"""Rate limits counted in the shared cache, so every app server counts the same requests.

A limit is a fixed window: the first hit of a key starts it, and at most `max_hits` hits
are allowed until it ends. Counts are kept under a hash of the key, so neither an address
nor an email address is stored in the cache in the clear. The password throttle
(`throttle.py`) counts failures with the same windows.

Visitors are told apart by `client_address`: the peer's address, or the entry of
X-Forwarded-For that our own proxies added when settings.TRUSTED_PROXY_COUNT says how many
stand in front. Entries further left are written by the client and can be forged.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


class RateLimited(Exception):
    """Too many requests of one kind: the site answers 429 with a calm page."""

    def __init__(self, limit: "Limit"):
        super().__init__(limit.name)
        self.limit = limit


def client_address(request: HttpRequest) -> str:
    """The visitor's address. With N trusted proxies in front, each appends the address it
    saw to X-Forwarded-For, so the Nth entry from the right is the one the outermost proxy
    saw. With none (the default), or with fewer entries than proxies (a request that did
    not come through them), the header is ignored."""
    peer = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return peer
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    return forwarded[-proxies] if len(forwarded) >= proxies else peer


@dataclass(frozen=True)
class Limit:
    name: str
    max_hits: int
    window_seconds: int

    def _key(self, who: str) -> str:
        return f"limit:{self.name}:" + hashlib.sha256(who.encode()).hexdigest()

    def count(self, who: str) -> int:
        return cache.get(self._key(who)) or 0

    def exceeded(self, who: str) -> bool:
        return self.count(who) >= self.max_hits

    def record(self, who: str) -> int:
        """Count one hit and return the count in this window."""
        key = self._key(who)
        cache.add(key, 0, self.window_seconds)  # starts the window at the first hit
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, self.window_seconds)
            return 1

    def hit(self, who: str) -> bool:
        """Count one hit; False when it goes over the limit."""
        return self.record(who) <= self.max_hits

    def check(self, who: str) -> None:
        """Count one hit; raise RateLimited when it goes over the limit."""
        if not self.hit(who):
            raise RateLimited(self)

    def reset(self, who: str) -> None:
        cache.delete(self._key(who))


def _limit(name: str, max_hits: int, window_seconds: int) -> Limit:
    """A limit whose numbers settings.RATE_LIMITS may override: {name: (hits, seconds)}."""
    max_hits, window_seconds = settings.RATE_LIMITS.get(name, (max_hits, window_seconds))
    return Limit(name, max_hits, window_seconds)


# Chosen so that no real learner meets them (see the README); a classroom behind one
# address is the closest case, and it stays well under them.
def new_guests() -> Limit:
    """Guest learners created from one address (each anonymous write that starts one)."""
    return _limit("new-guests", 60, 10 * 60)


def signups() -> Limit:
    return _limit("signups", 20, 60 * 60)


def password_resets_from_address() -> Limit:
    return _limit("password-resets-address", 10, 60 * 60)


def password_resets_to_email() -> Limit:
    return _limit("password-resets-email", 3, 60 * 60)


def password_failures() -> Limit:
    return _limit("password-failures", 5, 15 * 60)

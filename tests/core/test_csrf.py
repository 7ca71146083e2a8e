from collections import Counter

from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    _get_new_csrf_string,
    _unmask_cipher_token,
)
from django.test import RequestFactory

from core.csrf import masked_token


def _request_with_secret(secret: str | None):
    request = RequestFactory().get("/")
    if secret is not None:
        request.META["CSRF_COOKIE"] = secret
    return request


def test_a_masked_token_unmasks_to_the_secret_and_renews_the_cookie():
    secret = _get_new_csrf_string()
    request = _request_with_secret(secret)
    first, second = masked_token(request), masked_token(request)
    assert first != second  # a new mask each time
    for token in (first, second):
        assert len(token) == 2 * CSRF_SECRET_LENGTH and set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == secret  # what Django's middleware checks
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_without_a_secret_django_makes_one():
    request = _request_with_secret(None)
    token = masked_token(request)
    assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_the_mask_is_uniform_over_the_allowed_characters():
    """A random byte taken modulo 62 without redrawing would favour the first eight
    characters by a quarter: 640,000 draws put each character within 5 % (five standard
    deviations) of its expected count only if none is favoured."""
    request = _request_with_secret(_get_new_csrf_string())
    counts = Counter("".join(masked_token(request)[:CSRF_SECRET_LENGTH] for _ in range(20_000)))
    expected = 20_000 * CSRF_SECRET_LENGTH / len(CSRF_ALLOWED_CHARS)
    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    assert all(abs(count - expected) < 0.05 * expected for count in counts.values())

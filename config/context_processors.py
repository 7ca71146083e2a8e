"""Values every template may use."""

from learning.page_cache import fragment_seconds


def fragments(request) -> dict:
    """`fragment_seconds`: how long `{% cache ... using="local" %}` keeps the parts of
    base.html that change only with a release."""
    return {"fragment_seconds": fragment_seconds()}

"""Values every template may use."""

from django.conf import settings


def fragments(request) -> dict:
    """`fragment_seconds`: how long `{% cache ... using="local" %}` keeps the parts of
    base.html that change only with a release. Off under DEBUG, where templates change
    under a developer's hands."""
    return {"fragment_seconds": 0 if settings.DEBUG else 24 * 3600}

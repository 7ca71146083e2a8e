"""Template filters for the challenge page."""

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def duration(value) -> str:
    """Seconds (or a timedelta) as a short, readable length: "2 min 30 s", "45 s"."""
    seconds = int(value.total_seconds() if isinstance(value, timedelta) else value or 0)
    minutes, seconds = divmod(max(seconds, 0), 60)
    if not minutes:
        return f"{seconds} s"
    return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"


@register.filter
def times(value, factor) -> int:
    """`value` multiplied by `factor` (a limit with extended time)."""
    return int(value or 0) * int(factor or 1)

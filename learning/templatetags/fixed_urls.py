"""`{% fixed_url "learning:review" %}`: the URL of a view that takes no arguments, reversed
once per process (and script prefix) instead of on every render. Each `{% url %}` costs
about 9 µs of reversing; a learner's own parts of a page, rendered for every request, use
this for links that never change."""

from functools import cache

from django import template
from django.urls import get_script_prefix, reverse

register = template.Library()


@cache
def _reversed(name: str, prefix: str) -> str:  # reverse() puts the prefix in every URL
    return reverse(name)


@register.simple_tag
def fixed_url(name: str) -> str:
    return _reversed(name, get_script_prefix())

"""The banner every learner page shows while staff preview drafts."""

from django import template

from ..preview import drafts_visible

register = template.Library()


@register.inclusion_tag("courses/_preview_banner.html", takes_context=True)
def preview_banner(context):
    request = context.get("request")
    return {
        "previewing": request is not None and drafts_visible(request),
        "path": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }

"""Download my data: the account page's export, which gathers rows from every layer."""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import Learner
from core.never_cache import never_cache

from ..exports import learner_data


@never_cache
@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """Download my data: every row we keep about this learner, as JSON."""
    learner = Learner.objects.filter(user=request.user).first()
    data = learner_data(learner) if learner else {"account": {"username": request.user.username}}
    body = json.dumps(data, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="patternwise-data-{stamp}.json"'
    return response

"""Find the learner behind a request: the signed-in user's, or the guest's in the session.

The session remembers `{"user": user id or None, "id": learner id}`, so most requests
know the learner without a query, and a guest's id left in a session is never mistaken
for the account's after a login. Reading never creates a row (GET never changes state);
`get_or_create_learner` is for views that write, such as starting a test; every
anonymous write creates its guest here, so this is where guests are rate-limited per
client address (a flood of cookie-less POSTs would otherwise make a learner each).
"""

from django.http import HttpRequest

from . import limits
from .models import Learner

SESSION_KEY = "learner"


def _remember(request: HttpRequest, learner: Learner) -> None:
    remembered = {"user": learner.user_id, "id": learner.pk}
    if request.session.get(SESSION_KEY) != remembered:  # unchanged: no session write
        request.session[SESSION_KEY] = remembered


def current_learner_id(request: HttpRequest) -> int | None:
    user_id = request.user.pk if request.user.is_authenticated else None
    remembered = request.session.get(SESSION_KEY)
    if isinstance(remembered, dict) and remembered.get("user") == user_id:
        return remembered.get("id")
    if user_id is None:
        return None
    learner = Learner.objects.filter(user_id=user_id).only("pk", "user_id").first()
    if learner is None:
        return None
    _remember(request, learner)
    return learner.pk


def remembered_guest_id(request: HttpRequest) -> int | None:
    """The guest learner this session was using before it signed in, if any."""
    remembered = request.session.get(SESSION_KEY)
    if isinstance(remembered, dict) and remembered.get("user") is None:
        return remembered.get("id")
    return None


def get_or_create_learner(request: HttpRequest) -> Learner:
    if request.user.is_authenticated:
        learner, _ = Learner.objects.get_or_create(user=request.user)
    else:
        learner_id = current_learner_id(request)
        learner = Learner.objects.filter(pk=learner_id, user=None).first() if learner_id else None
        if learner is None:
            limits.new_guests().check(limits.client_address(request))
            learner = Learner.objects.create()
    _remember(request, learner)
    return learner

"""Sign up, sign in (throttled), the account page, data export and account deletion.

Signing up or in moves the guest's progress from the session into the account.
"""

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import throttle
from .exports import learner_data
from .forms import DeleteAccountForm, SignupForm
from .learners import current_learner_id, get_or_create_learner
from .merging import merge_learners
from .models import Learner


def _adopt_guest(request: HttpRequest, guest_id: int | None) -> None:
    """After login: merge the guest learner the session had into the account's."""
    if guest_id is None:
        return
    guest = Learner.objects.filter(pk=guest_id, user=None).first()
    if guest is not None:
        merge_learners(guest=guest, into=get_or_create_learner(request))


class ThrottledLoginView(LoginView):
    """Django's login, refusing a username and address after 5 failures in 15 minutes.
    Messages never say whether the username exists."""

    template_name = "accounts/login.html"

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if throttle.is_blocked(request, username):
            # Bound without the password, so validating it never runs a password check.
            form = self.get_form_class()(request=request, data={"username": username})
            form.errors.clear()
            form.add_error(None, throttle.MESSAGE)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttle.record_failure(self.request, self.request.POST.get("username", ""))
        return super().form_invalid(form)

    def form_valid(self, form):
        guest_id = current_learner_id(self.request)  # the guest's, read before login
        response = super().form_valid(form)
        throttle.clear(self.request, form.get_user().get_username())
        _adopt_guest(self.request, guest_id)
        return response


def signup(request: HttpRequest) -> HttpResponse:
    """Create an account and keep everything done as a guest."""
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        guest_id = current_learner_id(request)
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        _adopt_guest(request, guest_id)
        messages.success(request, "Welcome! Your progress so far is saved in your account.")
        return redirect("progress:dashboard")
    return TemplateResponse(request, "accounts/signup.html", {"form": form})


@login_required
def account(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "accounts/account.html", {})


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


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    """Delete the account and everything in it, after the password is confirmed."""
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        user.delete()  # the learner, attempts, progress and cards go with it (CASCADE)
        messages.success(request, "Your account and all its data have been deleted.")
        return redirect("courses:catalogue")
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "accounts/delete.html", {"form": form}, status=status)

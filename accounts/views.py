"""Sign up, sign in (throttled), the account page, data export and account deletion.

Signing up or in moves the guest's progress from the session into the account: the
`learning` app does that when Django signals the login.
"""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from . import throttle
from .forms import DeleteAccountForm, SignupForm


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
        response = super().form_valid(form)
        throttle.clear(self.request, form.get_user().get_username())
        return response


def signup(request: HttpRequest) -> HttpResponse:
    """Create an account and keep everything done as a guest."""
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome! Your progress so far is saved in your account.")
        return redirect("learning:dashboard")
    return TemplateResponse(request, "accounts/signup.html", {"form": form})


@login_required
def account(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "accounts/account.html", {})


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    """Delete the account and everything in it, after the password is confirmed."""
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        user.delete()  # the learner, attempts, progress and cards go with it (CASCADE)
        messages.success(request, "Your account and all its data have been deleted.")
        return redirect("learning:catalogue")
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "accounts/delete.html", {"form": form}, status=status)

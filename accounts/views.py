"""Sign up, sign in (throttled), the account page, password pages and account deletion.

Signing up or in moves the guest's progress from the session into the account: the
`learning` app does that when Django signals the login. Every password check counts
against one throttle (`throttle.py`, applied to sign-in by the authentication backend);
sign-up and reset mails are rate-limited per address (`limits.py`).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordChangeView, PasswordResetView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from . import limits, tasks, throttle
from .forms import DeleteAccountForm, SignupForm, ThrottledPasswordChangeForm


class ThrottledLoginView(LoginView):
    """Django's login, refusing an identity and address after 5 failed password checks in
    15 minutes (the backend counts them). Messages never say whether the username exists."""

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


class ThrottledPasswordChangeView(PasswordChangeView):
    """Guesses of the old password spend the sign-in budget of the user and address."""

    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.is_throttled():
            response.status_code = 429
        return response


class QueuedPasswordResetView(PasswordResetView):
    """Enqueue the reset mail (see tasks.py) and answer the same whether or not an account
    uses the address. At most a few mails an hour go to one address, and one client
    address can ask only so often; past the first limit the answer is unchanged."""

    email_template_name = tasks.EMAIL_TEMPLATE
    subject_template_name = tasks.SUBJECT_TEMPLATE

    def post(self, request, *args, **kwargs):
        limits.password_resets_from_address().check(limits.client_address(request))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if limits.password_resets_to_email().hit(email.strip().casefold()):
            tasks.send_password_reset.enqueue(
                email=email, domain=self.request.get_host(), use_https=self.request.is_secure()
            )
        return HttpResponseRedirect(self.get_success_url())


def signup(request: HttpRequest) -> HttpResponse:
    """Create an account and keep everything done as a guest; one address can create only
    so many accounts an hour."""
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        address = limits.client_address(request)
        if limits.signups().exceeded(address):
            raise limits.RateLimited(limits.signups())
    if request.method == "POST" and form.is_valid():
        user = form.save()
        limits.signups().record(address)
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        messages.success(request, "Welcome! Your progress so far is saved in your account.")
        return redirect("learning:dashboard")
    return TemplateResponse(request, "accounts/signup.html", {"form": form})


@login_required
def account(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "accounts/account.html", {})


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    """Delete the account and everything in it, after the password is confirmed."""
    form = DeleteAccountForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        user.delete()  # the learner, attempts, progress and cards go with it (CASCADE)
        messages.success(request, "Your account and all its data have been deleted.")
        return redirect("learning:catalogue")
    status = (429 if form.is_throttled() else 400) if request.method == "POST" else 200
    return TemplateResponse(request, "accounts/delete.html", {"form": form}, status=status)

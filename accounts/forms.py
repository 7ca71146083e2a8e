"""Forms for accounts, and the base of every form a learner sends."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordChangeForm, UserCreationForm

from . import throttle


class LearnerForm(forms.Form):
    """A form in which every field arrives at most once, and every choice of a multiple
    choice at most once: a repeated key is refused, never silently resolved to its last
    value. Subclasses word the refusal for their learners in `repeated_error`."""

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            values = self.data.getlist(self.add_prefix(name))
            many = isinstance(field, forms.MultipleChoiceField)
            if len(values) != len(set(values)) if many else len(values) > 1:
                where, message = self.repeated_error(name, field, many)
                if where is None:
                    raise forms.ValidationError(message, code="repeated")
                self.add_error(where, forms.ValidationError(message, code="repeated"))
        return cleaned

    def repeated_error(self, name: str, field: forms.Field, many: bool) -> tuple[str | None, str]:
        """Where to show a repeated field's error (None: the whole form) and what to say."""
        return None, "Each field can be sent once."


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=False, help_text="Optional: only used to reset a forgotten password."
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]


class PasswordConfirmation:
    """For forms in which a signed-in user types their password again: the check spends
    the same budget as signing in (`throttle`), so a stolen session cannot guess it."""

    THROTTLED = "throttled"

    def confirm_password(self, request, password: str, wrong: forms.ValidationError) -> None:
        username = self.user.get_username()
        if throttle.is_blocked(request, username):
            raise forms.ValidationError(throttle.MESSAGE, code=self.THROTTLED)
        if not self.user.check_password(password):
            throttle.record_failure(request, username)
            raise wrong

    def is_throttled(self) -> bool:
        return any(
            error.code == self.THROTTLED for errors in self.errors.as_data().values()
            for error in errors
        )  # fmt: skip


class ThrottledPasswordChangeForm(PasswordConfirmation, PasswordChangeForm):
    def __init__(self, user, *args, request, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        password = self.cleaned_data["old_password"]
        wrong = forms.ValidationError(
            self.error_messages["password_incorrect"], code="password_incorrect"
        )
        self.confirm_password(self.request, password, wrong)
        return password


class DeleteAccountForm(PasswordConfirmation, forms.Form):
    """Deleting everything asks for the password: a stolen session is not enough."""

    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Type your password to confirm.",
    )

    def __init__(self, *args, user, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        wrong = forms.ValidationError("That password is not right.", code="wrong_password")
        self.confirm_password(self.request, password, wrong)
        return password

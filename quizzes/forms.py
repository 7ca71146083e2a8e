"""Validate a submitted answer. Anything odd is refused here, before a write: option ids
from another question, repeated keys, invisible characters, oversized text."""

import re

from django import forms
from django.core import signing

from .grading import MAX_TYPED_ANSWER

TOKEN_SALT = "quizzes.answer"  # noqa: S105 - a signing namespace, not a secret
# Zero-width and bidirectional control characters: invisible, and never in real output.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def answer_token(attempt_id: int, position: int) -> str:
    """The per-question sequence token carried by each answer form."""
    return signing.dumps([attempt_id, position], salt=TOKEN_SALT)


def position_from_token(token: str, attempt_id: int) -> int | None:
    """The position a token was issued for, or None if it was forged or is for another test."""
    try:
        token_attempt, position = signing.loads(token, salt=TOKEN_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if token_attempt != attempt_id or not isinstance(position, int):
        return None
    return position


class AnswerForm(forms.Form):
    """The answer to one question; the field it needs depends on the question's kind."""

    def __init__(self, data, *, question, options):
        super().__init__(data)
        self.question = question
        choices = [(option.pk, option.text) for option in options]
        if question.is_typed:
            self.fields["answer"] = forms.CharField(
                max_length=MAX_TYPED_ANSWER,
                strip=False,
                error_messages={"required": "Type what the code prints, then submit."},
            )
        elif question.kind == question.Kind.MULTIPLE:
            self.fields["choices"] = forms.TypedMultipleChoiceField(
                choices=choices,
                coerce=int,
                error_messages={"required": "Choose at least one option, then submit."},
            )
        else:
            self.fields["choice"] = forms.TypedChoiceField(
                choices=choices,
                coerce=int,
                error_messages={"required": "Choose an option, then submit."},
            )

    def clean(self):
        cleaned = super().clean()
        if "choice" in self.fields and len(self.data.getlist("choice")) > 1:
            raise forms.ValidationError("Send one choice for this question.", code="repeated")
        if "choices" in self.fields:
            values = self.data.getlist("choices")
            if len(values) != len(set(values)):
                raise forms.ValidationError("Each option can be chosen once.", code="repeated")
        if "answer" in self.fields and len(self.data.getlist("answer")) > 1:
            raise forms.ValidationError("Send one answer for this question.", code="repeated")
        answer = cleaned.get("answer", "")
        if INVISIBLE.search(answer):
            self.add_error(
                "answer",
                forms.ValidationError(
                    "Your answer contains invisible characters (zero-width or direction "
                    "marks). Type it again by hand.",
                    code="invisible",
                ),
            )
        return cleaned

    @property
    def field_name(self) -> str:
        return next(name for name in ("answer", "choices", "choice") if name in self.fields)

    @property
    def field_errors(self):
        return self.errors.get(self.field_name, []) if self.is_bound else []

    @property
    def selected(self) -> list[int]:
        if "choice" in self.cleaned_data:
            return [self.cleaned_data["choice"]]
        return list(self.cleaned_data.get("choices", []))

    @property
    def typed(self) -> str:
        return self.cleaned_data.get("answer", "")


class PracticeStepForm(forms.Form):
    """Which practice question a POST is about, and which button was pressed. The answer
    itself is checked by AnswerForm."""

    ACTIONS = [("answer", "Check answer"), ("hint", "Show a hint"), ("reveal", "Show the solution")]

    question = forms.TypedChoiceField(coerce=int)
    # Enter in a text box submits without a button's value: that is "Check answer".
    action = forms.ChoiceField(choices=ACTIONS, required=False)
    hint = forms.BooleanField(required=False)  # the hint is already on screen: keep it there

    def __init__(self, data, *, question_ids: list[int]):
        super().__init__(data)
        self.fields["question"].choices = [(pk, pk) for pk in question_ids]
        self.fields["question"].error_messages["invalid_choice"] = (
            "That question is not in this lesson’s practice set."
        )

    def clean(self):
        cleaned = super().clean()
        for name in ("question", "action", "hint"):
            if len(self.data.getlist(name)) > 1:
                raise forms.ValidationError("Each field can be sent once.", code="repeated")
        cleaned["action"] = cleaned.get("action") or "answer"
        return cleaned


class ChallengeStepForm(forms.Form):
    """A challenge POST: the action, and where the page was when the form was drawn — the
    run, the problem number and the run's step (its sequence token)."""

    ACTIONS = [
        ("start_run", "Start the challenge"),
        ("restart", "Restart the run"),
        ("start", "Start problem"),
        ("answer", "Submit answer"),
        ("hint", "Show a hint"),
        ("give_up", "Show the solution"),
        ("extend", "I need extended time"),
    ]
    NEEDS_RUN = {"restart", "start", "answer", "hint", "give_up", "extend"}
    NEEDS_PROBLEM = {"start", "answer", "hint", "give_up"}

    action = forms.ChoiceField(choices=ACTIONS)
    run = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    number = forms.IntegerField(required=False, min_value=1, max_value=100)
    step = forms.IntegerField(required=False, min_value=0, max_value=2**31)
    extended = forms.BooleanField(required=False)

    def clean(self):
        cleaned = super().clean()
        for name in self.fields:
            if len(self.data.getlist(name)) > 1:
                raise forms.ValidationError("Each field can be sent once.", code="repeated")
        action = cleaned.get("action")
        needed = []
        if action in self.NEEDS_RUN:
            needed.append("run")
        if action in self.NEEDS_PROBLEM:
            needed += ["number", "step"]
        if any(cleaned.get(name) is None for name in needed):
            raise forms.ValidationError(
                "This form is incomplete. Reload the page and try again.", code="incomplete"
            )
        return cleaned

"""Every form a learner answers with, validated before anything is graded or written.

One family: `answer_field` builds the field for any question kind (typed code output, one
choice, several choices), shared by the test, practice, challenge and the diagram quiz;
`LearnerForm` refuses repeated keys in all of them. Option ids from another question,
values not on offer, non-integers, invisible characters and oversized text are refused
here with a message a person can act on; the views answer 400 and write nothing.
"""

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core import signing

from accounts.forms import LearnerForm

from .diagram_quiz import Answer
from .grading import MAX_TYPED_ANSWER
from .matching import MIN_PAIRS, letter, plain_text
from .question_cache import Draw

TOKEN_SALT = "quizzes.answer"  # noqa: S105 - a signing namespace, not a secret
# Zero-width and bidirectional control characters: invisible, and never in real output.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def answer_token(draw: Draw, position: int) -> str:
    """The token each test answer form carries, signed: the position it was drawn for, and
    the attempt's draw (whose it is, which question sits where), so grading the answer needs
    no lookup of the draw. A draw never changes once made (quizzes.question_cache)."""
    fields = [draw.attempt_id, position, draw.learner_id, draw.lesson_id, draw.seed, draw.slots]
    return signing.dumps(fields, salt=TOKEN_SALT)


@dataclass(frozen=True)
class Signed:
    """What a token vouches for: the draw of its attempt, and a position in it."""

    draw: Draw
    position: int


def signed_position(token: str, attempt_id: int) -> Signed | None:
    """The draw and position a token was issued for, or None if it was forged, is for
    another test or names a position outside it."""
    try:
        token_attempt, position, learner_id, lesson_id, seed, slots = signing.loads(
            token, salt=TOKEN_SALT
        )
        draw = Draw(token_attempt, learner_id, lesson_id, seed, tuple(map(tuple, slots)))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if token_attempt != attempt_id or not isinstance(position, int):
        return None
    return Signed(draw, position) if 0 <= position < draw.question_count else None


class TypedAnswerField(forms.CharField):
    """What the learner says the code prints: kept exactly as typed, within a size limit,
    and refused if it hides invisible characters."""

    def __init__(self, *, invisible_message: str, **kwargs):
        super().__init__(max_length=MAX_TYPED_ANSWER, strip=False, **kwargs)
        self.invisible_message = invisible_message

    def validate(self, value):
        super().validate(value)
        if INVISIBLE.search(value):
            raise forms.ValidationError(self.invisible_message, code="invisible")


# What each refusal says: (with the question's number, on its own).
MESSAGES = {
    "typed": ("type what the code prints.", "Type what the code prints, then submit."),
    "long": ("that answer is too long.", None),  # None: Django's own, which says how long
    "invisible": (
        "your answer contains invisible characters (zero-width or direction marks). "
        "Type it again by hand.",
        "Your answer contains invisible characters (zero-width or direction marks). "
        "Type it again by hand.",
    ),
    "several": ("choose at least one option.", "Choose at least one option, then submit."),
    "one": ("choose an answer.", "Choose an option, then submit."),
    "invalid": ("choose one of the options shown.", None),
}


def _say(what: str, number: int | None) -> str | None:
    numbered, alone = MESSAGES[what]
    return f"Question {number}: {numbered}" if number else alone


def _messages(number: int | None, **which: str) -> dict[str, str]:
    """Error messages for a field: {error code: what to say}, leaving Django's own where
    we have nothing better."""
    said = {code: _say(what, number) for code, what in which.items()}
    return {code: message for code, message in said.items() if message}


def answer_field(question, options, number: int | None = None) -> forms.Field:
    """The field that answers `question` with `options` offered. With a `number`, the
    messages name the question (a form that asks several at once)."""
    if question.is_typed:
        return TypedAnswerField(
            invisible_message=_say("invisible", number),
            error_messages=_messages(number, required="typed", max_length="long"),
        )
    choices = [(option.pk, option.text) for option in options]
    if question.kind == question.Kind.MULTIPLE:
        return forms.TypedMultipleChoiceField(
            choices=choices, coerce=int,
            error_messages=_messages(number, required="several", invalid_choice="invalid",
                                     invalid_list="invalid"),
        )  # fmt: skip
    return forms.TypedChoiceField(
        choices=choices, coerce=int,
        error_messages=_messages(number, required="one", invalid_choice="invalid"),
    )  # fmt: skip


def answer_of(field: forms.Field, value) -> Answer:
    """A cleaned answer field's value as an Answer."""
    if isinstance(field, forms.MultipleChoiceField):
        return Answer(selected=list(value))
    if isinstance(value, int):
        return Answer(selected=[value])
    return Answer(typed=value)


class AnswerForm(LearnerForm):
    """The answer to one question (practice, challenge): field `answer` (typed), `choices`
    (several) or `choice` (one), by the question's kind."""

    def __init__(self, data, *, question, options):
        super().__init__(data)
        self.question = question
        if question is not None:
            name = "answer" if question.is_typed else (
                "choices" if question.kind == question.Kind.MULTIPLE else "choice")  # fmt: skip
            self.fields[name] = answer_field(question, options)

    def repeated_error(self, name, field, many):
        if many:
            return None, "Each option can be chosen once."
        return None, "Send one answer for this question." if name == "answer" else (
            "Send one choice for this question.")  # fmt: skip

    @property
    def field_name(self) -> str:
        return next(name for name in ("answer", "choices", "choice") if name in self.fields)

    @property
    def field_errors(self):
        return self.errors.get(self.field_name, []) if self.is_bound else []

    @property
    def selected(self) -> list[int]:
        return answer_of(
            self.fields[self.field_name], self.cleaned_data.get(self.field_name, "")
        ).selected

    @property
    def typed(self) -> str:
        return self.cleaned_data.get("answer", "")


class TestAnswerForm(AnswerForm):
    """An answer in the graded test, to the question at `position`, the one its signed
    token names (`signed_position`); None (a forged token, or one for another test or a
    position outside it) makes the form `expired`, and it offers no answer field at all."""

    __test__ = False  # not a pytest test class, whatever its name

    def __init__(self, data, *, position: int | None, question_at):
        self.position = position
        question, options = question_at(position) if position is not None else (None, [])
        super().__init__(data, question=question, options=options)
        self.options = options

    @property
    def expired(self) -> bool:
        return self.position is None


@dataclass
class QuizRow:
    number: int
    question: Any
    field: forms.BoundField
    options: list[tuple[Any, bool]]  # (option, checked)
    typed: str


class DiagramQuizForm(LearnerForm):
    """Every question of the diagram quiz at once: field `question-<n>` answers question n."""

    def __init__(self, data=None, *, questions: list):
        super().__init__(data)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            self.fields[f"question-{number}"] = answer_field(
                question, question.options.all(), number
            )

    def clean(self):
        if not self.questions:
            raise forms.ValidationError("This lesson has no diagram quiz to answer.", code="empty")
        return super().clean()

    def repeated_error(self, name, field, many):
        number = name.removeprefix("question-")
        if many:
            return name, f"Question {number}: each option can be chosen once."
        return name, f"Question {number}: send one answer."

    @property
    def answers(self) -> list[Answer]:
        """One answer per question, in order (valid forms only)."""
        return [answer_of(field, self.cleaned_data[name]) for name, field in self.fields.items()]

    def rows(self) -> list[QuizRow]:
        """Each question with its field and options, marking what the learner had chosen
        when the form comes back with an error."""
        rows = []
        for number, question in enumerate(self.questions, start=1):
            field = self[f"question-{number}"]
            submitted = set(self.data.getlist(field.html_name)) if self.is_bound else set()
            options = [(option, str(option.pk) in submitted) for option in question.options.all()]
            typed = next(iter(submitted), "") if question.is_typed else ""
            rows.append(QuizRow(number, question, field, options, typed))
        return rows


class ComponentForm(LearnerForm):
    """Which part of the diagram to explain (`?component=<concept key>`)."""

    component = forms.ChoiceField(
        required=False,
        error_messages={
            "invalid_choice": "That part is not in this lesson’s diagram. Choose one of its boxes."
        },
    )

    def __init__(self, data, *, keys: list[str]):
        super().__init__(data)
        self.fields["component"].choices = [("", "")] + [(key, key) for key in keys]

    def repeated_error(self, name, field, many):
        return None, "Choose one part of the diagram at a time."

    @property
    def message(self) -> str:
        """Every error in one line, for the panel's alert."""
        return " ".join(error for errors in self.errors.values() for error in errors)


class MatchingForm(LearnerForm):
    """One <select> per concept, in authored order; each offers the counterparts by their
    position in the shuffled order (A, B, C…), so the page never pairs them itself."""

    def __init__(self, data=None, *, concepts: list, offered: list):
        super().__init__(data)
        self.concepts = concepts
        choices = [("", "Choose its counterpart…")] + [
            (position, f"{letter(position)}. {plain_text(item.text_html)}")
            for position, item in enumerate(offered, start=1)
        ]
        for number, concept in enumerate(concepts, start=1):
            self.fields[f"match-{number}"] = forms.TypedChoiceField(
                label=concept.label,
                choices=choices,
                coerce=int,
                widget=forms.Select(attrs={"class": "match-select"}),
                error_messages={
                    "required": f"Choose a counterpart for “{concept.label}”.",
                    "invalid_choice": f"“{concept.label}”: choose one of the counterparts shown.",
                },
            )

    def clean(self):
        cleaned = super().clean()
        if len(self.concepts) < MIN_PAIRS:
            raise forms.ValidationError("This analogy has too few pairs to match.", code="empty")
        return cleaned

    def repeated_error(self, name, field, many):
        return name, f"“{field.label}”: send one counterpart."

    @property
    def picks(self) -> list[int]:
        return [self.cleaned_data[name] for name in self.fields]


class PracticeStepForm(LearnerForm):
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
        cleaned["action"] = cleaned.get("action") or "answer"
        return cleaned


class ChallengeStepForm(LearnerForm):
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

"""Learner input on the mode pages, validated before anything is graded or written.

Option ids from another question, values that are not on offer, non-integers and repeated
keys are all refused here with a message a person can act on; the views answer 400.
"""

from dataclasses import dataclass
from typing import Any

from django import forms

from .diagram_quiz import Answer
from .forms import INVISIBLE
from .grading import MAX_TYPED_ANSWER
from .matching import MIN_PAIRS, letter, plain_text


@dataclass
class QuizRow:
    number: int
    question: Any
    field: forms.BoundField
    options: list[tuple[Any, bool]]  # (option, checked)
    typed: str


class ComponentForm(forms.Form):
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

    def clean(self):
        cleaned = super().clean()
        if len(self.data.getlist("component")) > 1:
            raise forms.ValidationError(
                "Choose one part of the diagram at a time.", code="repeated"
            )
        return cleaned

    @property
    def message(self) -> str:
        """Every error in one line, for the panel's alert."""
        return " ".join(error for errors in self.errors.values() for error in errors)


def _quiz_field(question, number: int) -> forms.Field:
    choices = [(option.pk, option.text) for option in question.options.all()]
    invalid = f"Question {number}: choose one of the options shown."
    if question.is_typed:
        return forms.CharField(
            max_length=MAX_TYPED_ANSWER,
            strip=False,
            error_messages={
                "required": f"Question {number}: type what the code prints.",
                "max_length": f"Question {number}: that answer is too long.",
            },
        )
    if question.kind == question.Kind.MULTIPLE:
        return forms.TypedMultipleChoiceField(
            choices=choices,
            coerce=int,
            error_messages={
                "required": f"Question {number}: choose at least one option.",
                "invalid_choice": invalid,
                "invalid_list": invalid,
            },
        )
    return forms.TypedChoiceField(
        choices=choices,
        coerce=int,
        error_messages={"required": f"Question {number}: choose an answer.",
                        "invalid_choice": invalid},
    )  # fmt: skip


class DiagramQuizForm(forms.Form):
    """Every question of the diagram quiz at once: field `question-<n>` answers question n."""

    def __init__(self, data=None, *, questions: list):
        super().__init__(data)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            self.fields[f"question-{number}"] = _quiz_field(question, number)

    def clean(self):
        cleaned = super().clean()
        if not self.questions:
            raise forms.ValidationError("This lesson has no diagram quiz to answer.", code="empty")
        for number, (name, field) in enumerate(self.fields.items(), start=1):
            values = self.data.getlist(name)
            if isinstance(field, forms.MultipleChoiceField):
                if len(values) != len(set(values)):
                    self.add_error(name, f"Question {number}: each option can be chosen once.")
            elif len(values) > 1:
                self.add_error(name, f"Question {number}: send one answer.")
            elif isinstance(cleaned.get(name), str) and INVISIBLE.search(cleaned[name]):
                self.add_error(
                    name,
                    f"Question {number}: your answer contains invisible characters "
                    "(zero-width or direction marks). Type it again by hand.",
                )
        return cleaned

    @property
    def answers(self) -> list[Answer]:
        """One answer per question, in order (valid forms only)."""
        answers = []
        for name, field in self.fields.items():
            value = self.cleaned_data[name]
            if isinstance(field, forms.MultipleChoiceField):
                answers.append(Answer(selected=list(value)))
            elif isinstance(value, int):
                answers.append(Answer(selected=[value]))
            else:
                answers.append(Answer(typed=value))
        return answers

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


class MatchingForm(forms.Form):
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
        for name, field in self.fields.items():
            if len(self.data.getlist(name)) > 1:
                self.add_error(name, f"“{field.label}”: send one counterpart.")
        return cleaned

    @property
    def picks(self) -> list[int]:
        return [self.cleaned_data[name] for name in self.fields]

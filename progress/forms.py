from django import forms

from .scheduling import RATING_LABELS


class RatingForm(forms.Form):
    """How well the learner remembered a card: Again, Hard, Good or Easy."""

    rating = forms.ChoiceField(
        choices=RATING_LABELS,
        error_messages={"required": "Choose how well you remembered it.",
                        "invalid_choice": "Choose Again, Hard, Good or Easy."},
    )  # fmt: skip
    card = forms.CharField(max_length=60, error_messages={"required": "Which card?"})

    def clean(self):
        cleaned = super().clean()
        for name in ("rating", "card"):
            if len(self.data.getlist(name)) > 1:
                raise forms.ValidationError("Send one rating for one card.", code="repeated")
        return cleaned

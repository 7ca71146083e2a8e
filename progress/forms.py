from django import forms

from accounts.forms import LearnerForm

from .scheduling import RATING_LABELS


class RatingForm(LearnerForm):
    """How well the learner remembered a card: Again, Hard, Good or Easy."""

    rating = forms.ChoiceField(
        choices=RATING_LABELS,
        error_messages={"required": "Choose how well you remembered it.",
                        "invalid_choice": "Choose Again, Hard, Good or Easy."},
    )  # fmt: skip
    card = forms.CharField(max_length=60, error_messages={"required": "Which card?"})

    def repeated_error(self, name, field, many):
        return None, "Send one rating for one card."

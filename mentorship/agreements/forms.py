from __future__ import annotations

from django import forms

from mentorship.agreements.models import QUESTIONS, ReviewAnswer
from mentorship.agreements.services import TEXT_MAX_LENGTH, AgreementText
from mentorship.core.forms import LongTextField
from mentorship.core.text_limits import too_long_message


class WriteForm(forms.Form):
    """The line manager's side."""

    success = LongTextField(
        label=QUESTIONS[0][1],
        max_length=TEXT_MAX_LENGTH,
        rows=3,
        error_messages={"max_length": too_long_message("This answer")},
    )
    decisions = LongTextField(
        label=QUESTIONS[1][1],
        max_length=TEXT_MAX_LENGTH,
        rows=3,
        error_messages={"max_length": too_long_message("This answer")},
    )
    handoffs = LongTextField(
        label=QUESTIONS[2][1],
        max_length=TEXT_MAX_LENGTH,
        rows=3,
        error_messages={"max_length": too_long_message("This answer")},
    )
    handoffs_by = forms.DateField(
        label="Handed off by",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional: the day the handing off should be done.",
    )

    def text(self) -> AgreementText:
        data = self.cleaned_data
        return AgreementText(
            success=data["success"],
            decisions=data["decisions"],
            handoffs=data["handoffs"],
            handoffs_by=data["handoffs_by"],
        )


class ReviewForm(forms.Form):
    review_success = forms.ChoiceField(
        label=QUESTIONS[0][1], choices=ReviewAnswer.choices, widget=forms.RadioSelect
    )
    review_decisions = forms.ChoiceField(
        label=QUESTIONS[1][1], choices=ReviewAnswer.choices, widget=forms.RadioSelect
    )
    review_handoffs = forms.ChoiceField(
        label=QUESTIONS[2][1], choices=ReviewAnswer.choices, widget=forms.RadioSelect
    )


class ShareForm(forms.Form):
    shared_with_mentor = forms.BooleanField(required=False)

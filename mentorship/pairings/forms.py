from __future__ import annotations

from django import forms

from mentorship.core.forms import LongTextField
from mentorship.core.text_limits import too_long_message
from mentorship.pairings.models import PairingOutcome
from mentorship.pairings.services.lifecycle import FEEDBACK_COMMENT_MAX_LENGTH
from mentorship.pairings.services.milestones import NOTE_MAX_LENGTH as MILESTONE_NOTE_MAX_LENGTH


class MilestoneNoteForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=MILESTONE_NOTE_MAX_LENGTH,
        error_messages={"max_length": too_long_message("The note")},
    )

    def problems(self) -> str:
        return " ".join(str(error) for errors in self.errors.values() for error in errors)


# What the pairing page's lifecycle panel can do; the view says what happened.
MANAGE_ACTIONS = (
    "request_pause",
    "request_end",
    "approve_request",
    "decline_request",
    "pause",
    "resume",
    "complete",
    "end",
    "outcome",
)


class ManageForm(forms.Form):
    action = forms.ChoiceField(choices=[(name, name) for name in MANAGE_ACTIONS])
    reason = forms.CharField(
        required=False,
        max_length=500,
        error_messages={"max_length": too_long_message("The reason")},
    )
    note = forms.CharField(
        required=False, max_length=500, error_messages={"max_length": too_long_message("The note")}
    )
    outcome = forms.ChoiceField(required=False, choices=[("", ""), *PairingOutcome.choices])
    change_request = forms.IntegerField(required=False, min_value=1)


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How was the pairing?",
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text="1 did not help · 5 helped a great deal",
    )
    comment = LongTextField(
        label="Anything the program should know? (optional)",
        required=False,
        max_length=FEEDBACK_COMMENT_MAX_LENGTH,
        error_messages={"max_length": too_long_message("Your comment")},
        rows=4,
    )


class ApproveForm(forms.Form):
    starts_on = forms.DateField(
        required=False,
        label="First day",
        help_text="Leave empty for the earliest: today, or the program's first day.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ProposalActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("approve", "Approve"), ("decline", "Decline"), ("replace", "Replace")]
    )
    reason = forms.CharField(required=False, max_length=500, label="Why decline?")
    mentor = forms.IntegerField(required=False, min_value=1)
    starts_on = ApproveForm.base_fields["starts_on"]


class RematchForm(forms.Form):
    reason = LongTextField(
        max_length=500,
        label="Why does this pairing end?",
        help_text="Kept on the pairing's record; the program's admins read it, the pair do not.",
        rows=2,
    )

"""The conversation with one's own manager, written down.

Early in the pairing the mentee's line manager writes what success looks
like at 90 days, which decisions are now the mentee's, and what individual
work the mentee hands off (and by when); the mentee confirms it. Near day 90
the same three come back for a short review: done, partly, not yet.

It is the mentee's and their line manager's: the mentor reads it when the
mentee shares it; HR and program admins see only that it was agreed and
reviewed, and when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mentorship.core.models import TimeStampedModel


class ReviewAnswer(models.TextChoices):
    DONE = "done", "Done"
    PARTLY = "partly", "Partly"
    NOT_YET = "not_yet", "Not yet"


# The three questions, in the order shown: (field, question, review field).
QUESTIONS = (
    ("success", "What does success look like at 90 days?", "review_success"),
    ("decisions", "Which decisions are now theirs to make?", "review_decisions"),
    ("handoffs", "What individual work do they hand off, and to whom?", "review_handoffs"),
)


class ManagerAgreement(TimeStampedModel):
    pairing = models.OneToOneField(
        "pairings.Pairing", on_delete=models.CASCADE, related_name="agreement"
    )
    # The mentee's manager when it was asked for; kept if the reporting line
    # changes later (a new manager starts a new conversation, not this one).
    line_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    success = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    handoffs = models.TextField(blank=True)
    handoffs_by = models.DateField(null=True, blank=True)
    written_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    shared_with_mentor = models.BooleanField(default=False)
    review_success = models.CharField(max_length=8, choices=ReviewAnswer.choices, blank=True)
    review_decisions = models.CharField(max_length=8, choices=ReviewAnswer.choices, blank=True)
    review_handoffs = models.CharField(max_length=8, choices=ReviewAnswer.choices, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confirmed_at__isnull=True) | models.Q(written_at__isnull=False),
                name="agreement_confirmed_after_written",
            ),
            models.CheckConstraint(
                condition=models.Q(reviewed_at__isnull=True) | models.Q(confirmed_at__isnull=False),
                name="agreement_reviewed_after_confirmed",
            ),
        ]

    def __str__(self) -> str:
        # Never the text: this string may show in the audit trail.
        return f"Agreement for pairing {self.pairing_id}"

    @property
    def status(self) -> str:
        if self.reviewed_at:
            return "reviewed"
        if self.confirmed_at:
            return "agreed"
        if self.written_at:
            return "to_confirm"
        return "asked"

    def answers(self) -> list[tuple[str, str, str, str]]:
        """(field, question, text, review answer label) in order."""
        return [
            (
                name,
                question,
                getattr(self, name),
                getattr(self, f"get_{review}_display")() if getattr(self, review) else "",
            )
            for name, question, review in QUESTIONS
        ]

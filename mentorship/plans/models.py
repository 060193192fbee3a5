"""Onboarding plans: reusable, versioned templates of steps.

A plan is copied onto each pairing as milestones when the pairing starts, so
editing a plan never rewrites a journey already under way. Editing a plan that
a program uses creates a new version (same ``lineage``, next ``version``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from mentorship.core.models import TimeStampedModel


class OnboardingPlan(TimeStampedModel):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Every version of one plan shares a lineage; the newest is the one to use.
    lineage = models.UUIDField(default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField(default=1)
    is_archived = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["lineage", "version"], name="plan_version_unique"),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="plan_version_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class StepOwner(models.TextChoices):
    MENTEE = "mentee", "Mentee"
    MENTOR = "mentor", "Mentor"
    BOTH = "both", "Both"


class StepKind(models.TextChoices):
    KICKOFF = "kickoff", "Kickoff"
    MILESTONE = "milestone", "Milestone"
    ASSESSMENT = "assessment", "Self-assessment"
    # Opens a round of feedback from the mentee's own reports (upward/).
    UPWARD = "upward", "Upward feedback round"
    # The line manager and the mentee agree on success at 90 days
    # (agreements/), and review it near the end.
    AGREEMENT = "agreement", "Agreement with your manager"
    AGREEMENT_REVIEW = "agree_review", "Review of the agreement with your manager"
    WRAP_UP = "wrap_up", "Wrap-up"


# Steps that complete themselves: an upward feedback step when its round
# opens, the agreement when the mentee confirms it, its review when either
# side records it. Nobody marks them done by hand (they may be skipped).
SELF_COMPLETING_STEPS = (StepKind.UPWARD, StepKind.AGREEMENT, StepKind.AGREEMENT_REVIEW)


class StepAnchor(models.TextChoices):
    PAIRING_START = "pairing_start", "Pairing start"
    PROMOTION_DATE = "promotion_date", "Date the mentee became a manager"


class PlanStep(models.Model):
    plan = models.ForeignKey(OnboardingPlan, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Guidance shown with the milestone.")
    competency = models.ForeignKey(
        "people.Competency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner = models.CharField(max_length=10, choices=StepOwner.choices, default=StepOwner.MENTEE)
    kind = models.CharField(max_length=12, choices=StepKind.choices, default=StepKind.MILESTONE)
    offset_days = models.PositiveIntegerField(help_text="Days after the anchor date.")
    anchor = models.CharField(
        max_length=16, choices=StepAnchor.choices, default=StepAnchor.PAIRING_START
    )

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="planstep_position_unique"),
            models.CheckConstraint(condition=~models.Q(title=""), name="planstep_title_not_empty"),
            models.CheckConstraint(
                condition=models.Q(owner__in=StepOwner.values), name="planstep_owner_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=StepKind.values), name="planstep_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(anchor__in=StepAnchor.values), name="planstep_anchor_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

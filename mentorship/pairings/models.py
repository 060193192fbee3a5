from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from mentorship.core.models import TimeStampedModel
from mentorship.plans.models import StepKind, StepOwner


class PairingStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    ENDED = "ended", "Ended early"
    DECLINED = "declined", "Declined"


# What each status means, in one place: the querysets and properties below
# are how the rest of Scaffold asks (``Pairing.objects.live()``,
# ``pairing.is_live``); related lookups use the constants
# (``pairing__status__in=LIVE_PAIRING_STATUSES``).
#
# A pairing in one of these states holds a mentee and a mentor slot.
OPEN_PAIRING_STATUSES = (PairingStatus.PROPOSED, PairingStatus.ACTIVE, PairingStatus.PAUSED)
# The pair is working together and may log check-ins.
LIVE_PAIRING_STATUSES = (PairingStatus.ACTIVE, PairingStatus.PAUSED)
# Over: run its course, or ended early.
CLOSED_PAIRING_STATUSES = (PairingStatus.COMPLETED, PairingStatus.ENDED)
# A mentee with a pairing in one of these states has had their mentor in this
# program: matching and recommendations leave them be.
PAIRED_STATUSES = (*OPEN_PAIRING_STATUSES, *CLOSED_PAIRING_STATUSES)
# Approved once: the pair (and the mentee's line manager) see it. Proposals
# stay with the program's admins until then.
VISIBLE_TO_PARTICIPANTS = (*LIVE_PAIRING_STATUSES, *CLOSED_PAIRING_STATUSES)
# What a new matching run writes on the proposals it replaces.
REPLACED_BY_MATCHING = "Replaced by a new matching run."


class PairingSource(models.TextChoices):
    MATCHING = "matching", "Proposed by matching"
    REQUEST = "request", "Requested by the mentee"
    MANUAL = "manual", "Set up by a program admin"


class PairingOutcome(models.TextChoices):
    # Stepping back to the individual-contributor track can be the right
    # answer; the program records it without judgement and learns from it.
    STILL_MANAGING = "still_managing", "Still managing"
    IC_TRACK = "ic_track", "Chose the individual-contributor track"
    LEFT = "left", "Left the company"
    OTHER = "other", "Other"


# The state machine: which status may follow which. Services move a pairing
# only along these arrows (``pairings.services.lifecycle._transition``).
PAIRING_TRANSITIONS: dict[str, set[str]] = {
    PairingStatus.PROPOSED: {PairingStatus.ACTIVE, PairingStatus.DECLINED},
    PairingStatus.ACTIVE: {PairingStatus.PAUSED, PairingStatus.COMPLETED, PairingStatus.ENDED},
    PairingStatus.PAUSED: {PairingStatus.ACTIVE, PairingStatus.COMPLETED, PairingStatus.ENDED},
    PairingStatus.COMPLETED: set(),
    PairingStatus.ENDED: set(),
    PairingStatus.DECLINED: set(),
}


class PairingQuerySet(models.QuerySet["Pairing"]):
    def open(self) -> PairingQuerySet:
        """Holding a slot: proposed, active or paused."""
        return self.filter(status__in=OPEN_PAIRING_STATUSES)

    def live(self) -> PairingQuerySet:
        """Under way: active or paused."""
        return self.filter(status__in=LIVE_PAIRING_STATUSES)

    def closed(self) -> PairingQuerySet:
        """Over: completed or ended early."""
        return self.filter(status__in=CLOSED_PAIRING_STATUSES)

    def paired(self) -> PairingQuerySet:
        """The mentee has (had) their mentor here: every pairing but a
        declined proposal or one ended so that they get another mentor."""
        return self.filter(status__in=PAIRED_STATUSES, ended_for_rematch=False)

    def waiting_for_approval(self) -> PairingQuerySet:
        """Proposals nobody has approved yet."""
        return self.filter(status=PairingStatus.PROPOSED, approved_at__isnull=True)

    def approved_to_start(self) -> PairingQuerySet:
        """Proposals approved in a draft program: they start when it opens."""
        return self.filter(status=PairingStatus.PROPOSED, approved_at__isnull=False)

    def visible_to_participants(self) -> PairingQuerySet:
        """Approved once: everything but proposals and declined ones."""
        return self.filter(status__in=VISIBLE_TO_PARTICIPANTS)


class Pairing(TimeStampedModel):
    objects = PairingQuerySet.as_manager()

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="pairings"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pairings_as_mentee"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pairings_as_mentor"
    )
    status = models.CharField(
        max_length=10, choices=PairingStatus.choices, default=PairingStatus.PROPOSED
    )
    source = models.CharField(
        max_length=10, choices=PairingSource.choices, default=PairingSource.MATCHING
    )
    match_score = models.FloatField(null=True, blank=True)
    # The parts of the score and a sentence for each, as shown to HR.
    match_explanation = models.JSONField(default=list, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The last time a pause ended: check-in nudges count the cadence from
    # here, not across the pause.
    resumed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=500, blank=True)
    outcome = models.CharField(max_length=20, choices=PairingOutcome.choices, blank=True)
    # A proposal approved while its program is still a draft: it starts on
    # ``starts_on`` when the program opens, and nothing is announced before.
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Ended so that the mentee gets another mentor: they wait for matching
    # again, and this mentor is not proposed to them a second time.
    ended_for_rematch = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(mentee=models.F("mentor")), name="pairing_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PairingStatus.values), name="pairing_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="") | models.Q(outcome__in=PairingOutcome.values),
                name="pairing_outcome_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="pairing_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(match_score__isnull=True)
                | models.Q(match_score__gte=0, match_score__lte=1),
                name="pairing_score_between_0_and_1",
            ),
            # One open pairing per mentee per program.
            models.UniqueConstraint(
                fields=["program", "mentee"],
                condition=models.Q(status__in=OPEN_PAIRING_STATUSES),
                name="pairing_one_open_per_mentee",
            ),
        ]
        indexes = [
            # Capacity checks: a mentor's open pairings in a program.
            models.Index(fields=["mentor", "program", "status"], name="pairing_mentor_load"),
            # Dashboards and lists: a program's pairings by state.
            models.Index(fields=["program", "status"], name="pairing_program_status"),
            # GET /api/v1/pairings/ for HR: ORDER BY created_at DESC, id DESC, keyset-paged.
            models.Index(fields=["-created_at", "-id"], name="pairing_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} ← {self.mentor} ({self.get_status_display()})"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_PAIRING_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_PAIRING_STATUSES

    def starts_after(self, today: dt.date) -> bool:
        """Approved with its first day still ahead: nothing to log yet."""
        return self.starts_on is not None and self.starts_on > today


class ChangeRequestKind(models.TextChoices):
    PAUSE = "pause", "Pause"
    END = "end", "End early"


class ChangeRequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PairingChangeRequest(TimeStampedModel):
    """A mentor or mentee asking HR to pause or end their pairing."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="change_requests")
    kind = models.CharField(max_length=10, choices=ChangeRequestKind.choices)
    status = models.CharField(
        max_length=10, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.OPEN
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=500)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "kind"],
                condition=models.Q(status=ChangeRequestStatus.OPEN),
                name="changerequest_one_open_per_kind",
            ),
        ]


class MilestoneStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"


class Milestone(TimeStampedModel):
    """A plan step copied onto one pairing, with a concrete due date."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="milestones")
    plan_step = models.ForeignKey(
        "plans.PlanStep", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    competency = models.ForeignKey(
        "people.Competency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner = models.CharField(max_length=10, choices=StepOwner.choices)
    kind = models.CharField(max_length=12, choices=StepKind.choices)
    due_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=MilestoneStatus.choices, default=MilestoneStatus.OPEN
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Shared with the pair, like a check-in's shared notes; never shown to HR.
    note = models.TextField(blank=True)
    # Reminders hold until this date (the "snooze a week" link).
    snoozed_until = models.DateField(null=True, blank=True)
    # Counts the changes a calendar shows (status, title, date): the feed's
    # SEQUENCE (RFC 5545), which must only ever grow. The services that make
    # such a change add one; clocks play no part.
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pairing", "due_on", "position"]
        constraints = [
            # Copying a plan onto a pairing twice creates nothing new.
            models.UniqueConstraint(
                fields=["pairing", "plan_step"],
                condition=models.Q(plan_step__isnull=False),
                name="milestone_once_per_step",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=MilestoneStatus.values),
                name="milestone_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status=MilestoneStatus.OPEN)
                | models.Q(completed_at__isnull=False),
                name="milestone_closed_has_time",
            ),
        ]
        indexes = [
            # The reminder sweep: open milestones by due date.
            models.Index(
                fields=["due_on"],
                condition=models.Q(status=MilestoneStatus.OPEN),
                name="milestone_open_due",
            ),
            # GET /api/v1/milestones/ for HR: ORDER BY due_on, id, keyset-paged (a due
            # date shared by a thousand milestones is one range of this index).
            models.Index(fields=["due_on", "id"], name="milestone_by_due"),
            # The at-risk list (insights/risk.py): for each live pairing,
            # COUNT(*) WHERE pairing_id = ? AND status = 'open' AND due_on < today.
            # An index-only probe of the pairing's few open milestones; through
            # the plain pairing_id index it read all 20 rows of each pairing
            # from the heap (86,000 blocks for a 5,000-pairing program).
            models.Index(
                fields=["pairing", "due_on"],
                condition=models.Q(status=MilestoneStatus.OPEN),
                name="milestone_open_by_pairing",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TallyState(models.TextChoices):
    """Where a milestone stands for the completion figures. On time or late
    is decided by the day it was closed, in UTC, against its due date."""

    OPEN = "open", "Open"
    ON_TIME = "on_time", "Done on time"
    LATE = "late", "Done late"
    SKIPPED = "skipped", "Skipped"


class MilestoneTally(models.Model):
    """How many milestones of a program's pairings share a competency, a day
    into the pairing, a due date and a state: the dashboard's completion
    figures read a program's tallies (about a tenth as many rows as its
    milestones, and not growing with pairings that start on the same day)
    instead of its milestones. Kept by the services that write milestones
    (pairings/summaries.py); only milestones of pairings that started count,
    and only those have milestones."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+")
    # The competency's id, 0 for none: a key column, so never NULL (two
    # NULLs would not collide in the unique constraint below).
    competency_key = models.PositiveBigIntegerField()
    # due_on - the pairing's starts_on: the "over the 90 days" chart.
    offset_days = models.IntegerField()
    due_on = models.DateField()
    state = models.CharField(max_length=8, choices=TallyState.choices)
    # Not a PositiveIntegerField: a tally gone wrong (fixed by
    # `manage.py summaries_rebuild`) must never stop someone closing a milestone.
    milestones = models.IntegerField(default=0)

    class Meta:
        constraints = [
            # Also the index the dashboard reads: WHERE program_id IN (…).
            models.UniqueConstraint(
                fields=["program", "competency_key", "offset_days", "due_on", "state"],
                name="milestone_tally_once",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=TallyState.values), name="milestone_tally_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.milestones} {self.state} due {self.due_on}"


class Feedback(TimeStampedModel):
    """End-of-pairing ratings from each side."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "feedback"
        constraints = [
            models.UniqueConstraint(fields=["pairing", "author"], name="feedback_once_per_author"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            ),
        ]


class MatchingRunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


UNFINISHED_RUN_STATUSES = (MatchingRunStatus.QUEUED, MatchingRunStatus.RUNNING)


class MatchingRun(TimeStampedModel):
    """One run of the matching engine over a program's cohort, done by a
    worker. Its proposals are Pairing rows in the proposed state; the mentees
    it could not place are kept here with the reason."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="matching_runs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=MatchingRunStatus.choices, default=MatchingRunStatus.QUEUED
    )
    # What the worker is doing now, for the progress shown while it runs.
    stage = models.CharField(max_length=100, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    mentees_considered = models.PositiveIntegerField(default=0)
    mentors_considered = models.PositiveIntegerField(default=0)
    proposals_made = models.PositiveIntegerField(default=0)
    proposals_replaced = models.PositiveIntegerField(default=0)
    total_score = models.FloatField(null=True, blank=True)
    # [{"mentee": id, "name": str, "reason": str}, …]
    unmatched = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=MatchingRunStatus.values),
                name="matchingrun_status_valid",
            ),
            # One run at a time per program: a second click waits for the first.
            models.UniqueConstraint(
                fields=["program"],
                condition=models.Q(status__in=UNFINISHED_RUN_STATUSES),
                name="matchingrun_one_unfinished_per_program",
            ),
        ]
        indexes = [
            # pairings.selectors.matching_runs_for: a program's runs, newest first.
            models.Index(fields=["program", "-created_at"], name="matchingrun_program_recent"),
        ]

    def __str__(self) -> str:
        return f"Matching for {self.program_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status not in UNFINISHED_RUN_STATUSES

"""Check-ins, action items and self-assessments.

Privacy is structural here: text that belongs to one person alone (private
notes, reflections) lives in its own tables with an ``author``, and is read
only through selectors filtered on that author. Nothing that lists check-ins
or assessments ever joins those tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mentorship.core.models import TimeStampedModel

# The longest text each field keeps. Notes are TextFields, so nothing below
# the services holds this: checkins/services.py refuses longer text, and
# forms and serializers say the same before it gets there.
NOTE_MAX_LENGTH = 10_000
ACTION_ITEM_MAX_LENGTH = 500


class CheckInKind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    CALL = "call", "Call"
    ASYNC = "async", "Async exchange"


class CheckIn(TimeStampedModel):
    pairing = models.ForeignKey(
        "pairings.Pairing", on_delete=models.CASCADE, related_name="checkins"
    )
    occurred_on = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=CheckInKind.choices, default=CheckInKind.MEETING)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    topics = models.ManyToManyField("people.Competency", blank=True, related_name="+")
    # Seen by the mentor and the mentee; never by HR.
    shared_notes = models.TextField(blank=True)
    # The mentee's confidence right now, 1-5, when they give it.
    confidence_pulse = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1, duration_minutes__lte=24 * 60),
                name="checkin_duration_within_a_day",
            ),
            models.CheckConstraint(
                condition=models.Q(confidence_pulse__isnull=True)
                | models.Q(confidence_pulse__gte=1, confidence_pulse__lte=5),
                name="checkin_pulse_1_to_5",
            ),
        ]
        indexes = [
            # Timelines and "days since the last check-in": a pairing's newest first.
            models.Index(fields=["pairing", "-occurred_on"], name="checkin_pairing_recent"),
            # Insights: check-ins in a date range (the last 30 days, the last 12 weeks).
            models.Index(fields=["occurred_on", "pairing"], name="checkin_by_date"),
            # GET /api/v1/check-ins/ for HR: ORDER BY created_at DESC, id DESC LIMIT 51,
            # and a deep page: WHERE (created_at, id) < (…) — one index range scan.
            models.Index(fields=["-created_at", "-id"], name="checkin_newest"),
        ]

    def __str__(self) -> str:
        return f"Check-in on {self.occurred_on}"


class CheckInPrivateNote(TimeStampedModel):
    """A note only its author can ever read."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["checkin", "author"], name="privatenote_one_per_author"
            ),
        ]

    def __str__(self) -> str:
        return "Private note"


class ActionItem(TimeStampedModel):
    """Something to do before the next check-in; carries over until done."""

    pairing = models.ForeignKey(
        "pairings.Pairing", on_delete=models.CASCADE, related_name="action_items"
    )
    created_in = models.ForeignKey(
        CheckIn, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    text = models.CharField(max_length=ACTION_ITEM_MAX_LENGTH)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_in = models.ForeignKey(
        CheckIn,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="closed_action_items",
    )

    class Meta:
        ordering = ["done_at", "due_on", "created_at"]
        indexes = [
            # The next check-in form: a pairing's open items.
            models.Index(
                fields=["pairing", "due_on"],
                condition=models.Q(done_at__isnull=True),
                name="actionitem_open_by_pairing",
            ),
            # GET /api/v1/action-items/: a pair's items, newest first, keyset-paged.
            models.Index(fields=["pairing", "-created_at", "-id"], name="actionitem_by_pairing"),
        ]

    def __str__(self) -> str:
        # Never the text: this string shows in the admin and the audit trail.
        return f"Action item {self.pk}"


class AssessmentOccasion(models.TextChoices):
    DAY_0 = "day_0", "Day 0"
    DAY_30 = "day_30", "Day 30"
    DAY_60 = "day_60", "Day 60"
    DAY_90 = "day_90", "Day 90"
    AD_HOC = "ad_hoc", "Ad hoc"


class Assessment(TimeStampedModel):
    """A mentee's confidence self-rating across the plan's competencies."""

    pairing = models.ForeignKey(
        "pairings.Pairing", on_delete=models.CASCADE, related_name="assessments"
    )
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    milestone = models.ForeignKey(
        "pairings.Milestone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occasion = models.CharField(max_length=10, choices=AssessmentOccasion.choices)
    taken_on = models.DateField()
    shared_with_mentor = models.BooleanField(default=False)

    class Meta:
        ordering = ["pairing", "taken_on"]
        constraints = [
            # Scheduled assessments happen once; ad hoc ones as often as wanted.
            models.UniqueConstraint(
                fields=["pairing", "occasion"],
                condition=~models.Q(occasion=AssessmentOccasion.AD_HOC),
                name="assessment_once_per_occasion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} self-assessment"


class AssessmentRating(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    competency = models.ForeignKey("people.Competency", on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "competency"], name="rating_once_per_competency"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score}/5"


class Reflection(TimeStampedModel):
    """The mentee's private reflection on an assessment ("why do I want this
    role?"). Only its author ever reads it."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="reflection"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()

    def __str__(self) -> str:
        return "Private reflection"


class WeekPart(models.TextChoices):
    """Where a new manager's working week goes, in four rough parts."""

    INDIVIDUAL = "individual", "Individual work"
    PEOPLE = "people", "People"
    DIRECTION = "direction", "Direction"
    OTHER = "other", "Other"


WEEK_PART_HINTS = {
    WeekPart.INDIVIDUAL: "writing code, your own deliverables",
    WeekPart.PEOPLE: "1:1s, coaching, feedback, hiring",
    WeekPart.DIRECTION: "planning, priorities, working across teams",
    WeekPart.OTHER: "everything else",
}


class WeekSplit(TimeStampedModel):
    """How the mentee's working week split, roughly, in percent, as they
    said it: with a check-in or on its own. One per pairing and week (the
    Monday of the mentee's week, in their zone); a second answer in the same
    week replaces the first. The pair reads it; HR never reads the numbers
    (insights/risk.py turns a high share of individual work past day 45 into
    a reason without them)."""

    pairing = models.ForeignKey(
        "pairings.Pairing", on_delete=models.CASCADE, related_name="week_splits"
    )
    week_of = models.DateField()
    individual = models.PositiveSmallIntegerField()
    people = models.PositiveSmallIntegerField()
    direction = models.PositiveSmallIntegerField()
    other = models.PositiveSmallIntegerField()
    checkin = models.ForeignKey(
        CheckIn, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pairing", "week_of"]
        constraints = [
            # Also the index of a pairing's trend: WHERE pairing_id = … ORDER BY week_of.
            models.UniqueConstraint(fields=["pairing", "week_of"], name="weeksplit_once_a_week"),
            models.CheckConstraint(
                condition=models.Q(individual__lte=100, people__lte=100, direction__lte=100)
                & models.Q(other__lte=100),
                name="weeksplit_parts_at_most_100",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    individual=100 - models.F("people") - models.F("direction") - models.F("other")
                ),
                name="weeksplit_parts_add_up_to_100",
            ),
        ]

    def __str__(self) -> str:
        # Never the figures: this string may show in the audit trail.
        return f"Week of {self.week_of}"

    def parts(self) -> list[tuple[str, str, int]]:
        """Each part: its value, label and share, in the order shown."""
        return [(part.value, str(part.label), getattr(self, part.value)) for part in WeekPart]


# --------------------------------------------------------------------------
# Summaries the dashboard reads instead of the check-ins themselves
# (checkins/summaries.py keeps them; the check-in services call it in the
# transaction that writes, and ``summaries_rebuild`` recomputes them from
# scratch). Neither holds anything a person wrote.


class PairingActivity(models.Model):
    """One row per pairing that has a check-in or a week split: what the
    at-risk score reads (the last check-in, the last two confidence pulses,
    the newest week split) without reading a pairing's check-ins."""

    pairing = models.OneToOneField(
        "pairings.Pairing", on_delete=models.CASCADE, primary_key=True, related_name="activity"
    )
    checkins = models.PositiveIntegerField(default=0)
    last_checkin_on = models.DateField(null=True, blank=True)
    # The mentee's two newest pulses (by day, then by when logged). Read only
    # to say "confidence falling": the values never reach HR.
    latest_pulse = models.PositiveSmallIntegerField(null=True, blank=True)
    previous_pulse = models.PositiveSmallIntegerField(null=True, blank=True)
    # The mentee's newest week split: its week and its share of individual
    # work. Read only to say "individual work still most of the week past
    # day 45": the figure never reaches HR.
    latest_split_week = models.DateField(null=True, blank=True)
    latest_individual_share = models.PositiveSmallIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Activity of pairing {self.pairing_id}"


class CheckInDay(models.Model):
    """How many check-ins a program's pairings held on one day: the weekly
    chart and the last 30 days read a program's days, not its check-ins."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    checkins = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # Also the index the dashboard reads: WHERE program_id IN (…)
            # AND day > today - 84 days.
            models.UniqueConstraint(fields=["program", "day"], name="checkin_day_once"),
        ]

    def __str__(self) -> str:
        return f"{self.checkins} check-ins on {self.day}"

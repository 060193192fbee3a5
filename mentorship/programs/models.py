from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from mentorship.core.models import TimeStampedModel


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


# A draft is its admins' business; people enrolled see a program once it opens.
PARTICIPANT_VISIBLE_PROGRAM_STATUSES = (ProgramStatus.ACTIVE, ProgramStatus.CLOSED)


class ProgramQuerySet(models.QuerySet["Program"]):
    def visible_to_participants(self) -> ProgramQuerySet:
        return self.filter(status__in=PARTICIPANT_VISIBLE_PROGRAM_STATUSES)


def _weight_field(default: float, help_text: str) -> models.FloatField:
    return models.FloatField(
        default=default,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=help_text,
    )


WEIGHT_FIELDS = ("weight_competency", "weight_department", "weight_time_zone", "weight_experience")


class Program(TimeStampedModel):
    """A cohort: who takes part, when, on which plan, at what cadence."""

    objects = ProgramQuerySet.as_manager()

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    plan = models.ForeignKey(
        "plans.OnboardingPlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programs",
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="administered_programs"
    )
    checkin_cadence_days = models.PositiveSmallIntegerField(
        default=14, help_text="A pairing with no check-in for this long gets a nudge."
    )
    reminder_lead_days = models.PositiveSmallIntegerField(
        default=3, help_text="How many days before a milestone is due its reminder goes out."
    )
    pairing_length_days = models.PositiveSmallIntegerField(default=90)
    weight_competency = _weight_field(0.4, "Overlap of focus areas with the mentor's expertise.")
    weight_department = _weight_field(0.2, "Mentor from a different department.")
    weight_time_zone = _weight_field(0.2, "Mentor's working hours overlap.")
    weight_experience = _weight_field(0.2, "Mentor's years of managing.")

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="program_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ProgramStatus.values), name="program_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(checkin_cadence_days__gte=1, pairing_length_days__gte=1),
                name="program_cadence_and_length_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    weight_competency__gte=0,
                    weight_competency__lte=1,
                    weight_department__gte=0,
                    weight_department__lte=1,
                    weight_time_zone__gte=0,
                    weight_time_zone__lte=1,
                    weight_experience__gte=0,
                    weight_experience__lte=1,
                ),
                name="program_weights_between_0_and_1",
            ),
            # A program cannot go live without a plan to give its pairings.
            models.CheckConstraint(
                condition=models.Q(status=ProgramStatus.DRAFT) | models.Q(plan__isnull=False),
                name="program_live_needs_plan",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EnrollmentRole(models.TextChoices):
    MENTEE = "mentee", "Mentee"
    MENTOR = "mentor", "Mentor"


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Enrollment(TimeStampedModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrollments")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    role = models.CharField(max_length=10, choices=EnrollmentRole.choices)
    status = models.CharField(
        max_length=10, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ACTIVE
    )
    # Mentees: what they want to work on. Mentors: nothing (expertise is on the person).
    focus_competencies = models.ManyToManyField("people.Competency", blank=True, related_name="+")
    # Mentors: overrides the person's default capacity for this program.
    capacity = models.PositiveSmallIntegerField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=500, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["program", "role", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "person", "role"], name="enrollment_unique_per_role"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=EnrollmentRole.values), name="enrollment_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(role=EnrollmentRole.MENTOR),
                name="enrollment_capacity_only_for_mentors",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__lte=20),
                name="enrollment_capacity_at_most_20",
            ),
        ]
        indexes = [
            # programs.selectors / matching: the active mentees or mentors of a program.
            models.Index(fields=["program", "role", "status"], name="enrollment_program_role"),
            # people.roles: does this person take part anywhere, and as what?
            models.Index(fields=["person", "role", "status"], name="enrollment_person_role"),
        ]

    def __str__(self) -> str:
        return f"{self.person} as {self.role} in {self.program}"

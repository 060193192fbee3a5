from __future__ import annotations

from typing import Any

from rest_framework import serializers

from mentorship.core.api.fields import (
    IdRelatedField,
    ScopedIdRelatedField,
    StrictBooleanField,
    StrictCharField,
    StrictFloatField,
)
from mentorship.people.models import Competency, Person
from mentorship.people.selectors import people_visible_to
from mentorship.people.serializers import CompetencyRefSerializer, PersonRefSerializer
from mentorship.plans.selectors import plans_visible_to
from mentorship.plans.serializers import PlanRefSerializer
from mentorship.programs.models import Enrollment, EnrollmentRole, Program
from mentorship.programs.ranges import between
from mentorship.programs.selectors import programs_administered_by


class ProgramSerializer(serializers.ModelSerializer[Program]):
    plan = PlanRefSerializer(allow_null=True)
    admins = PersonRefSerializer(many=True)

    class Meta:
        model = Program
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "status",
            "plan",
            "starts_on",
            "ends_on",
            "admins",
            "checkin_cadence_days",
            "reminder_lead_days",
            "pairing_length_days",
            "weight_competency",
            "weight_department",
            "weight_time_zone",
            "weight_experience",
            "opened_at",
            "closed_at",
        ]


class EnrollmentSerializer(serializers.ModelSerializer[Enrollment]):
    person = PersonRefSerializer()
    focus_competencies = CompetencyRefSerializer(many=True)

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "program",
            "person",
            "role",
            "status",
            "focus_competencies",
            "capacity",
            "created_at",
            "withdrawn_at",
            "withdrawn_reason",
        ]


class EnrollmentInputSerializer(serializers.Serializer[Any]):
    program = ScopedIdRelatedField(scope=programs_administered_by, help_text="A program you run.")
    person = IdRelatedField(queryset=Person.objects.all())
    role = serializers.ChoiceField(choices=EnrollmentRole.choices)
    focus_competencies = serializers.ListField(
        child=IdRelatedField(queryset=Competency.objects.all()),
        required=False,
        default=list,
        max_length=20,
        help_text="Mentees: what they want to work on.",
    )
    capacity = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=20,
        error_messages=between("capacity"),
        help_text="Mentors: how many mentees here (their default when left out).",
    )


class EnrollmentUpdateSerializer(serializers.Serializer[Any]):
    focus_competencies = serializers.ListField(
        child=IdRelatedField(queryset=Competency.objects.all()),
        required=False,
        max_length=20,
        help_text="Mentees: what they want to work on (replaces the list).",
    )
    capacity = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=20,
        error_messages=between("capacity"),
        help_text="Mentors: how many mentees here; null for their usual capacity.",
    )


class WithdrawSerializer(serializers.Serializer[Any]):
    reason = StrictCharField(max_length=500)


class ProgramInputSerializer(serializers.Serializer[Any]):
    """A program's settings, as program admins and HR set them. On PATCH,
    any subset."""

    name = StrictCharField(max_length=200)
    description = StrictCharField(max_length=5000, allow_blank=True, required=False)
    plan = ScopedIdRelatedField(
        scope=plans_visible_to,
        allow_null=True,
        required=False,
        help_text="The onboarding plan (its current version); needed before opening.",
    )
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(help_text="After starts_on.")
    checkin_cadence_days = serializers.IntegerField(
        min_value=1,
        max_value=90,
        required=False,
        error_messages=between("checkin_cadence_days"),
        help_text="Nudge after this many quiet days.",
    )
    reminder_lead_days = serializers.IntegerField(
        min_value=0,
        max_value=30,
        required=False,
        error_messages=between("reminder_lead_days"),
        help_text="Days before a milestone is due.",
    )
    pairing_length_days = serializers.IntegerField(
        min_value=7, max_value=730, required=False, error_messages=between("pairing_length_days")
    )
    weight_competency = StrictFloatField(
        min_value=0, max_value=1, required=False, error_messages=between("weight")
    )
    weight_department = StrictFloatField(
        min_value=0, max_value=1, required=False, error_messages=between("weight")
    )
    weight_time_zone = StrictFloatField(
        min_value=0, max_value=1, required=False, error_messages=between("weight")
    )
    weight_experience = StrictFloatField(
        min_value=0,
        max_value=1,
        error_messages=between("weight"),
        required=False,
        help_text="At least one of the four weights is above zero.",
    )
    admins = serializers.ListField(
        child=ScopedIdRelatedField(scope=people_visible_to),
        required=False,
        max_length=50,
        help_text="People who run the program (HR runs every program anyway).",
    )


class ProgramCopySerializer(serializers.Serializer[Any]):
    name = StrictCharField(max_length=200)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(help_text="After starts_on.")
    with_mentors = StrictBooleanField(
        required=False, default=False, help_text="Enroll this program's mentors again."
    )


class ProgramClosingSerializer(serializers.Serializer[Any]):
    """What closing the program does (or did)."""

    pairings_completed = serializers.IntegerField(
        help_text="Live pairings completed; both sides are asked for feedback."
    )
    pairings_ended = serializers.IntegerField(
        help_text="Pairings approved to start after today: ended, no feedback asked."
    )
    proposals_declined = serializers.IntegerField()
    reminders_cancelled = serializers.IntegerField(help_text="Emails not yet sent.")

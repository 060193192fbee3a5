from __future__ import annotations

from typing import Any

from rest_framework import serializers

from mentorship.core.api.fields import IdRelatedField, ScopedIdRelatedField, StrictCharField
from mentorship.people.models import Competency, Person
from mentorship.people.serializers import CompetencyRefSerializer, PersonRefSerializer
from mentorship.plans.serializers import PlanRefSerializer
from mentorship.programs.models import Enrollment, EnrollmentRole, Program
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
        help_text="Mentors: how many mentees here; null for their usual capacity.",
    )


class WithdrawSerializer(serializers.Serializer[Any]):
    reason = StrictCharField(max_length=500)

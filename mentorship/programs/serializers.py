from __future__ import annotations

from rest_framework import serializers

from mentorship.people.serializers import PersonRefSerializer
from mentorship.plans.serializers import PlanRefSerializer
from mentorship.programs.models import Program


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

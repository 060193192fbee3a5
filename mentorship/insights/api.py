from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mentorship.core.api.fields import QuerySerializer
from mentorship.core.timezones import today_for
from mentorship.insights.selectors import Filters, program_health, programs_for_insights
from mentorship.people.auth import person_of
from mentorship.people.models import Department


class InsightsQuerySerializer(QuerySerializer):
    program = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="One program you run."
    )
    department = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="The mentees' department."
    )
    since = serializers.DateField(required=False, help_text="Pairings running on or after.")
    until = serializers.DateField(required=False, help_text="Pairings started on or before.")


class CompletionSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(source="label", help_text="A competency, or All.")
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    open = serializers.IntegerField(help_text="Not yet due.")
    overdue = serializers.IntegerField()
    skipped = serializers.IntegerField()


class RiskSerializer(serializers.Serializer[Any]):
    pairing = serializers.IntegerField(source="pairing.pk")
    mentee = serializers.CharField(source="pairing.mentee.full_name")
    mentor = serializers.CharField(source="pairing.mentor.full_name")
    program = serializers.IntegerField(source="pairing.program_id")
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())


class MentorLoadSerializer(serializers.Serializer[Any]):
    mentor = serializers.CharField()
    pairings = serializers.IntegerField()
    capacity = serializers.IntegerField()


class ConfidenceSerializer(serializers.Serializer[Any]):
    competency = serializers.CharField()
    day0_mentees = serializers.IntegerField()
    day0 = serializers.FloatField(allow_null=True, help_text="Null for groups under the threshold.")
    latest_mentees = serializers.IntegerField()
    latest = serializers.FloatField(
        allow_null=True, help_text="Null for groups under the threshold."
    )


class WeekSerializer(serializers.Serializer[Any]):
    week = serializers.DateField(help_text="Its Monday.")
    checkins = serializers.IntegerField()


class DaySpanSerializer(serializers.Serializer[Any]):
    from_day = serializers.IntegerField(help_text="Days into the pairing (15-day steps).")
    done_share = serializers.FloatField()
    due = serializers.IntegerField()


class HealthSerializer(serializers.Serializer[Any]):
    today = serializers.DateField()
    statuses = serializers.DictField(child=serializers.IntegerField())
    checkins_30_days = serializers.IntegerField()
    checkins_per_live_pairing = serializers.FloatField()
    median_days_since_checkin = serializers.FloatField(allow_null=True)
    completion = CompletionSerializer()
    completion_by_competency = CompletionSerializer(many=True)
    completion_by_day = DaySpanSerializer(many=True)
    checkins_per_week = WeekSerializer(many=True)
    unmatched_mentees = serializers.IntegerField()
    mentor_load = MentorLoadSerializer(many=True)
    confidence = ConfidenceSerializer(many=True)
    minimum_group = serializers.IntegerField()
    outcomes = serializers.DictField(child=serializers.IntegerField())
    at_risk = RiskSerializer(many=True, help_text="The riskiest, at most 50.")
    at_risk_total = serializers.IntegerField(help_text="How many pairings are at risk in all.")


class InsightsView(APIView):
    """Program health for program admins and HR: pairings by status,
    check-ins, milestone completion, unmatched mentees, mentor load,
    confidence (group averages only), outcomes and the pairings at risk with
    their reasons. Never a word anyone wrote."""

    @extend_schema(
        tags=["insights"], parameters=[InsightsQuerySerializer], responses=HealthSerializer
    )
    def get(self, request: Request) -> Response:
        query = InsightsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        person = person_of(request)
        programs = programs_for_insights(person)
        if not programs.exists():
            raise NotFound()
        data = query.validated_data
        program = None
        if "program" in data:
            program = programs.filter(pk=data["program"]).first()
            if program is None:
                raise NotFound()
        # A department that matches nothing gives figures over nobody, as any
        # filter that matches nothing does.
        department = Department(pk=data["department"]) if "department" in data else None
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise ValidationError({"until": ["The end of the range comes before its start."]})
        filters = Filters(
            program=program, department=department, since=data.get("since"), until=data.get("until")
        )
        health = program_health(person, filters, today=today_for(person))
        return Response(HealthSerializer(health).data)

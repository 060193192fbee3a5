from __future__ import annotations

from typing import Any

from rest_framework import serializers

from mentorship.core.api.fields import QuerySerializer


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
    """Means over fixed cells (a program × the mentee's department) of at
    least `minimum_group` mentees; the date filters do not apply, so no two
    filter choices differ by fewer than that many mentees."""

    competency = serializers.CharField()
    day0_mentees = serializers.IntegerField(help_text="Mentees whose day-0 ratings are averaged.")
    day0 = serializers.FloatField(
        allow_null=True, help_text="Null when no cell reaches the threshold."
    )
    latest_mentees = serializers.IntegerField()
    latest = serializers.FloatField(
        allow_null=True, help_text="Null when no cell reaches the threshold."
    )
    day0_left_out = serializers.IntegerField(
        help_text="Mentees in cells under the threshold: in no figure, whatever the filters."
    )
    latest_left_out = serializers.IntegerField()


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
    unmatched_mentees = serializers.IntegerField(
        help_text="Mentees with no approved pairing (a proposal is not a mentor yet)."
    )
    proposed_mentees = serializers.IntegerField(
        help_text="Of those, the mentees with a proposal waiting for approval."
    )
    mentor_load = MentorLoadSerializer(many=True)
    confidence = ConfidenceSerializer(many=True)
    minimum_group = serializers.IntegerField()
    outcomes = serializers.DictField(child=serializers.IntegerField())
    at_risk = RiskSerializer(many=True, help_text="The riskiest, at most 50.")
    at_risk_total = serializers.IntegerField(help_text="How many pairings are at risk in all.")

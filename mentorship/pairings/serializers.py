from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mentorship import access
from mentorship.core.api.fields import (
    MAX_ID,
    IdRelatedField,
    QuerySerializer,
    ScopedIdRelatedField,
    StrictCharField,
)
from mentorship.pairings.models import (
    ChangeRequestKind,
    MatchingRun,
    Milestone,
    Pairing,
    PairingChangeRequest,
    PairingOutcome,
)
from mentorship.pairings.services.milestones import NOTE_MAX_LENGTH as MILESTONE_NOTE_MAX_LENGTH
from mentorship.people.models import Person
from mentorship.people.serializers import CompetencyRefSerializer, PersonRefSerializer
from mentorship.programs.models import Program
from mentorship.programs.selectors import programs_administered_by


def explanation_text(pairing: Pairing) -> str:
    return " · ".join(
        part["sentence"] for part in pairing.match_explanation or [] if part.get("weight", 1) > 0
    )


class UnmatchedSerializer(serializers.Serializer[Any]):
    mentee = serializers.IntegerField()
    name = serializers.CharField()
    reason = serializers.CharField()


class MilestoneSerializer(serializers.ModelSerializer[Milestone]):
    competency = CompetencyRefSerializer(allow_null=True)
    note = serializers.SerializerMethodField(
        help_text="The completion note: shown to the pair only, null for everyone else."
    )

    class Meta:
        model = Milestone
        fields = [
            "id",
            "pairing",
            "position",
            "title",
            "description",
            "competency",
            "owner",
            "kind",
            "due_on",
            "status",
            "completed_at",
            "completed_by",
            "snoozed_until",
            "note",
        ]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_note(self, milestone: Milestone) -> str | None:
        viewer = self.context.get("viewer")
        pairing = milestone.pairing
        if viewer is not None and access.sees_shared_part(viewer, pairing):
            return milestone.note
        return None


class MilestoneActionSerializer(serializers.Serializer[Any]):
    note = StrictCharField(
        required=False, allow_blank=True, max_length=MILESTONE_NOTE_MAX_LENGTH, default=""
    )


class MatchPartSerializer(serializers.Serializer[Any]):
    key = serializers.ChoiceField(choices=["focus", "department", "time_zone", "experience"])
    value = serializers.FloatField(min_value=0, max_value=1)
    weight = serializers.FloatField(min_value=0, max_value=1)
    sentence = serializers.CharField()


class PairingSerializer(serializers.ModelSerializer[Pairing]):
    mentee = PersonRefSerializer()
    mentor = PersonRefSerializer()
    match_explanation = MatchPartSerializer(
        many=True, allow_null=True, help_text="Null for the mentee's line manager."
    )
    explanation = serializers.SerializerMethodField(
        help_text="The score's parts as one sentence, as shown to HR; null for the line manager."
    )
    close_reason = serializers.CharField(
        allow_null=True, help_text="Why it paused or ended; null for the line manager."
    )
    outcome = serializers.ChoiceField(
        choices=[("", ""), *PairingOutcome.choices],
        allow_null=True,
        help_text="Null for the line manager.",
    )

    class Meta:
        model = Pairing
        fields = [
            "id",
            "program",
            "mentee",
            "mentor",
            "status",
            "source",
            "match_score",
            "match_explanation",
            "explanation",
            "starts_on",
            "ends_on",
            "activated_at",
            "approved_at",
            "closed_at",
            "close_reason",
            "outcome",
        ]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_explanation(self, pairing: Pairing) -> str:
        return explanation_text(pairing)

    def to_representation(self, instance: Pairing) -> dict[str, Any]:
        data = dict(super().to_representation(instance))
        if getattr(instance, "viewer_is_line_manager_only", False):
            data.update(dict.fromkeys(LINE_MANAGER_HIDDEN))
        return data


# What a line manager does not see of their report's pairing (null for them).
LINE_MANAGER_HIDDEN = (
    "match_score",
    "match_explanation",
    "explanation",
    "close_reason",
    "outcome",
)


class MatchingRunSerializer(serializers.ModelSerializer[MatchingRun]):
    unmatched = UnmatchedSerializer(many=True)

    class Meta:
        model = MatchingRun
        fields = [
            "id",
            "program",
            "status",
            "stage",
            "created_at",
            "started_at",
            "finished_at",
            "mentees_considered",
            "mentors_considered",
            "proposals_made",
            "proposals_replaced",
            "total_score",
            "unmatched",
            "error",
        ]


class MatchingRunInputSerializer(serializers.Serializer[Any]):
    program = ScopedIdRelatedField(scope=programs_administered_by, help_text="A program you run.")


class AlternativeSerializer(serializers.Serializer[Any]):
    mentor = serializers.IntegerField(source="mentor_id")
    score = serializers.FloatField()
    parts = MatchPartSerializer(many=True)
    explanation = serializers.CharField()


class ReplaceMentorSerializer(serializers.Serializer[Any]):
    mentor = IdRelatedField(queryset=Person.objects.filter(is_active=True))


class ReasonSerializer(serializers.Serializer[Any]):
    reason = StrictCharField(max_length=500)


class ApproveSerializer(serializers.Serializer[Any]):
    starts_on = serializers.DateField(
        required=False, help_text="The first day of the pairing; today when left out."
    )


class ApproveAllSerializer(ApproveSerializer):
    program = ScopedIdRelatedField(scope=programs_administered_by, help_text="A program you run.")


class ApproveAllResultSerializer(serializers.Serializer[Any]):
    approved = serializers.IntegerField()
    problems = serializers.ListField(child=serializers.CharField())


class CloseSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(
        choices=PairingOutcome.choices, required=False, allow_blank=True, default=""
    )


class EndSerializer(CloseSerializer):
    reason = StrictCharField(max_length=500)


class ChangeRequestSerializer(serializers.ModelSerializer[PairingChangeRequest]):
    requested_by = PersonRefSerializer()

    class Meta:
        model = PairingChangeRequest
        fields = [
            "id",
            "pairing",
            "kind",
            "status",
            "reason",
            "requested_by",
            "created_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]


class ChangeRequestInputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ChangeRequestKind.choices)
    reason = StrictCharField(max_length=500)


class DecisionSerializer(serializers.Serializer[Any]):
    note = StrictCharField(max_length=500, required=False, allow_blank=True, default="")


class OutcomeSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=PairingOutcome.choices)


class RecommendationSerializer(serializers.Serializer[Any]):
    mentor = PersonRefSerializer()
    score = serializers.FloatField()
    parts = MatchPartSerializer(many=True)
    explanation = serializers.CharField()


class RecommendationQuerySerializer(QuerySerializer):
    program = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class MentorRequestSerializer(serializers.Serializer[Any]):
    program = IdRelatedField(queryset=Program.objects.all())
    # A plain id: whether it names anyone is not for the asker to learn.
    mentor = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="One of your recommended mentors."
    )


class RematchResultSerializer(serializers.Serializer[Any]):
    ended = PairingSerializer(help_text="The pairing, now ended.")
    proposal = PairingSerializer(
        allow_null=True,
        help_text="The mentor proposed in its place, for review; null when no mentor has room.",
    )

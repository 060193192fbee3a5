from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mentorship.core.api.fields import StrictCharField
from mentorship.pairings.models import Milestone
from mentorship.people.serializers import CompetencyRefSerializer


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
        if viewer is not None and viewer.pk in (pairing.mentee_id, pairing.mentor_id):
            return milestone.note
        return None


class MilestoneActionSerializer(serializers.Serializer[Any]):
    note = StrictCharField(required=False, allow_blank=True, max_length=2000, default="")

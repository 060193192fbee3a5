from __future__ import annotations

from typing import Any

from rest_framework import serializers

from mentorship.core.api.fields import IdRelatedField, QuerySerializer, StrictCharField
from mentorship.people.models import Competency
from mentorship.people.serializers import CompetencyRefSerializer
from mentorship.plans.models import OnboardingPlan, PlanStep, StepAnchor, StepKind, StepOwner
from mentorship.plans.services import StepSpec


class PlanStepSerializer(serializers.ModelSerializer[PlanStep]):
    competency = CompetencyRefSerializer(allow_null=True)

    class Meta:
        model = PlanStep
        fields = [
            "id",
            "position",
            "title",
            "description",
            "competency",
            "owner",
            "kind",
            "offset_days",
            "anchor",
        ]


class PlanSerializer(serializers.ModelSerializer[OnboardingPlan]):
    steps = PlanStepSerializer(many=True)

    class Meta:
        model = OnboardingPlan
        fields = [
            "id",
            "name",
            "description",
            "lineage",
            "version",
            "is_archived",
            "created_at",
            "updated_at",
            "steps",
        ]


class PlanRefSerializer(serializers.ModelSerializer[OnboardingPlan]):
    class Meta:
        model = OnboardingPlan
        fields = ["id", "name", "version"]


# ---------------------------------------------------------------------------
# Input


class PlanStepInputSerializer(serializers.Serializer[Any]):
    position = serializers.IntegerField(min_value=1, max_value=999)
    title = StrictCharField(max_length=200)
    description = StrictCharField(required=False, allow_blank=True, default="")
    competency = IdRelatedField(
        queryset=Competency.objects.all(), allow_null=True, required=False, default=None
    )
    owner = serializers.ChoiceField(choices=StepOwner.choices)
    kind = serializers.ChoiceField(choices=StepKind.choices)
    anchor = serializers.ChoiceField(choices=StepAnchor.choices)
    offset_days = serializers.IntegerField(min_value=0, max_value=3650)


class PlanInputSerializer(serializers.Serializer[Any]):
    name = StrictCharField(max_length=200)
    description = StrictCharField(required=False, allow_blank=True, default="")
    steps = serializers.ListField(
        child=PlanStepInputSerializer(), allow_empty=False, max_length=200
    )

    def validate_steps(self, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # Errors keyed by row index, the same shape as the list's own field errors.
        seen: dict[int, int] = {}
        errors: dict[str, dict[str, list[str]]] = {}
        for index, step in enumerate(steps):
            if step["position"] in seen:
                first = seen[step["position"]] + 1
                errors[str(index)] = {
                    "position": [f"Step {first} already has position {step['position']}."]
                }
            seen.setdefault(step["position"], index)
        if errors:
            raise serializers.ValidationError(errors)
        return steps

    def specs(self) -> list[StepSpec]:
        return [StepSpec(**step) for step in self.validated_data["steps"]]


class PlanDuplicateSerializer(serializers.Serializer[Any]):
    name = StrictCharField(max_length=200, required=False, help_text="Defaults to “Copy of …”.")


class PreviewQuerySerializer(QuerySerializer):
    starts_on = serializers.DateField(help_text="The day the pairing would start.")
    promoted_on = serializers.DateField(
        required=False, help_text="The day the mentee became a manager, if known."
    )


class PreviewMilestoneSerializer(serializers.Serializer[Any]):
    step_id = serializers.IntegerField(source="step.id")
    position = serializers.IntegerField(source="step.position")
    title = serializers.CharField(source="step.title")
    owner = serializers.CharField(source="step.owner")
    kind = serializers.CharField(source="step.kind")
    due_on = serializers.DateField()


class PlanPreviewSerializer(serializers.Serializer[Any]):
    starts_on = serializers.DateField()
    promoted_on = serializers.DateField(allow_null=True)
    milestones = PreviewMilestoneSerializer(many=True)

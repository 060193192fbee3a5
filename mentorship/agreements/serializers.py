from __future__ import annotations

from typing import Any

from rest_framework import serializers

from mentorship.agreements.models import ManagerAgreement, ReviewAnswer
from mentorship.agreements.services import TEXT_MAX_LENGTH
from mentorship.core.api.fields import StrictBooleanField


class AgreementSerializer(serializers.ModelSerializer[ManagerAgreement]):
    status = serializers.ChoiceField(
        choices=["asked", "to_confirm", "agreed", "reviewed"],
        read_only=True,
        help_text="asked: waiting for the line manager; to_confirm: written, waiting for the "
        "mentee; agreed: confirmed; reviewed: looked back on near day 90.",
    )

    review_success = serializers.CharField(
        read_only=True, help_text="done, partly or not_yet; empty before the review."
    )
    review_decisions = serializers.CharField(read_only=True, help_text="As review_success.")
    review_handoffs = serializers.CharField(read_only=True, help_text="As review_success.")

    class Meta:
        model = ManagerAgreement
        fields = [
            "id",
            "pairing",
            "line_manager",
            "status",
            "success",
            "decisions",
            "handoffs",
            "handoffs_by",
            "written_at",
            "confirmed_at",
            "shared_with_mentor",
            "review_success",
            "review_decisions",
            "review_handoffs",
            "reviewed_at",
        ]
        read_only_fields = fields


class WriteSerializer(serializers.Serializer[Any]):
    success = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    decisions = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    handoffs = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    handoffs_by = serializers.DateField(required=False, allow_null=True)


class ReviewSerializer(serializers.Serializer[Any]):
    review_success = serializers.ChoiceField(choices=ReviewAnswer.choices)
    review_decisions = serializers.ChoiceField(choices=ReviewAnswer.choices)
    review_handoffs = serializers.ChoiceField(choices=ReviewAnswer.choices)


class AgreementShareSerializer(serializers.Serializer[Any]):
    shared_with_mentor = StrictBooleanField()


class EmptySerializer(serializers.Serializer[Any]):
    pass

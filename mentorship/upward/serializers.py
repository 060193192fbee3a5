from __future__ import annotations

from typing import Any

from rest_framework import serializers

from mentorship.core.api.fields import QuerySerializer, StrictBooleanField
from mentorship.upward.statements import KEYS, MAX_FOCUS

STATUS_HELP = (
    "open: taking answers; shown: closed with enough answers, figures below; "
    "not_enough: closed with fewer answers than min_answers, nothing shown; "
    "too_few_reports: fewer direct reports than min_answers, nobody was asked."
)


class StatementResultSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    text = serializers.CharField()
    mean = serializers.FloatField(
        allow_null=True, help_text="Null when fewer than min_answers people rated it."
    )
    rated = serializers.IntegerField(help_text="How many rated it (not “can't say”).")
    change = serializers.FloatField(
        allow_null=True, help_text="Against the round before, when both show a figure."
    )


class CommentsSerializer(serializers.Serializer[Any]):
    question = serializers.CharField()
    answers = serializers.ListField(
        child=serializers.CharField(), help_text="In random order, without names."
    )


class RoundSerializer(serializers.Serializer[Any]):
    """A round as its mentee (or the mentor it is shared with) sees it."""

    id = serializers.IntegerField(source="round.pk")
    pairing = serializers.IntegerField(source="round.pairing_id")
    number = serializers.IntegerField(source="round.number")
    opened_on = serializers.DateField(source="round.opened_on")
    closes_on = serializers.DateField(
        source="round.closes_on", help_text="Its last day, where the mentee is."
    )
    status = serializers.ChoiceField(
        choices=["open", "shown", "not_enough", "too_few_reports"], help_text=STATUS_HELP
    )
    invited = serializers.IntegerField(source="round.invited_count")
    answered = serializers.IntegerField()
    declined = serializers.IntegerField()
    min_answers = serializers.IntegerField(source="round.min_answers")
    shared_with_mentor = serializers.BooleanField(source="round.shared_with_mentor")
    focus = serializers.ListField(child=serializers.CharField(), source="round.focus")
    statements = StatementResultSerializer(many=True, help_text="Empty unless status is shown.")
    comments = CommentsSerializer(many=True, help_text="Empty unless status is shown.")


class RoundShareSerializer(serializers.Serializer[Any]):
    shared_with_mentor = StrictBooleanField()


class FocusSerializer(serializers.Serializer[Any]):
    focus = serializers.ListField(
        child=serializers.ChoiceField(choices=KEYS),
        max_length=MAX_FOCUS,
        help_text=f"Up to {MAX_FOCUS} statement keys; an empty list clears the focus.",
    )


class CohortQuerySerializer(QuerySerializer):
    program = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class CohortStatementSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    text = serializers.CharField()
    round_1 = serializers.FloatField(
        allow_null=True, help_text="Null with fewer than minimum_group managers."
    )
    round_2 = serializers.FloatField(
        allow_null=True, help_text="Null with fewer than minimum_group managers."
    )


class CohortSerializer(serializers.Serializer[Any]):
    program = serializers.IntegerField()
    minimum_group = serializers.IntegerField()
    rounds_held = serializers.IntegerField()
    managers_round_1 = serializers.IntegerField(
        help_text="Managers in the round 1 figures: whole groups of minimum_group, earliest first."
    )
    managers_round_2 = serializers.IntegerField(help_text="Managers in the round 2 figures.")
    waiting_round_1 = serializers.IntegerField(
        help_text="Managers whose round 1 showed results, waiting for a whole group to count."
    )
    waiting_round_2 = serializers.IntegerField()
    statements = CohortStatementSerializer(many=True)

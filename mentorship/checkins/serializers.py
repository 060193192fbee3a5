"""Check-ins, action items and self-assessments over the API.

The output serializers read only the ``readable_*`` and ``own_*`` values the
selectors hand them (see ``selectors.py``): what a viewer may not read is
NULL before it reaches this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mentorship.checkins.models import (
    ACTION_ITEM_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    ActionItem,
    Assessment,
    AssessmentOccasion,
    CheckIn,
    CheckInKind,
    WeekPart,
    WeekSplit,
)
from mentorship.checkins.selectors import (
    action_items_visible_to,
    checkin_editable_by,
    pairings_of_pair,
)
from mentorship.checkins.services import Split
from mentorship.core.api.fields import (
    IdRelatedField,
    QuerySerializer,
    StrictBooleanField,
    StrictCharField,
)
from mentorship.pairings.models import Pairing
from mentorship.people.models import Competency, Person
from mentorship.people.serializers import CompetencyRefSerializer, PersonRefSerializer

# Who does an action item: a side of the pairing, not a person id.
ACTION_ITEM_OWNERS = [("mentee", "The mentee"), ("mentor", "The mentor")]


class ViewerScopedIdField(IdRelatedField):
    """An id among the objects the person asking can reach (the serializer's
    ``viewer`` in its context); any other id is refused as unknown."""

    def __init__(
        self, scope: Callable[[Person], QuerySet[Any]], *, model: type[Model], **kwargs: Any
    ) -> None:
        self.scope = scope
        self.model = model
        super().__init__(queryset=model._default_manager.none(), **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        viewer = self.context.get("viewer")
        # No viewer only while the schema is generated.
        return self.scope(viewer) if viewer is not None else self.model._default_manager.none()


class ActionItemSerializer(serializers.ModelSerializer[ActionItem]):
    owner = PersonRefSerializer()
    created_in = serializers.IntegerField(source="created_in_id", allow_null=True)
    done_in = serializers.IntegerField(source="done_in_id", allow_null=True)

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "pairing",
            "text",
            "owner",
            "due_on",
            "done_at",
            "created_in",
            "done_in",
            "created_at",
        ]


def _iso_datetime(value: dt.datetime, zone: dt.tzinfo) -> str:
    """What DRF's DateTimeField writes for an aware datetime: ISO 8601 in the
    current zone, UTC as ``Z``."""
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _pair_only(help_text: str) -> Any:
    return serializers.SerializerMethodField(help_text=help_text)


class CheckInSerializer(serializers.ModelSerializer[CheckIn]):
    # Attached by ``selectors.attach_related`` to every row the API reads.
    topics = CompetencyRefSerializer(many=True, source="listed_topics")
    logged_by = PersonRefSerializer()
    editable = serializers.SerializerMethodField(
        help_text="Whether you may still change it: its author, within 7 days of logging it."
    )
    shared_notes = serializers.CharField(
        source="readable_shared_notes",
        allow_null=True,
        help_text="The pair's notes: null for anyone who is not the mentor or the mentee.",
    )
    confidence_pulse = serializers.IntegerField(
        source="readable_pulse",
        allow_null=True,
        min_value=1,
        max_value=5,
        help_text="The mentee's confidence at the time (1-5): the pair only, else null.",
    )
    private_note = serializers.CharField(
        source="own_private_note",
        allow_null=True,
        help_text="Your own private note on it, if you wrote one. Nobody else's, ever.",
    )
    action_items = _pair_only("Action items added in it: the pair only, else null.")
    closed_action_items = _pair_only("Action items ticked off in it: the pair only, else null.")

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "pairing",
            "occurred_on",
            "duration_minutes",
            "kind",
            "topics",
            "logged_by",
            "created_at",
            "updated_at",
            "editable",
            "shared_notes",
            "confidence_pulse",
            "private_note",
            "action_items",
            "closed_action_items",
        ]

    def get_editable(self, checkin: CheckIn) -> bool:
        viewer = self.context.get("viewer")
        now = self.context.get("now")
        return bool(viewer and now and checkin_editable_by(viewer, checkin, now=now))

    def to_representation(self, instance: CheckIn) -> dict[str, Any]:
        # The fields above, written out: a page of fifty check-ins spent a
        # quarter of its time in DRF's field-by-field machinery. The fields
        # still declare the schema and the datetimes' format; a test holds
        # this equal to the generic output for every kind of viewer.
        zone = self._output_zone()
        author = instance.logged_by
        shared_notes = instance.readable_shared_notes  # type: ignore[attr-defined]
        pulse = instance.readable_pulse  # type: ignore[attr-defined]
        private_note = instance.own_private_note  # type: ignore[attr-defined]
        return {
            "id": instance.pk,
            "pairing": instance.pairing_id,
            "occurred_on": instance.occurred_on.isoformat(),
            "duration_minutes": instance.duration_minutes,
            "kind": instance.kind,
            "topics": [
                {"id": topic.pk, "slug": topic.slug, "name": topic.name}
                for topic in instance.listed_topics  # type: ignore[attr-defined]
            ],
            "logged_by": {"id": author.pk, "full_name": author.full_name, "email": author.email},
            "created_at": _iso_datetime(instance.created_at, zone),
            "updated_at": _iso_datetime(instance.updated_at, zone),
            "editable": self.get_editable(instance),
            "shared_notes": None if shared_notes is None else str(shared_notes),
            "confidence_pulse": None if pulse is None else int(pulse),
            "private_note": None if private_note is None else str(private_note),
            "action_items": self.get_action_items(instance),
            "closed_action_items": self.get_closed_action_items(instance),
        }

    def _output_zone(self) -> dt.tzinfo:
        # DRF writes datetimes in the current time zone; asked once a page.
        zone: dt.tzinfo | None = getattr(self, "_zone", None)
        if zone is None:
            zone = self._zone = timezone.get_current_timezone()
        return zone

    def _items(self, checkin: CheckIn, attribute: str) -> list[dict[str, Any]] | None:
        if not getattr(checkin, "viewer_in_pair", False):
            return None
        items = getattr(checkin, attribute)
        if not items:
            return []
        # One item serializer for the whole page (building a serializer
        # costs more than using one, and a page has fifty check-ins).
        if getattr(self, "_item_serializer", None) is None:
            self._item_serializer = ActionItemSerializer(context=self.context)
        return [self._item_serializer.to_representation(item) for item in items]

    @extend_schema_field(ActionItemSerializer(many=True, allow_null=True))
    def get_action_items(self, checkin: CheckIn) -> list[dict[str, Any]] | None:
        return self._items(checkin, "readable_action_items")

    @extend_schema_field(ActionItemSerializer(many=True, allow_null=True))
    def get_closed_action_items(self, checkin: CheckIn) -> list[dict[str, Any]] | None:
        return self._items(checkin, "readable_closed_items")


# What is to be done: text that is not only whitespace, as the service
# accepts it; the schema says so (NOT_BLANK, core/api/schema_extensions.py).
class ActionItemTextField(StrictCharField):
    """What is to be done: required, not blank once trimmed, at most 500."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=ACTION_ITEM_MAX_LENGTH, **kwargs)


class NewActionItemSerializer(serializers.Serializer[Any]):
    text = ActionItemTextField(help_text="What is to be done.")
    owner = serializers.ChoiceField(choices=ACTION_ITEM_OWNERS, help_text="Who does it.")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class CheckInEditSerializer(serializers.Serializer[Any]):
    """What the author may change, within 7 days. Fields left out stay."""

    occurred_on = serializers.DateField(help_text="Not in the future, nor before the pairing.")
    duration_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60)
    kind = serializers.ChoiceField(choices=CheckInKind.choices)
    topics = serializers.ListField(
        child=IdRelatedField(queryset=Competency.objects.all()), max_length=20
    )
    shared_notes = StrictCharField(
        allow_blank=True, max_length=NOTE_MAX_LENGTH, help_text="The mentor and mentee read it."
    )
    private_note = StrictCharField(
        allow_blank=True, max_length=NOTE_MAX_LENGTH, help_text="Only you will ever read it."
    )
    confidence_pulse = serializers.IntegerField(
        allow_null=True, min_value=1, max_value=5, help_text="The mentee only: 1-5."
    )


class WeekPartsSerializer(serializers.Serializer[Any]):
    """Where a week went, in percent: four whole numbers that add up to 100."""

    individual = serializers.IntegerField(
        min_value=0, max_value=100, help_text="Individual work: code, own deliverables."
    )
    people = serializers.IntegerField(
        min_value=0, max_value=100, help_text="People: 1:1s, coaching, feedback, hiring."
    )
    direction = serializers.IntegerField(
        min_value=0, max_value=100, help_text="Direction: planning, priorities, across teams."
    )
    other = serializers.IntegerField(min_value=0, max_value=100, help_text="Everything else.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        total = sum(attrs[part.value] for part in WeekPart)
        if total != 100:
            raise serializers.ValidationError(
                f"The four parts add up to {total}; make them 100 (roughly is fine)."
            )
        return attrs


def split_from(data: dict[str, Any] | None) -> Split | None:
    """The service's ``Split`` from a ``WeekPartsSerializer``'s data."""
    return None if data is None else Split(*(data[part.value] for part in WeekPart))


class WeekSplitSerializer(serializers.ModelSerializer[WeekSplit]):
    checkin = serializers.IntegerField(
        source="checkin_id", allow_null=True, help_text="The check-in it was given with, if any."
    )

    class Meta:
        model = WeekSplit
        fields = [
            "id",
            "pairing",
            "week_of",
            "individual",
            "people",
            "direction",
            "other",
            "checkin",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"week_of": {"help_text": "The Monday of the mentee's week."}}


class WeekSplitInputSerializer(WeekPartsSerializer):
    pairing = ViewerScopedIdField(
        pairings_of_pair,
        model=Pairing,
        error_messages={
            "does_not_exist": "You are not the mentor or the mentee of pairing {pk_value}."
        },
    )
    on = serializers.DateField(
        required=False,
        help_text="A day of the week meant (by default today, where you are). A second "
        "answer for a week replaces the first.",
    )


class CheckInInputSerializer(CheckInEditSerializer):
    pairing = ViewerScopedIdField(
        pairings_of_pair,
        model=Pairing,
        error_messages={
            "does_not_exist": "You are not the mentor or the mentee of pairing {pk_value}."
        },
    )
    topics = serializers.ListField(
        child=IdRelatedField(queryset=Competency.objects.all()),
        max_length=20,
        required=False,
        default=list,
    )
    kind = serializers.ChoiceField(choices=CheckInKind.choices, default=CheckInKind.MEETING)
    shared_notes = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=NOTE_MAX_LENGTH,
        help_text="The mentor and mentee read it.",
    )
    private_note = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=NOTE_MAX_LENGTH,
        help_text="Only you will ever read it.",
    )
    confidence_pulse = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=5,
        help_text="The mentee only: 1-5.",
    )
    action_items = serializers.ListField(
        child=NewActionItemSerializer(), required=False, default=list, max_length=20
    )
    close_action_items = serializers.ListField(
        child=ViewerScopedIdField(action_items_visible_to, model=ActionItem),
        required=False,
        default=list,
        max_length=50,
        help_text="Open action items of this pairing that are now done.",
    )
    week_split = WeekPartsSerializer(
        required=False,
        allow_null=True,
        default=None,
        help_text="The mentee only: where the week of the check-in went, in percent.",
    )


class RatingSerializer(serializers.Serializer[Any]):
    competency = CompetencyRefSerializer()
    score = serializers.IntegerField(min_value=1, max_value=5)


class AssessmentSerializer(serializers.ModelSerializer[Assessment]):
    ratings = RatingSerializer(many=True)
    reflection = serializers.CharField(
        source="own_reflection",
        allow_null=True,
        help_text="Your own reflection: only its author ever reads it; null for anyone else.",
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "pairing",
            "mentee",
            "occasion",
            "taken_on",
            "milestone",
            "shared_with_mentor",
            "ratings",
            "reflection",
            "created_at",
        ]


class RatingInputSerializer(serializers.Serializer[Any]):
    competency = IdRelatedField(queryset=Competency.objects.all())
    score = serializers.IntegerField(min_value=1, max_value=5)


class AssessmentInputSerializer(serializers.Serializer[Any]):
    pairing = ViewerScopedIdField(
        lambda viewer: Pairing.objects.filter(mentee=viewer),
        model=Pairing,
        error_messages={"does_not_exist": "You are not the mentee of pairing {pk_value}."},
    )
    occasion = serializers.ChoiceField(
        choices=AssessmentOccasion.choices,
        default=AssessmentOccasion.AD_HOC,
        help_text="day_0, day_30, day_60 and day_90 are taken once each; ad_hoc any time.",
    )
    taken_on = serializers.DateField(required=False, help_text="Today where you are, unless given.")
    ratings = serializers.ListField(child=RatingInputSerializer(), min_length=1, max_length=50)
    shared_with_mentor = StrictBooleanField(
        required=False, default=False, help_text="Let your mentor see the ratings."
    )
    reflection = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=NOTE_MAX_LENGTH,
        help_text="Private: never shown to anyone but you.",
    )

    def validate_ratings(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen = [row["competency"].pk for row in value]
        if len(seen) != len(set(seen)):
            raise serializers.ValidationError("Rate each competency once.")
        return value


class PrivateNoteInputSerializer(serializers.Serializer[Any]):
    private_note = StrictCharField(
        allow_blank=True,
        max_length=NOTE_MAX_LENGTH,
        help_text="Only you will ever read it. Empty text removes your note.",
    )


class AssessmentShareSerializer(serializers.Serializer[Any]):
    shared_with_mentor = StrictBooleanField(help_text="Let your mentor see the ratings.")


class GroupConfidenceSerializer(serializers.Serializer[Any]):
    competency = serializers.CharField()
    mentees = serializers.IntegerField(help_text="Mentees whose ratings the means are over.")
    first = serializers.FloatField(
        allow_null=True,
        help_text="Mean first rating; null when no department reaches the threshold.",
    )
    latest = serializers.FloatField(
        allow_null=True,
        help_text="Mean latest rating; null when no department reaches the threshold.",
    )
    suppressed = serializers.BooleanField()
    left_out = serializers.IntegerField(
        help_text="Mentees in departments of the program under the threshold: in no figure."
    )


class ConfidenceSummarySerializer(serializers.Serializer[Any]):
    program = serializers.IntegerField()
    minimum_group = serializers.IntegerField(
        help_text="Groups smaller than this are not shown (SCAFFOLD_MIN_AGGREGATE_GROUP)."
    )
    competencies = GroupConfidenceSerializer(many=True)


class ConfidenceQuerySerializer(QuerySerializer):
    program = serializers.IntegerField(min_value=1, max_value=2**63 - 1)

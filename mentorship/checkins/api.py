from __future__ import annotations

from typing import Any

import django_filters
from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mentorship.checkins import selectors, services
from mentorship.checkins.models import (
    ActionItem,
    Assessment,
    AssessmentOccasion,
    CheckIn,
    WeekSplit,
)
from mentorship.checkins.serializers import (
    ActionItemSerializer,
    AssessmentInputSerializer,
    AssessmentSerializer,
    AssessmentShareSerializer,
    CheckInEditSerializer,
    CheckInInputSerializer,
    CheckInSerializer,
    ConfidenceQuerySerializer,
    ConfidenceSummarySerializer,
    PrivateNoteInputSerializer,
    WeekSplitInputSerializer,
    WeekSplitSerializer,
    split_from,
)
from mentorship.checkins.services import week_of
from mentorship.core.api.fields import columns_shown_by
from mentorship.core.api.filters import IdFilter, StrictFilterSet
from mentorship.core.api.views import ScopedQuerysetMixin
from mentorship.core.timezones import today_for
from mentorship.people.models import Person
from mentorship.people.signed_in import person_of
from mentorship.programs.selectors import programs_administered_by


class _ViewerContextMixin:
    request: Any

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())  # type: ignore[misc]
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            context["viewer"] = user
        context["now"] = timezone.now()
        return context


# The check-in's own columns the API shows (the pair's notes and pulse are
# read through the selector's annotations, never from the columns).
API_CHECKIN_FIELDS = columns_shown_by(CheckInSerializer)


class CheckInFilter(StrictFilterSet):
    pairing = IdFilter(field_name="pairing_id", label="Pairing id")
    kind = django_filters.ChoiceFilter(choices=CheckIn._meta.get_field("kind").choices)
    occurred_after = django_filters.DateFilter(
        field_name="occurred_on", lookup_expr="gte", label="On or after"
    )
    occurred_before = django_filters.DateFilter(
        field_name="occurred_on", lookup_expr="lte", label="On or before"
    )

    class Meta:
        model = CheckIn
        fields = ["pairing", "kind", "occurred_after", "occurred_before"]


@extend_schema_view(
    list=extend_schema(tags=["check-ins"]),
    retrieve=extend_schema(tags=["check-ins"]),
    create=extend_schema(
        tags=["check-ins"],
        request=CheckInInputSerializer,
        responses={201: CheckInSerializer},
        description=(
            "Log a check-in of your active or paused pairing, with its new action items and "
            "the open ones now done. The date may not be in the future nor before the "
            "pairing started; only the mentee gives a confidence pulse."
        ),
    ),
    partial_update=extend_schema(
        tags=["check-ins"],
        request=CheckInEditSerializer,
        responses=CheckInSerializer,
        description="Change a check-in you logged, within 7 days. Fields left out stay.",
    ),
)
class CheckInViewSet(
    _ViewerContextMixin,
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[CheckIn],
):
    """Check-ins. The pair reads everything but each other's private notes;
    program admins and HR see that a check-in happened (date, duration, kind,
    topics), never what was said: for them the text fields are null."""

    serializer_class = CheckInSerializer
    filterset_class = CheckInFilter
    cursor_ordering = ("-created_at", "-id")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self, viewer: Person) -> QuerySet[CheckIn]:
        # What the serializer reads and no more: the pairing's status (may it
        # still be edited?) and the author's name, not the pair's and the
        # program's whole rows the pages show.
        return (
            selectors.checkins_visible_to(viewer, related=False)
            .select_related(None)
            .select_related("pairing", "logged_by")
            .only(
                *API_CHECKIN_FIELDS,
                "pairing__status",
                "logged_by__full_name",
                "logged_by__email",
            )
        )

    # The topics and the pair's action items are read once the rows are
    # known: no action items for a page of other people's check-ins (HR's),
    # one query for the pair's own.
    def paginate_queryset(self, queryset: Any) -> list[Any] | None:
        page = super().paginate_queryset(queryset)
        if page is not None:
            selectors.attach_related(person_of(self.request), page)
        return page

    def get_object(self) -> CheckIn:
        checkin = super().get_object()
        selectors.attach_related(person_of(self.request), [checkin])
        return checkin

    def _fresh(self, checkin: CheckIn, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=checkin.pk)
        selectors.attach_related(person_of(self.request), [fresh])
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = person_of(request)
        payload = CheckInInputSerializer(data=request.data, context={"viewer": person})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        pairing = data["pairing"]
        owners = {"mentee": pairing.mentee, "mentor": pairing.mentor}
        checkin = services.checkin_log(
            pairing=pairing,
            by=person,
            occurred_on=data["occurred_on"],
            duration_minutes=data["duration_minutes"],
            kind=data["kind"],
            topics=data["topics"],
            shared_notes=data["shared_notes"],
            private_note=data["private_note"],
            confidence_pulse=data["confidence_pulse"],
            action_items=[
                services.ActionItemSpec(
                    text=item["text"], owner=owners[item["owner"]], due_on=item["due_on"]
                )
                for item in data["action_items"]
            ],
            close_action_items=data["close_action_items"],
            week_split=split_from(data["week_split"]),
        )
        return self._fresh(checkin, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        checkin = self.get_object()
        person = person_of(request)
        payload = CheckInEditSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        current = {
            "occurred_on": checkin.occurred_on,
            "duration_minutes": checkin.duration_minutes,
            "kind": checkin.kind,
            "topics": list(checkin.topics.all()),
            "shared_notes": checkin.readable_shared_notes or "",  # type: ignore[attr-defined]
            "private_note": checkin.own_private_note or "",  # type: ignore[attr-defined]
            "confidence_pulse": checkin.readable_pulse,  # type: ignore[attr-defined]
        }
        services.checkin_edit(checkin=checkin, by=person, **{**current, **payload.validated_data})
        return self._fresh(checkin)

    @extend_schema(
        request=PrivateNoteInputSerializer,
        responses=CheckInSerializer,
        description=(
            "Write, change or (with empty text) remove your own private note on a "
            "check-in of your pairing, whoever logged it and however long ago. "
            "Nobody else ever reads it."
        ),
    )
    @action(detail=True, methods=["post"], url_path="private-note")
    def private_note(self, request: Request, pk: str | None = None) -> Response:
        checkin = self.get_object()
        if not checkin.viewer_in_pair:  # type: ignore[attr-defined]
            raise PermissionDenied("Only the mentor and the mentee keep notes on a check-in.")
        payload = PrivateNoteInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.private_note_write(
            checkin=checkin, by=person_of(request), text=payload.validated_data["private_note"]
        )
        return self._fresh(checkin)


class ActionItemFilter(StrictFilterSet):
    pairing = IdFilter(field_name="pairing_id", label="Pairing id")
    open = django_filters.BooleanFilter(
        field_name="done_at", lookup_expr="isnull", label="Only open (true) or done (false)"
    )

    class Meta:
        model = ActionItem
        fields = ["pairing", "open"]


@extend_schema_view(
    list=extend_schema(tags=["check-ins"]), retrieve=extend_schema(tags=["check-ins"])
)
class ActionItemViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet[ActionItem]):
    """Action items of your own pairings (the pair's text: nobody else's)."""

    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter
    cursor_ordering = ("-created_at", "-id")

    def scoped_queryset(self, viewer: Person) -> QuerySet[ActionItem]:
        return selectors.action_items_visible_to(viewer)

    @extend_schema(tags=["check-ins"], request=None, responses=ActionItemSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        """Tick the action item off."""
        item = services.action_item_complete(item=self.get_object(), by=person_of(request))
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data)


class WeekSplitFilter(StrictFilterSet):
    pairing = IdFilter(field_name="pairing_id", label="Pairing id")
    week_after = django_filters.DateFilter(
        field_name="week_of", lookup_expr="gte", label="Weeks from this Monday on"
    )

    class Meta:
        model = WeekSplit
        fields = ["pairing", "week_after"]


@extend_schema_view(
    list=extend_schema(tags=["check-ins"]),
    retrieve=extend_schema(tags=["check-ins"]),
    create=extend_schema(
        tags=["check-ins"],
        request=WeekSplitInputSerializer,
        responses={201: WeekSplitSerializer, 200: WeekSplitSerializer},
        description=(
            "As the mentee, say roughly where a week went, in percent (four parts adding "
            "up to 100). One answer per week: the first is created (201), a second "
            "replaces it (200, the same id)."
        ),
    ),
)
class WeekSplitViewSet(
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[WeekSplit],
):
    """Where the mentee's weeks went, week by week: the pair reads them, the
    mentee gives them. HR and program admins read none (past day 45, a week
    still mostly individual work is an at-risk reason, without its figures)."""

    serializer_class = WeekSplitSerializer
    filterset_class = WeekSplitFilter
    cursor_ordering = ("-week_of", "-id")
    http_method_names = ["get", "post", "head", "options"]

    def scoped_queryset(self, viewer: Person) -> QuerySet[WeekSplit]:
        return selectors.week_splits_visible_to(viewer)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = person_of(request)
        payload = WeekSplitInputSerializer(data=request.data, context={"viewer": person})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        split = split_from(data)
        assert split is not None  # the serializer has all four parts
        on = data.get("on") or today_for(person)
        replaces = WeekSplit.objects.filter(pairing=data["pairing"], week_of=week_of(on)).exists()
        row = services.week_split_record(pairing=data["pairing"], by=person, split=split, on=on)
        fresh = self.get_queryset().get(pk=row.pk)
        code = status.HTTP_200_OK if replaces else status.HTTP_201_CREATED
        return Response(self.get_serializer(fresh).data, status=code)


class AssessmentFilter(StrictFilterSet):
    pairing = IdFilter(field_name="pairing_id", label="Pairing id")
    occasion = django_filters.ChoiceFilter(choices=AssessmentOccasion.choices)

    class Meta:
        model = Assessment
        fields = ["pairing", "occasion"]


@extend_schema_view(
    list=extend_schema(tags=["assessments"]),
    retrieve=extend_schema(tags=["assessments"]),
    create=extend_schema(
        tags=["assessments"],
        request=AssessmentInputSerializer,
        responses={201: AssessmentSerializer},
        description=(
            "Rate your confidence (1-5) per competency of your plan, as the mentee. Day 0, "
            "30, 60 and 90 are taken once each and need every competency of the plan; taking "
            "one completes its plan step. The reflection is private to you."
        ),
    ),
    partial_update=extend_schema(
        tags=["assessments"],
        request=AssessmentShareSerializer,
        responses=AssessmentSerializer,
        description="Share the ratings with your mentor, or stop sharing them.",
    ),
)
class AssessmentViewSet(
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Assessment],
):
    """Self-assessments: your own as a mentee, and those your mentees shared
    with you as their mentor. Reflections reach their author only. Program
    admins and HR see ratings only as group figures (``summary``)."""

    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    cursor_ordering = ("-created_at", "-id")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self, viewer: Person) -> QuerySet[Assessment]:
        return selectors.assessments_visible_to(viewer)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = person_of(request)
        payload = AssessmentInputSerializer(data=request.data, context={"viewer": person})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        assessment = services.assessment_record(
            pairing=data["pairing"],
            by=person,
            occasion=data["occasion"],
            ratings={row["competency"]: row["score"] for row in data["ratings"]},
            taken_on=data.get("taken_on"),
            shared_with_mentor=data["shared_with_mentor"],
            reflection=data["reflection"],
        )
        fresh = self.get_queryset().get(pk=assessment.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assessment = self.get_object()
        # PATCH: a field left out stays as it is (``{}`` changes nothing).
        payload = AssessmentShareSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        if "shared_with_mentor" in payload.validated_data:
            services.assessment_share(
                assessment=assessment,
                by=person_of(request),
                shared=payload.validated_data["shared_with_mentor"],
            )
        return Response(self.get_serializer(self.get_queryset().get(pk=assessment.pk)).data)


class ConfidenceSummaryView(APIView):
    """Mean self-rated confidence per competency over a program's mentees,
    first rating against latest, for the program's admins and HR. The
    figures are made of the program's departments that have at least the
    threshold of mentees; the others are left out (and counted), so that no
    two figures differ by fewer mentees than that."""

    @extend_schema(
        tags=["assessments"],
        parameters=[ConfidenceQuerySerializer],
        responses=ConfidenceSummarySerializer,
    )
    def get(self, request: Request) -> Response:
        query = ConfidenceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        person = person_of(request)
        program = get_object_or_404(
            programs_administered_by(person), pk=query.validated_data["program"]
        )
        rows = selectors.confidence_aggregate(person, program)
        return Response(
            ConfidenceSummarySerializer(
                {
                    "program": program.pk,
                    "minimum_group": settings.SCAFFOLD_MIN_AGGREGATE_GROUP,
                    "competencies": [
                        {
                            "competency": row.competency,
                            "mentees": row.mentees,
                            "first": row.first,
                            "latest": row.latest,
                            "suppressed": row.suppressed,
                            "left_out": row.left_out,
                        }
                        for row in rows
                    ],
                }
            ).data
        )

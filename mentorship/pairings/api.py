from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mentorship import access
from mentorship.core.api.fields import columns_shown_by
from mentorship.core.api.filters import IdFilter, StrictFilterSet
from mentorship.core.api.views import ScopedQuerysetMixin
from mentorship.pairings import selectors
from mentorship.pairings.models import (
    ChangeRequestStatus,
    Milestone,
    MilestoneStatus,
    Pairing,
    PairingChangeRequest,
    PairingStatus,
)
from mentorship.pairings.serializers import (
    ChangeRequestInputSerializer,
    ChangeRequestSerializer,
    CloseSerializer,
    DecisionSerializer,
    EndSerializer,
    MilestoneActionSerializer,
    MilestoneSerializer,
    OutcomeSerializer,
    PairingSerializer,
    ReasonSerializer,
    RematchResultSerializer,
)
from mentorship.pairings.services.change_requests import change_request_decide, change_request_open
from mentorship.pairings.services.lifecycle import (
    pairing_complete,
    pairing_end,
    pairing_pause,
    pairing_record_outcome,
    pairing_resume,
)
from mentorship.pairings.services.matching import pairing_rematch
from mentorship.pairings.services.milestones import (
    milestone_complete,
    milestone_reopen,
    milestone_require_member,
    milestone_skip,
)
from mentorship.people.models import Person
from mentorship.people.signed_in import person_of


class MilestoneFilter(StrictFilterSet):
    pairing = IdFilter(field_name="pairing_id", label="Pairing id")
    status = django_filters.ChoiceFilter(choices=MilestoneStatus.choices)
    due_after = django_filters.DateFilter(
        field_name="due_on", lookup_expr="gte", label="Due on or after"
    )
    due_before = django_filters.DateFilter(
        field_name="due_on", lookup_expr="lte", label="Due on or before"
    )

    class Meta:
        model = Milestone
        fields = ["pairing", "status", "due_after", "due_before"]


@extend_schema_view(
    list=extend_schema(tags=["milestones"]), retrieve=extend_schema(tags=["milestones"])
)
class MilestoneViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet[Milestone]):
    """Milestones of the pairings you can see. Only the mentor and the mentee
    of a pairing complete, skip or reopen its milestones; only they read the
    completion notes."""

    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter
    cursor_ordering = ("due_on", "id")

    def scoped_queryset(self, viewer: Person) -> QuerySet[Milestone]:
        return selectors.milestones_visible_to(viewer)

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if getattr(self.request, "user", None) is not None and self.request.user.is_authenticated:
            context["viewer"] = self.request.user
        return context

    def _act(self, request: Request, name: str) -> Response:
        milestone = self.get_object()
        person = person_of(request)
        payload = MilestoneActionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        milestone_require_member(milestone=milestone, person=person)
        note = payload.validated_data["note"]
        if name == "complete":
            milestone_complete(milestone=milestone, by=person, note=note)
        elif name == "skip":
            milestone_skip(milestone=milestone, by=person, note=note)
        else:
            milestone_reopen(milestone=milestone, by=person)
        fresh = self.get_queryset().get(pk=milestone.pk)
        return Response(self.get_serializer(fresh).data)

    @extend_schema(
        tags=["milestones"], request=MilestoneActionSerializer, responses=MilestoneSerializer
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        """Mark the milestone done, with an optional note for the pair."""
        return self._act(request, "complete")

    @extend_schema(
        tags=["milestones"], request=MilestoneActionSerializer, responses=MilestoneSerializer
    )
    @action(detail=True, methods=["post"])
    def skip(self, request: Request, pk: str | None = None) -> Response:
        """Skip the milestone (it does not fit this pairing), with an optional note."""
        return self._act(request, "skip")

    @extend_schema(
        tags=["milestones"], request=MilestoneActionSerializer, responses=MilestoneSerializer
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        """Open a done or skipped milestone again."""
        return self._act(request, "reopen")


# --------------------------------------------------------------------------
# Pairings and their lifecycle


class PairingFilter(StrictFilterSet):
    program = IdFilter(field_name="program_id", label="Program id")
    mentee = IdFilter(field_name="mentee_id", label="Mentee's person id")
    mentor = IdFilter(field_name="mentor_id", label="Mentor's person id")
    status = django_filters.ChoiceFilter(choices=PairingStatus.choices)

    class Meta:
        model = Pairing
        fields = ["program", "mentee", "mentor", "status"]


# The pairing's own columns PairingSerializer reads, and the cursor's.
API_PAIRING_FIELDS = (*columns_shown_by(PairingSerializer), "created_at")


@extend_schema_view(
    list=extend_schema(tags=["pairings"]), retrieve=extend_schema(tags=["pairings"])
)
class PairingViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet[Pairing]):
    """Pairings you can see: HR all, program admins their programs', the pair
    and the mentee's line manager their own once approved. Program admins
    move a pairing through its lifecycle; an illegal move answers 400 with
    the reason."""

    serializer_class = PairingSerializer
    filterset_class = PairingFilter
    cursor_ordering = ("-created_at", "-id")

    def scoped_queryset(self, viewer: Person) -> QuerySet[Pairing]:
        pairings = selectors.pairings_visible_to(viewer)
        if getattr(self, "action", None) != "list":
            # One pairing, which an action may hand to a service whole.
            return pairings
        # A page reads what the serializer shows and no more: not the
        # program's row nor the departments the pages show, and of the two
        # people their names and addresses.
        person = ("id", "full_name", "email")
        return (
            pairings.select_related(None)
            .select_related("mentee", "mentor")
            .only(
                *API_PAIRING_FIELDS,
                *(f"{side}__{field}" for side in ("mentee", "mentor") for field in person),
            )
        )

    def _fresh(self, pairing: Pairing) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=pairing.pk)).data)

    def _admin_object(self) -> tuple[Pairing, Person]:
        pairing = self.get_object()
        person = person_of(self.request)
        access.require_administers(person, pairing.program)
        return pairing, person

    @extend_schema(tags=["pairings"], request=ReasonSerializer, responses=PairingSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request: Request, pk: str | None = None) -> Response:
        """Pause an active pairing (program admins), with the reason."""
        pairing, person = self._admin_object()
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._fresh(
            pairing_pause(pairing=pairing, by=person, reason=payload.validated_data["reason"])
        )

    @extend_schema(tags=["pairings"], request=None, responses=PairingSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str | None = None) -> Response:
        """Resume a paused pairing (program admins)."""
        pairing, person = self._admin_object()
        return self._fresh(pairing_resume(pairing=pairing, by=person))

    @extend_schema(tags=["pairings"], request=CloseSerializer, responses=PairingSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        """Complete the pairing, with its outcome (program admins)."""
        pairing, person = self._admin_object()
        payload = CloseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._fresh(
            pairing_complete(pairing=pairing, by=person, outcome=payload.validated_data["outcome"])
        )

    @extend_schema(tags=["pairings"], request=ReasonSerializer, responses=RematchResultSerializer)
    @action(detail=True, methods=["post"])
    def rematch(self, request: Request, pk: str | None = None) -> Response:
        """End a live pairing that is not working (program admins), with the
        reason, and propose the mentee the best mentor with room (never the
        same one again), for review like any proposal."""
        pairing, person = self._admin_object()
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        proposal = pairing_rematch(
            pairing=pairing, by=person, reason=payload.validated_data["reason"]
        )
        scoped = self.get_queryset()
        body = {
            "ended": scoped.get(pk=pairing.pk),
            "proposal": scoped.get(pk=proposal.pk) if proposal is not None else None,
        }
        return Response(RematchResultSerializer(body).data)

    @extend_schema(tags=["pairings"], request=EndSerializer, responses=PairingSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        """End the pairing early, with the reason and outcome (program admins)."""
        pairing, person = self._admin_object()
        payload = EndSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._fresh(
            pairing_end(
                pairing=pairing,
                by=person,
                reason=payload.validated_data["reason"],
                outcome=payload.validated_data["outcome"],
            )
        )

    @extend_schema(
        tags=["pairings"],
        request=ChangeRequestInputSerializer,
        responses={201: ChangeRequestSerializer},
    )
    @action(detail=True, methods=["post"], url_path="request-change")
    def request_change(self, request: Request, pk: str | None = None) -> Response:
        """The mentor or the mentee asks the program admins to pause or end
        the pairing, with the reason; the admins decide."""
        pairing = self.get_object()
        payload = ChangeRequestInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        change = change_request_open(
            pairing=pairing,
            by=person_of(request),
            kind=payload.validated_data["kind"],
            reason=payload.validated_data["reason"],
        )
        return Response(ChangeRequestSerializer(change).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=["pairings"], request=OutcomeSerializer, responses=PairingSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: str | None = None) -> Response:
        """Record how a closed pairing turned out (program admins)."""
        pairing, person = self._admin_object()
        payload = OutcomeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._fresh(
            pairing_record_outcome(
                pairing=pairing, by=person, outcome=payload.validated_data["outcome"]
            )
        )


class ChangeRequestFilter(StrictFilterSet):
    pairing = IdFilter(field_name="pairing_id", label="Pairing id")
    status = django_filters.ChoiceFilter(choices=ChangeRequestStatus.choices)

    class Meta:
        model = PairingChangeRequest
        fields = ["pairing", "status"]


@extend_schema_view(
    list=extend_schema(tags=["pairings"]), retrieve=extend_schema(tags=["pairings"])
)
class ChangeRequestViewSet(
    ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet[PairingChangeRequest]
):
    """Requests from the pair to pause or end their pairing: theirs, and
    those of the programs you run, which you approve or decline."""

    serializer_class = ChangeRequestSerializer
    filterset_class = ChangeRequestFilter
    cursor_ordering = ("-created_at", "-id")

    def scoped_queryset(self, viewer: Person) -> QuerySet[PairingChangeRequest]:
        return selectors.change_requests_visible_to(viewer)

    def _decide(self, request: Request, *, approve: bool) -> Response:
        change = self.get_object()
        payload = DecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        decided = change_request_decide(
            change_request=change,
            by=person_of(request),
            approve=approve,
            note=payload.validated_data["note"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=decided.pk)).data)

    @extend_schema(tags=["pairings"], request=DecisionSerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve: the pairing is paused or ended with the requester's reason."""
        return self._decide(request, approve=True)

    @extend_schema(tags=["pairings"], request=DecisionSerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        """Decline, with a note for the person who asked."""
        return self._decide(request, approve=False)

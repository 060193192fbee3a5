from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mentorship import access
from mentorship.core.api.filters import IdFilter, StrictFilterSet
from mentorship.core.api.views import ScopedQuerysetMixin
from mentorship.pairings import selectors
from mentorship.pairings.models import (
    ChangeRequestStatus,
    MatchingRun,
    MatchingRunStatus,
    Milestone,
    MilestoneStatus,
    Pairing,
    PairingChangeRequest,
    PairingSource,
    PairingStatus,
)
from mentorship.pairings.serializers import (
    AlternativeSerializer,
    ApproveAllResultSerializer,
    ApproveAllSerializer,
    ApproveSerializer,
    ChangeRequestInputSerializer,
    ChangeRequestSerializer,
    CloseSerializer,
    DecisionSerializer,
    EndSerializer,
    MatchingRunInputSerializer,
    MatchingRunSerializer,
    MentorRequestSerializer,
    MilestoneActionSerializer,
    MilestoneSerializer,
    OutcomeSerializer,
    PairingSerializer,
    ReasonSerializer,
    RecommendationQuerySerializer,
    RecommendationSerializer,
    ReplaceMentorSerializer,
)
from mentorship.pairings.services.change_requests import change_request_decide, change_request_open
from mentorship.pairings.services.lifecycle import (
    pairing_complete,
    pairing_decline,
    pairing_end,
    pairing_pause,
    pairing_record_outcome,
    pairing_resume,
)
from mentorship.pairings.services.matching import (
    matching_request,
    pairing_approve,
    pairing_replace_mentor,
    pairing_request,
    proposals_approve_all,
)
from mentorship.pairings.services.milestones import (
    milestone_complete,
    milestone_reopen,
    milestone_require_member,
    milestone_skip,
)
from mentorship.people.models import Person
from mentorship.people.signed_in import person_of
from mentorship.programs.models import Program


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
        return selectors.pairings_visible_to(viewer)

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


# --------------------------------------------------------------------------
# Matching


class MatchingRunFilter(StrictFilterSet):
    program = IdFilter(field_name="program_id", label="Program id")
    status = django_filters.ChoiceFilter(choices=MatchingRunStatus.choices)

    class Meta:
        model = MatchingRun
        fields = ["program", "status"]


@extend_schema_view(
    list=extend_schema(tags=["matching"]),
    retrieve=extend_schema(tags=["matching"]),
    create=extend_schema(
        tags=["matching"],
        request=MatchingRunInputSerializer,
        responses={202: MatchingRunSerializer},
        description=(
            "Start matching for a program (its admins). A worker runs it; poll the run "
            "until its status is done or failed. Proposals of an earlier run that are "
            "still waiting for approval are replaced; approved pairings are not touched."
        ),
    ),
)
class MatchingRunViewSet(
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[MatchingRun],
):
    """Matching runs of the programs you run, with the mentees each could
    not place and why."""

    serializer_class = MatchingRunSerializer
    filterset_class = MatchingRunFilter
    cursor_ordering = ("-created_at", "-id")

    def scoped_queryset(self, viewer: Person) -> QuerySet[MatchingRun]:
        return selectors.matching_runs_visible_to(viewer)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = MatchingRunInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        program = payload.validated_data["program"]
        run = matching_request(program=program, by=person_of(request))
        return Response(self.get_serializer(run).data, status=status.HTTP_202_ACCEPTED)


class ProposalFilter(StrictFilterSet):
    program = IdFilter(field_name="program_id", label="Program id")
    source = django_filters.ChoiceFilter(choices=PairingSource.choices)

    class Meta:
        model = Pairing
        fields = ["program", "source"]


@extend_schema_view(
    list=extend_schema(tags=["matching"]), retrieve=extend_schema(tags=["matching"])
)
class ProposalViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet[Pairing]):
    """Proposed pairings waiting for a program admin: from matching (with the
    score and its explanation) or requested by a mentee. Best score first."""

    serializer_class = PairingSerializer
    filterset_class = ProposalFilter
    cursor_ordering = ("-match_score", "id")

    def scoped_queryset(self, viewer: Person) -> QuerySet[Pairing]:
        return selectors.proposals_visible_to(viewer)

    def _admin_object(self) -> tuple[Pairing, Person]:
        pairing = self.get_object()
        person = person_of(self.request)
        access.require_administers(person, pairing.program)
        return pairing, person

    def _fresh(self, pairing: Pairing) -> Response:
        fresh = selectors.pairings_visible_to(person_of(self.request)).get(pk=pairing.pk)
        return Response(PairingSerializer(fresh).data)

    @extend_schema(tags=["matching"], request=ApproveSerializer, responses=PairingSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve the proposal: the pairing starts (today unless given), its
        milestones are laid out and both receive the welcome email."""
        pairing, person = self._admin_object()
        payload = ApproveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._fresh(
            pairing_approve(
                pairing=pairing, by=person, starts_on=payload.validated_data.get("starts_on")
            )
        )

    @extend_schema(tags=["matching"], request=ReasonSerializer, responses=PairingSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        """Decline the proposal, with the reason."""
        pairing, person = self._admin_object()
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._fresh(
            pairing_decline(pairing=pairing, by=person, reason=payload.validated_data["reason"])
        )

    @extend_schema(tags=["matching"], responses=AlternativeSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def alternatives(self, request: Request, pk: str | None = None) -> Response:
        """Every mentor who could take this mentee instead, with room left,
        best first, each with a score and its explanation."""
        pairing, _ = self._admin_object()
        ranked = selectors.mentor_alternatives(pairing, limit=None)
        rows = [
            {
                "mentor_id": p.mentor_id,
                "score": p.score,
                "parts": [part.as_dict() for part in p.parts],
                "explanation": p.explanation,
            }
            for p in ranked
        ]
        return Response(AlternativeSerializer(rows, many=True).data)

    @extend_schema(tags=["matching"], request=ReplaceMentorSerializer, responses=PairingSerializer)
    @action(detail=True, methods=["post"])
    def replace(self, request: Request, pk: str | None = None) -> Response:
        """Give the proposal another mentor (one of its alternatives)."""
        pairing, person = self._admin_object()
        payload = ReplaceMentorSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._fresh(
            pairing_replace_mentor(
                pairing=pairing, mentor=payload.validated_data["mentor"], by=person
            )
        )

    @extend_schema(
        tags=["matching"], request=ApproveAllSerializer, responses=ApproveAllResultSerializer
    )
    @action(detail=False, methods=["post"], url_path="approve-all")
    def approve_all(self, request: Request) -> Response:
        """Approve every waiting proposal of a program. Each is approved on its
        own; any that cannot be (say, a mentor's capacity was lowered) is
        listed with the reason and the rest go ahead."""
        payload = ApproveAllSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        program = payload.validated_data["program"]
        approved, problems = proposals_approve_all(
            program=program,
            by=person_of(request),
            starts_on=payload.validated_data.get("starts_on"),
        )
        return Response({"approved": approved, "problems": problems})


def _waiting_program(request: Request, program_id: int) -> Program:
    """A program where the person asking is a mentee still waiting for a mentor."""
    program = (
        selectors.programs_waiting_for_a_mentor(person_of(request)).filter(pk=program_id).first()
    )
    if program is None:
        raise exceptions.ValidationError(
            {"program": ["You are not waiting for a mentor in this program."]}
        )
    return program


class RecommendationsView(APIView):
    """For a mentee waiting for a mentor: the three mentors who fit best,
    with the reasons, to ask for one."""

    @extend_schema(
        tags=["matching"],
        parameters=[
            OpenApiParameter(
                "program", int, required=True, description="A program you wait in, as a mentee"
            )
        ],
        responses=RecommendationSerializer(many=True),
        operation_id="matching_recommendations_list",
    )
    def get(self, request: Request) -> Response:
        query = RecommendationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        program = _waiting_program(request, query.validated_data["program"])
        rows = [
            {
                "mentor": mentor,
                "score": r.score,
                "parts": [part.as_dict() for part in r.parts],
                "explanation": r.explanation,
            }
            for r, mentor in selectors.recommended_mentors(person_of(request), program)
        ]
        return Response(RecommendationSerializer(rows, many=True).data)


class MentorRequestView(APIView):
    """A waiting mentee asks for one of their recommended mentors; the
    program admins approve or decline (with a reason) like any proposal."""

    @extend_schema(
        tags=["matching"],
        request=MentorRequestSerializer,
        responses={201: PairingSerializer},
        operation_id="matching_requests_create",
    )
    def post(self, request: Request) -> Response:
        payload = MentorRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        program = _waiting_program(request, payload.validated_data["program"].pk)
        pairing = pairing_request(
            program=program, mentee=person_of(request), mentor=payload.validated_data["mentor"]
        )
        return Response(PairingSerializer(pairing).data, status=status.HTTP_201_CREATED)

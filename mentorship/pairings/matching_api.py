"""The matching API: runs, the proposals they make and their approval, and a
waiting mentee's recommendations and request."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import FloatField, QuerySet, Value
from django.db.models.functions import Coalesce
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
    MatchingRun,
    MatchingRunStatus,
    Pairing,
    PairingSource,
)
from mentorship.pairings.serializers import (
    AlternativeSerializer,
    ApproveAllResultSerializer,
    ApproveAllSerializer,
    ApproveSerializer,
    MatchingRunInputSerializer,
    MatchingRunSerializer,
    MentorRequestSerializer,
    PairingSerializer,
    ReasonSerializer,
    RecommendationQuerySerializer,
    RecommendationSerializer,
    ReplaceMentorSerializer,
)
from mentorship.pairings.services.lifecycle import (
    pairing_decline,
)
from mentorship.pairings.services.matching import (
    matching_request,
    pairing_approve,
    pairing_replace_mentor,
    pairing_request,
    proposals_approve_all,
)
from mentorship.people.models import Person
from mentorship.people.signed_in import person_of
from mentorship.programs.models import Program


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
    # A mentee's own request has no score: it comes after every scored one.
    # (A keyset compares values, and a null compares as nothing.)
    cursor_ordering = ("-rank", "id")

    def scoped_queryset(self, viewer: Person) -> QuerySet[Pairing]:
        return selectors.proposals_visible_to(viewer).annotate(
            rank=Coalesce("match_score", Value(-1.0), output_field=FloatField())
        )

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
            program=program, mentee=person_of(request), mentor_id=payload.validated_data["mentor"]
        )
        return Response(PairingSerializer(pairing).data, status=status.HTTP_201_CREATED)

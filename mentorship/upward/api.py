"""Upward feedback in the API: a round's results for the mentee (and the
mentor it is shared with), sharing and focus, and for HR and program admins
only the averages over groups of managers. Answering is not here: reports
answer through their emailed link, without an account or a token."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mentorship.people.signed_in import person_of
from mentorship.programs.selectors import programs_administered_by
from mentorship.upward import selectors, services
from mentorship.upward.serializers import (
    CohortQuerySerializer,
    CohortSerializer,
    FocusSerializer,
    RoundSerializer,
    RoundShareSerializer,
)

ID = "[1-9][0-9]{0,17}"


class UpwardRoundViewSet(viewsets.ViewSet):
    """Rounds of upward feedback: a mentee's own, and those a mentee shared
    with their mentor. Figures and comments appear only once a round has
    closed with at least ``min_answers`` answers."""

    lookup_value_regex = ID

    def _one(self, request: Request, pk: str) -> selectors.RoundResults:
        result = selectors.round_results(person_of(request), int(pk))
        if result is None:
            raise NotFound
        return result

    @extend_schema(tags=["upward feedback"], responses=RoundSerializer(many=True))
    def list(self, request: Request) -> Response:
        rounds = selectors.results_for(selectors.rounds_visible_to(person_of(request)))
        # A mentor compares a round only with others shared with them: they
        # see those alone, so the change is computed over what they see.
        return Response(RoundSerializer(rounds, many=True).data)

    @extend_schema(tags=["upward feedback"], responses=RoundSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(RoundSerializer(self._one(request, pk)).data)

    @extend_schema(
        tags=["upward feedback"],
        request=RoundShareSerializer,
        responses=RoundSerializer,
        description="As the mentee, share the round with your mentor, or stop sharing it.",
    )
    @action(detail=True, methods=["post"])
    def share(self, request: Request, pk: str) -> Response:
        result = self._one(request, pk)
        person = person_of(request)
        if person.pk != result.round.pairing.mentee_id:
            raise PermissionDenied("Only the mentee shares their results.")
        payload = RoundShareSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.round_share(
            round_=result.round, by=person, shared=payload.validated_data["shared_with_mentor"]
        )
        return Response(RoundSerializer(self._one(request, pk)).data)

    @extend_schema(
        tags=["upward feedback"],
        request=FocusSerializer,
        responses=RoundSerializer,
        description=(
            "Pick up to two statements to work on until the next round: the mentee, or the "
            "mentor of a shared round, once the round shows results."
        ),
    )
    @action(detail=True, methods=["post"])
    def focus(self, request: Request, pk: str) -> Response:
        result = self._one(request, pk)
        payload = FocusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            services.round_set_focus(
                round_=result.round, by=person_of(request), keys=payload.validated_data["focus"]
            )
        except ValidationError as exc:
            raise ApiValidationError(exc.message_dict) from None
        return Response(RoundSerializer(self._one(request, pk)).data)


class UpwardCohortView(APIView):
    """Per statement, round 1 against round 2: the average over a program's
    managers of each manager's own round, for the program's admins and HR.
    A figure needs at least ``minimum_group`` managers whose round showed
    results; nothing narrows the group."""

    @extend_schema(
        tags=["upward feedback"], parameters=[CohortQuerySerializer], responses=CohortSerializer
    )
    def get(self, request: Request) -> Response:
        query = CohortQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        person = person_of(request)
        program = get_object_or_404(
            programs_administered_by(person), pk=query.validated_data["program"]
        )
        cohort = selectors.cohort_upward(person, program)
        if cohort is None:
            raise NotFound
        data: dict[str, Any] = {
            "program": program.pk,
            "minimum_group": cohort.group,
            "rounds_held": cohort.rounds_held,
            "managers_round_1": cohort.managers[1],
            "managers_round_2": cohort.managers[2],
            "waiting_round_1": cohort.waiting[1],
            "waiting_round_2": cohort.waiting[2],
            "statements": [
                {"key": s.key, "text": s.text, "round_1": s.means[1], "round_2": s.means[2]}
                for s in cohort.statements
            ],
        }
        return Response(CohortSerializer(data).data)

"""The agreement with the line manager in the API: for the mentee and their
line manager (and the mentor once shared). HR and program admins read none;
they see that it happened on the pairing's page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from mentorship.agreements import selectors, services
from mentorship.agreements.models import ManagerAgreement
from mentorship.agreements.serializers import (
    AgreementSerializer,
    AgreementShareSerializer,
    EmptySerializer,
    ReviewSerializer,
    WriteSerializer,
)
from mentorship.core.api.views import ScopedQuerysetMixin
from mentorship.people.models import Person
from mentorship.people.signed_in import person_of

TAG = "agreements"


@extend_schema_view(list=extend_schema(tags=[TAG]), retrieve=extend_schema(tags=[TAG]))
class AgreementViewSet(
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[ManagerAgreement],
):
    """What a new manager agreed with their own line manager."""

    serializer_class = AgreementSerializer
    cursor_ordering = ("-id",)

    def scoped_queryset(self, viewer: Person) -> QuerySet[ManagerAgreement]:
        return selectors.agreements_visible_to(viewer)

    def _act(self, request: Request, step: Callable[[ManagerAgreement, Person], Any]) -> Response:
        agreement = self.get_object()
        try:
            step(agreement, person_of(request))
        except ValidationError as exc:
            raise ApiValidationError(exc.message_dict) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=agreement.pk)).data)

    @extend_schema(
        tags=[TAG],
        request=WriteSerializer,
        responses=AgreementSerializer,
        description="As the line manager: write (or change) the three answers.",
    )
    @action(detail=True, methods=["post"])
    def write(self, request: Request, pk: str) -> Response:
        payload = WriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data

        def step(agreement: ManagerAgreement, person: Person) -> Any:
            if not services.is_line_manager_of(person, agreement):
                raise PermissionDenied("Only their line manager writes this side.")
            return services.agreement_write(
                agreement=agreement,
                by=person,
                text=services.AgreementText(
                    success=data["success"],
                    decisions=data["decisions"],
                    handoffs=data["handoffs"],
                    handoffs_by=data.get("handoffs_by"),
                ),
            )

        return self._act(request, step)

    @extend_schema(
        tags=[TAG],
        request=EmptySerializer,
        responses=AgreementSerializer,
        description="As the mentee: confirm what the line manager wrote.",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        def step(agreement: ManagerAgreement, person: Person) -> Any:
            if person.pk != agreement.pairing.mentee_id:
                raise PermissionDenied("Only the new manager confirms the agreement.")
            return services.agreement_confirm(agreement=agreement, by=person)

        return self._act(request, step)

    @extend_schema(
        tags=[TAG],
        request=AgreementShareSerializer,
        responses=AgreementSerializer,
        description="As the mentee: share it with your mentor, or stop sharing it.",
    )
    @action(detail=True, methods=["post"])
    def share(self, request: Request, pk: str) -> Response:
        payload = AgreementShareSerializer(data=request.data)
        payload.is_valid(raise_exception=True)

        def step(agreement: ManagerAgreement, person: Person) -> Any:
            if person.pk != agreement.pairing.mentee_id:
                raise PermissionDenied("Only the new manager shares it.")
            return services.agreement_share(
                agreement=agreement, by=person, shared=payload.validated_data["shared_with_mentor"]
            )

        return self._act(request, step)

    @extend_schema(
        tags=[TAG],
        request=ReviewSerializer,
        responses=AgreementSerializer,
        description=(
            "As the mentee or the line manager, near day 90: done, partly or not yet for each "
            "of the three. A second review replaces the first."
        ),
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        payload = ReviewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)

        def step(agreement: ManagerAgreement, person: Person) -> Any:
            if person.pk != agreement.pairing.mentee_id and not services.is_line_manager_of(
                person, agreement
            ):
                raise PermissionDenied("Only the two who agreed it review it.")
            return services.agreement_review(
                agreement=agreement, by=person, answers=dict(payload.validated_data)
            )

        return self._act(request, step)

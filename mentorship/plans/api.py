from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mentorship.core.api.permissions import ProgramAdminWrites
from mentorship.core.api.views import ScopedQuerysetMixin
from mentorship.people.models import Person
from mentorship.people.signed_in import person_of
from mentorship.plans import selectors, services
from mentorship.plans.models import OnboardingPlan
from mentorship.plans.serializers import (
    PlanDuplicateSerializer,
    PlanInputSerializer,
    PlanPreviewSerializer,
    PlanSerializer,
    PreviewQuerySerializer,
)


@extend_schema_view(
    list=extend_schema(tags=["plans"]),
    retrieve=extend_schema(tags=["plans"]),
    create=extend_schema(
        tags=["plans"],
        request=PlanInputSerializer,
        responses={201: PlanSerializer},
        description="Create a plan with its ordered steps (program admins and HR).",
    ),
    update=extend_schema(
        tags=["plans"],
        request=PlanInputSerializer,
        responses=PlanSerializer,
        description=(
            "Replace a plan's name, description and steps. A plan in use is not changed: "
            "the next version is created (the response is that version, with its own id), "
            "open programs move to it, and pairings under way keep their milestones."
        ),
    ),
)
class PlanViewSet(
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[OnboardingPlan],
):
    """Onboarding plans with their ordered steps. Program admins see every
    plan and may write; participants see the plans of their programs."""

    serializer_class = PlanSerializer
    permission_classes = [ProgramAdminWrites]
    filterset_fields = ["is_archived", "lineage"]
    cursor_ordering = ("-id",)
    http_method_names = ["get", "post", "put", "head", "options"]

    def scoped_queryset(self, viewer: Person) -> QuerySet[OnboardingPlan]:
        return selectors.plans_visible_to(viewer)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = PlanInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        plan = services.plan_create(
            name=payload.validated_data["name"],
            description=payload.validated_data["description"],
            steps=payload.specs(),
            by=person_of(request),
        )
        return Response(self._read(plan), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plan = self.get_object()
        payload = PlanInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        saved = services.plan_update(
            plan=plan,
            name=payload.validated_data["name"],
            description=payload.validated_data["description"],
            steps=payload.specs(),
            by=person_of(request),
        )
        return Response(self._read(saved))

    @extend_schema(
        tags=["plans"],
        request=PlanDuplicateSerializer,
        responses={201: PlanSerializer},
        description="Copy a plan into a new one (version 1 of its own lineage).",
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        payload = PlanDuplicateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        copy = services.plan_duplicate(
            plan=plan, by=person_of(request), name=payload.validated_data.get("name")
        )
        return Response(self._read(copy), status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["plans"],
        parameters=[PreviewQuerySerializer],
        responses=PlanPreviewSerializer,
        description="The due dates a pairing starting on `starts_on` would get.",
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def preview(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        query = PreviewQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        starts_on = query.validated_data["starts_on"]
        promoted_on = query.validated_data.get("promoted_on")
        rows = services.plan_preview(plan, starts_on=starts_on, promoted_on=promoted_on)
        body = {"starts_on": starts_on, "promoted_on": promoted_on, "milestones": rows}
        return Response(PlanPreviewSerializer(body).data)

    def _read(self, plan: OnboardingPlan) -> dict[str, Any]:
        fresh = selectors.plans_visible_to(person_of(self.request)).get(pk=plan.pk)
        return dict(PlanSerializer(fresh).data)

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mentorship.core.api.filters import IdFilter, StrictFilterSet
from mentorship.core.api.views import ScopedQuerysetMixin
from mentorship.pairings import selectors, services
from mentorship.pairings.models import Milestone, MilestoneStatus
from mentorship.pairings.serializers import MilestoneActionSerializer, MilestoneSerializer
from mentorship.people.auth import person_of
from mentorship.people.models import Person


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
        services.milestone_require_member(milestone=milestone, person=person)
        note = payload.validated_data["note"]
        if name == "complete":
            services.milestone_complete(milestone=milestone, by=person, note=note)
        elif name == "skip":
            services.milestone_skip(milestone=milestone, by=person, note=note)
        else:
            services.milestone_reopen(milestone=milestone, by=person)
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

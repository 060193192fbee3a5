from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from mentorship.core.api.views import ScopedQuerysetMixin
from mentorship.people.models import Person
from mentorship.programs import selectors
from mentorship.programs.models import Program
from mentorship.programs.serializers import ProgramSerializer


@extend_schema_view(
    list=extend_schema(tags=["programs"]), retrieve=extend_schema(tags=["programs"])
)
class ProgramViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet[Program]):
    """Programs you run or take part in."""

    serializer_class = ProgramSerializer
    filterset_fields = ["status"]
    cursor_ordering = ("-starts_on", "-id")

    def scoped_queryset(self, viewer: Person) -> QuerySet[Program]:
        return selectors.programs_visible_to(viewer).prefetch_related("admins")

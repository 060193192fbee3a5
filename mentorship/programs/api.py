from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mentorship.core.api.filters import IdFilter, StrictFilterSet
from mentorship.core.api.views import ScopedQuerysetMixin
from mentorship.people.models import Person
from mentorship.people.signed_in import person_of
from mentorship.programs import selectors, services
from mentorship.programs.models import Enrollment, EnrollmentRole, EnrollmentStatus, Program
from mentorship.programs.serializers import (
    EnrollmentInputSerializer,
    EnrollmentSerializer,
    EnrollmentUpdateSerializer,
    ProgramSerializer,
    WithdrawSerializer,
)


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


class EnrollmentFilter(StrictFilterSet):
    program = IdFilter(field_name="program_id", label="Program id")
    person = IdFilter(field_name="person_id", label="Person id")
    role = django_filters.ChoiceFilter(choices=EnrollmentRole.choices)
    status = django_filters.ChoiceFilter(choices=EnrollmentStatus.choices)

    class Meta:
        model = Enrollment
        fields = ["program", "person", "role", "status"]


@extend_schema_view(
    list=extend_schema(tags=["enrollments"]),
    retrieve=extend_schema(tags=["enrollments"]),
    create=extend_schema(
        tags=["enrollments"],
        request=EnrollmentInputSerializer,
        responses={201: EnrollmentSerializer},
        description=(
            "Enroll a person in a program you run, as a mentee (with focus competencies) "
            "or a mentor (with a capacity). Enrolling someone withdrawn makes them active again."
        ),
    ),
    partial_update=extend_schema(
        tags=["enrollments"],
        request=EnrollmentUpdateSerializer,
        responses=EnrollmentSerializer,
        description=(
            "Change a mentee's focus competencies or a mentor's capacity (not below the "
            "mentees they have here, proposals included). The program's admins, and the "
            "person for their own enrollment. The next matching run uses the new values."
        ),
    ),
)
class EnrollmentViewSet(
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Enrollment],
):
    """Who takes part in which program, and as what: HR sees all, program
    admins their programs', everyone their own."""

    serializer_class = EnrollmentSerializer
    filterset_class = EnrollmentFilter
    cursor_ordering = ("-created_at", "-id")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self, viewer: Person) -> QuerySet[Enrollment]:
        return selectors.enrollments_visible_to(viewer)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = person_of(request)
        payload = EnrollmentInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        program = data["program"]
        enrollment = services.enrollment_create(
            program=program,
            person=data["person"],
            role=data["role"],
            by=person,
            focus_competencies=data["focus_competencies"],
            capacity=data.get("capacity"),
        )
        fresh = self.get_queryset().get(pk=enrollment.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrollment = self.get_object()
        payload = EnrollmentUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.enrollment_update(
            enrollment=enrollment,
            by=person_of(request),
            focus_competencies=data.get("focus_competencies"),
            capacity=data.get("capacity", services.Keep.KEEP),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=enrollment.pk)).data)

    @extend_schema(tags=["enrollments"], request=WithdrawSerializer, responses=EnrollmentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """Take the person out of the program, with the reason (program admins).
        Proposals waiting for them are declined; a live pairing must end first."""
        enrollment = self.get_object()
        payload = WithdrawSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.enrollment_withdraw(
            enrollment=enrollment, by=person_of(request), reason=payload.validated_data["reason"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=enrollment.pk)).data)

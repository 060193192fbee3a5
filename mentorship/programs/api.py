from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mentorship import access
from mentorship.core.api.filters import IdFilter, StrictFilterSet
from mentorship.core.api.permissions import ProgramAdminWrites
from mentorship.core.api.views import ScopedQuerysetMixin
from mentorship.people.models import Person
from mentorship.people.signed_in import person_of
from mentorship.programs import selectors
from mentorship.programs.models import Enrollment, EnrollmentRole, EnrollmentStatus, Program
from mentorship.programs.serializers import (
    EnrollmentInputSerializer,
    EnrollmentSerializer,
    EnrollmentUpdateSerializer,
    ProgramClosingSerializer,
    ProgramCopySerializer,
    ProgramInputSerializer,
    ProgramSerializer,
    WithdrawSerializer,
)
from mentorship.programs.services.enrollments import (
    Keep,
    enrollment_create,
    enrollment_update,
    enrollment_withdraw,
)
from mentorship.programs.services.programs import (
    program_activate,
    program_close,
    program_closing,
    program_copy,
    program_create,
    program_update,
)


@extend_schema_view(
    list=extend_schema(tags=["programs"]),
    retrieve=extend_schema(tags=["programs"]),
    create=extend_schema(
        tags=["programs"],
        request=ProgramInputSerializer,
        responses={201: ProgramSerializer},
        description=(
            "Create a program, in draft (program admins and HR). A program admin who "
            "creates one runs it."
        ),
    ),
    partial_update=extend_schema(
        tags=["programs"],
        request=ProgramInputSerializer,
        responses=ProgramSerializer,
        description=(
            "Change a program's settings or admins (its admins and HR). A closed program "
            "cannot change; copy it instead. A new plan applies to pairings that start "
            "from now on."
        ),
    ),
)
class ProgramViewSet(
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Program],
):
    """Programs you run or take part in; those who run them create, change,
    open, close and copy them."""

    serializer_class = ProgramSerializer
    permission_classes = [ProgramAdminWrites]
    filterset_fields = ["status"]
    cursor_ordering = ("-starts_on", "-id")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scoped_queryset(self, viewer: Person) -> QuerySet[Program]:
        return selectors.programs_visible_to(viewer).prefetch_related("admins")

    def _read(self, program: Program, *, created: bool = False) -> Response:
        fresh = self.get_queryset().get(pk=program.pk)
        return Response(
            self.get_serializer(fresh).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = ProgramInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        program = program_create(
            name=data.pop("name"),
            starts_on=data.pop("starts_on"),
            ends_on=data.pop("ends_on"),
            plan=data.pop("plan", None),
            description=data.pop("description", ""),
            admins=data.pop("admins", []),
            by=person_of(request),
            **data,
        )
        return self._read(program, created=True)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        program = self.get_object()
        payload = ProgramInputSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        admins = data.pop("admins", None)
        program_update(program=program, by=person_of(request), admins=admins, **data)
        return self._read(program)

    @extend_schema(tags=["programs"], request=None, responses=ProgramSerializer)
    @action(detail=True, methods=["post"])
    def open(self, request: Request, pk: str | None = None) -> Response:
        """Open a draft program: the people enrolled see it, and the pairings
        approved while it was a draft start (their welcome emails go out)."""
        program = self.get_object()
        program_activate(program=program, by=person_of(request))
        return self._read(program)

    @extend_schema(tags=["programs"], responses=ProgramClosingSerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def closing(self, request: Request, pk: str | None = None) -> Response:
        """What closing the program would do now, before one does it."""
        program = self.get_object()
        access.require_administers(person_of(request), program)
        return Response(ProgramClosingSerializer(program_closing(program)).data)

    @extend_schema(tags=["programs"], request=None, responses=ProgramClosingSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Close an open program: live pairings are completed (both sides are
        asked for feedback), waiting proposals declined, unsent reminders
        cancelled. Returns what it did."""
        program = self.get_object()
        closing = program_close(program=program, by=person_of(request))
        return Response(ProgramClosingSerializer(closing).data)

    @extend_schema(
        tags=["programs"], request=ProgramCopySerializer, responses={201: ProgramSerializer}
    )
    @action(detail=True, methods=["post"])
    def copy(self, request: Request, pk: str | None = None) -> Response:
        """Start the next cohort from this program: a new draft with its plan,
        settings and admins (and, if asked, its mentors)."""
        program = self.get_object()
        payload = ProgramCopySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        copy = program_copy(program=program, by=person_of(request), **payload.validated_data)
        return self._read(copy, created=True)


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
        enrollment = enrollment_create(
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
        enrollment_update(
            enrollment=enrollment,
            by=person_of(request),
            focus_competencies=data.get("focus_competencies"),
            capacity=data.get("capacity", Keep.KEEP),
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
        enrollment_withdraw(
            enrollment=enrollment, by=person_of(request), reason=payload.validated_data["reason"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=enrollment.pk)).data)

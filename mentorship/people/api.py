from __future__ import annotations

from typing import Any

import django_filters
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from mentorship import access
from mentorship.audit.security import Client
from mentorship.core.api.filters import IdFilter, StrictFilterSet
from mentorship.core.api.views import ScopedQuerysetMixin
from mentorship.people import erasure, personal_data, selectors, services, two_factor
from mentorship.people.backends import paused
from mentorship.people.imports import services as import_services
from mentorship.people.models import ApiToken, Competency, Department, Person, PersonImport
from mentorship.people.serializers import (
    ApiTokenSerializer,
    CompetencySerializer,
    DepartmentSerializer,
    ErasedSerializer,
    EraseSerializer,
    ImportCommitSerializer,
    MeSerializer,
    MeUpdateSerializer,
    PersonCreateSerializer,
    PersonImportInputSerializer,
    PersonImportSerializer,
    PersonSerializer,
    PersonUpdateSerializer,
    TokenCreatedSerializer,
    TokenRequestSerializer,
)
from mentorship.people.signed_in import person_of


class MyDataView(APIView):
    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        operation_id="me_data",
        tags=["me"],
        description=(
            "Everything Scaffold holds about you, as one document: your programs, pairings, "
            "milestones, check-ins with your own private notes, self-assessments and "
            "reflections, emails, account activity. Nobody else's private notes."
        ),
    )
    def get(self, request: Request) -> Response:
        me = person_of(request)
        return Response(personal_data.personal_data(me, me))


class MeView(APIView):
    """The signed-in person: profile, roles and email preferences."""

    @extend_schema(responses=MeSerializer, operation_id="me_retrieve", tags=["me"])
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(_me(request)).data)

    @extend_schema(
        request=MeUpdateSerializer, responses=MeSerializer, operation_id="me_update", tags=["me"]
    )
    def patch(self, request: Request) -> Response:
        payload = MeUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        person = services.person_update_profile(person=_me(request), **payload.validated_data)
        return Response(MeSerializer(_me(request, person.pk)).data)


def _me(request: Request, pk: int | None = None) -> Person:
    return (
        Person.objects.select_related("department")
        .prefetch_related("expertise")
        .get(pk=pk or person_of(request).pk)
    )


class PersonFilter(StrictFilterSet):
    q = django_filters.CharFilter(method="search", label="Name, email or title contains")
    department = IdFilter(field_name="department_id", label="Department id")
    manager = IdFilter(field_name="manager_id", label="Manager's id")

    class Meta:
        model = Person
        fields = ["q", "department", "manager"]

    def search(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        return queryset.filter(
            Q(full_name__icontains=value) | Q(email__icontains=value) | Q(title__icontains=value)
        )


@extend_schema_view(
    list=extend_schema(tags=["people"]),
    retrieve=extend_schema(tags=["people"]),
    create=extend_schema(
        tags=["people"],
        request=PersonCreateSerializer,
        responses={201: PersonSerializer},
        description=(
            "Add one person (HR). The checks are the people import's: a known time zone, "
            "known competencies, an address nobody has, a manager who exists, no reporting "
            "cycle, a promotion date not in the future — every problem at once, under its "
            "field. Unless `invite` is false they are emailed an invitation to choose a "
            "password."
        ),
    ),
    partial_update=extend_schema(
        tags=["people"],
        request=PersonUpdateSerializer,
        responses=PersonSerializer,
        description=(
            "Change someone's details (HR), with the same checks as adding them; fields left "
            "out stay as they are. Others who can see the person get `403`."
        ),
    ),
)
class PersonViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet[Person]):
    """People you can see: HR sees everyone; others see themselves, the people
    they are paired with, their manager and their reports. HR adds and edits."""

    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    cursor_ordering = ("full_name", "id")

    def scoped_queryset(self, viewer: Person) -> QuerySet[Person]:
        return selectors.people_visible_to(viewer).prefetch_related("expertise")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        viewer = person_of(request)
        if not access.manages_people(viewer):
            raise exceptions.PermissionDenied("Only HR adds people.")
        payload = PersonCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        details = dict(payload.validated_data)
        invite = details.pop("invite")
        person = services.person_create(by=viewer, **details)
        if invite:
            services.person_invite(person=person, by=viewer)
        fresh = self.get_queryset().get(pk=person.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = self.get_object()
        viewer = person_of(request)
        if not access.manages_people(viewer):
            raise exceptions.PermissionDenied("Only HR edits people.")
        payload = PersonUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        services.person_update(person=person, by=viewer, **payload.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=person.pk)).data)

    @extend_schema(
        tags=["people"],
        request=None,
        responses={202: None},
        description=(
            "Email someone who has never signed in a new invitation to choose a password "
            "(HR, and the admins of a program they are in). `400` once they have signed in."
        ),
    )
    @action(detail=True, methods=["post"])
    def invite(self, request: Request, pk: str | None = None) -> Response:
        services.person_invite(person=self.get_object(), by=person_of(request))
        return Response(status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        tags=["people"],
        responses={200: OpenApiTypes.OBJECT},
        description=(
            "Everything Scaffold holds about the person, as one document (see "
            "`GET /api/v1/me/data/` for one's own): for HR only what HR may read — never "
            "what the pair wrote, ratings, private notes or reflections — and recorded in "
            "the audit trail. Anyone else who can see the person gets `403`."
        ),
    )
    @action(detail=True, methods=["get"])
    def data(self, request: Request, pk: str | None = None) -> Response:
        person, viewer = self.get_object(), person_of(request)
        if not personal_data.may_export(viewer, person):
            raise exceptions.PermissionDenied("Only the person themself and HR take their data.")
        document = personal_data.personal_data(viewer, person)
        services.personal_data_export_record(person=person, by=viewer)
        return Response(document)

    @extend_schema(
        tags=["people"],
        request=EraseSerializer,
        responses=ErasedSerializer,
        description=(
            "Erase the person (HR): who they were, their private notes and reflections, "
            "their account; their pairings and figures stay under a new name. "
            "`confirm_email` must be their address. `400` with the reason while they are "
            "in an open pairing, for yourself or a superuser. Cannot be undone."
        ),
    )
    @action(detail=True, methods=["post"])
    def erase(self, request: Request, pk: str | None = None) -> Response:
        person, viewer = self.get_object(), person_of(request)
        if not access.manages_people(viewer):
            raise exceptions.PermissionDenied("Only HR erases people.")
        payload = EraseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        counts = erasure.person_erase(
            person=person, by=viewer, confirm_email=payload.validated_data["confirm_email"]
        )
        return Response({"erased_as": erasure.erased_name(person), "counts": counts})


@extend_schema_view(
    list=extend_schema(tags=["departments"]), retrieve=extend_schema(tags=["departments"])
)
class DepartmentViewSet(viewsets.ReadOnlyModelViewSet[Department]):
    serializer_class = DepartmentSerializer
    cursor_ordering = ("name", "id")

    def get_queryset(self) -> QuerySet[Department]:
        return selectors.departments_list()


@extend_schema_view(
    list=extend_schema(tags=["competencies"]), retrieve=extend_schema(tags=["competencies"])
)
class CompetencyViewSet(viewsets.ReadOnlyModelViewSet[Competency]):
    serializer_class = CompetencySerializer
    cursor_ordering = ("position", "id")

    def get_queryset(self) -> QuerySet[Competency]:
        return selectors.competencies_list()


# --------------------------------------------------------------------------
# Tokens


class SignInThrottle(BaseThrottle):
    """Refuses sign-in after too many failures for the address or client."""

    def allow_request(self, request: Any, view: Any) -> bool:
        email = request.data.get("email", "") if hasattr(request.data, "get") else ""
        self._wait = paused(request._request, str(email))
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


class TokenView(APIView):
    """Exchange an email and password for an API token, or revoke the token
    this request is made with."""

    def get_permissions(self) -> list[Any]:
        # Only revoking needs a signed-in caller; any other method is simply
        # not allowed here (405), signed in or not.
        if self.request is not None and self.request.method == "DELETE":
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]

    def get_throttles(self) -> list[BaseThrottle]:
        if self.request is not None and self.request.method == "POST":
            return [SignInThrottle()]
        return []

    def get_authenticators(self) -> list[Any]:
        # Signing in needs no session, and so no CSRF token.
        if self.request is not None and self.request.method == "POST":
            return []
        return super().get_authenticators()

    @extend_schema(
        request=TokenRequestSerializer,
        responses={201: TokenCreatedSerializer},
        auth=[],
        tags=["auth"],
        operation_id="auth_token_create",
    )
    def post(self, request: Request) -> Response:
        if not settings.PASSWORD_SIGN_IN:
            raise exceptions.PermissionDenied(
                "Passwords do not sign in here: make a token on the API tokens page instead."
            )
        payload = TokenRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        email = payload.validated_data["email"]
        # The backend counts failures and refuses while over the limit.
        person = authenticate(
            request._request, username=email, password=payload.validated_data["password"]
        )
        if not isinstance(person, Person):
            raise exceptions.ValidationError(
                {"non_field_errors": ["That email and password do not match an active account."]}
            )
        client = Client.of(request._request)
        if two_factor.enabled(person):
            code = payload.validated_data.get("code") or ""
            if not code:
                raise exceptions.ValidationError(
                    {"code": ["This account signs in with a second factor: send its code."]}
                )
            try:
                two_factor.verify(person=person, code=code, client=client)
            except DjangoValidationError as exc:
                raise exceptions.ValidationError(exc.message_dict) from exc
        elif two_factor.required_for(person):
            raise exceptions.PermissionDenied(
                "Set up two-factor sign-in on the web before making API tokens."
            )
        token, raw = services.api_token_create(
            person=person,
            name=payload.validated_data.get("name") or "API token",
            expires_in_days=payload.validated_data.get("expires_in_days"),
            client=client,
        )
        body = {
            "token": raw,
            "id": token.pk,
            "name": token.name,
            "created_at": token.created_at,
            "expires_at": token.expires_at,
        }
        return Response(TokenCreatedSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={204: OpenApiResponse(description="The token is revoked.")},
        tags=["auth"],
        operation_id="auth_token_revoke_current",
    )
    def delete(self, request: Request) -> Response:
        if not isinstance(request.auth, ApiToken):
            raise exceptions.ValidationError(
                {"non_field_errors": ["This request was not made with a token; nothing to revoke."]}
            )
        services.api_token_revoke(token=request.auth, by=person_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(list=extend_schema(tags=["auth"]), destroy=extend_schema(tags=["auth"]))
class ApiTokenViewSet(
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[ApiToken],
):
    """Your own live API tokens; deleting one revokes it."""

    serializer_class = ApiTokenSerializer
    cursor_ordering = ("-created_at", "-id")

    def scoped_queryset(self, viewer: Person) -> QuerySet[ApiToken]:
        return selectors.api_tokens_for(viewer)

    def perform_destroy(self, instance: ApiToken) -> None:
        services.api_token_revoke(token=instance, by=person_of(self.request))


@extend_schema_view(
    list=extend_schema(tags=["people"]),
    retrieve=extend_schema(tags=["people"]),
    create=extend_schema(
        tags=["people"],
        request={"multipart/form-data": PersonImportInputSerializer},
        responses={202: PersonImportSerializer},
        description=(
            "Upload a people CSV (HR). It is checked by a worker — the dry run — and the "
            "import shows what would be created, changed and rejected, every problem with "
            "its row and column. Nothing is written until you commit it."
        ),
    ),
)
class PersonImportViewSet(
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[PersonImport],
):
    """People imports from an HR system's CSV export (HR only)."""

    serializer_class = PersonImportSerializer
    filterset_fields = ["status"]
    cursor_ordering = ("-created_at", "-id")
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def scoped_queryset(self, viewer: Person) -> QuerySet[PersonImport]:
        return selectors.person_imports_visible_to(viewer)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = person_of(request)
        if not access.is_hr(person):
            raise exceptions.PermissionDenied("Only HR can import people.")
        payload = PersonImportInputSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        program = payload.validated_data.get("program")
        person_import = import_services.person_import_start(
            uploaded_by=person,
            filename=upload.name or "people.csv",
            content=upload.read(),
            program=program,
        )
        return Response(self.get_serializer(person_import).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        tags=["people"], request=ImportCommitSerializer, responses={202: PersonImportSerializer}
    )
    @action(detail=True, methods=["post"])
    def commit(self, request: Request, pk: str | None = None) -> Response:
        """Write a checked import without errors, in one transaction, on a
        worker. The file is checked again first; if the company changed so
        that a row became invalid, nothing is written and the errors show.
        Unless ``invite`` is false, the people it creates are emailed an
        invitation to choose a password."""
        person_import = self.get_object()
        payload = ImportCommitSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        person_import = import_services.person_import_commit_request(
            person_import=person_import,
            by=person_of(request),
            invite=payload.validated_data["invite"],
        )
        return Response(self.get_serializer(person_import).data, status=status.HTTP_202_ACCEPTED)

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mentorship import access
from mentorship.core.api.filters import IdFilter, StrictFilterSet
from mentorship.core.api.views import ScopedQuerysetMixin
from mentorship.notifications import selectors, services
from mentorship.notifications.kinds import registry
from mentorship.notifications.models import Notification, NotificationStatus
from mentorship.notifications.serializers import (
    EmailPreferencesInputSerializer,
    EmailPreferencesSerializer,
    NotificationSerializer,
)
from mentorship.people.models import Person
from mentorship.people.signed_in import person_of


class NotificationFilter(StrictFilterSet):
    kind = django_filters.ChoiceFilter(choices=[(name, name) for name in registry()])
    status = django_filters.ChoiceFilter(choices=NotificationStatus.choices)
    recipient = IdFilter(field_name="recipient_id", label="Recipient's id")
    pairing = IdFilter(field_name="pairing_id", label="Pairing id")

    class Meta:
        model = Notification
        fields = ["kind", "status", "recipient", "pairing"]


@extend_schema_view(
    list=extend_schema(tags=["notifications"]), retrieve=extend_schema(tags=["notifications"])
)
class NotificationViewSet(ScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet[Notification]):
    """The email log: the emails sent to you; program admins also see their
    programs' emails, and HR all of them."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    cursor_ordering = ("-id",)

    def scoped_queryset(self, viewer: Person) -> QuerySet[Notification]:
        return selectors.notifications_visible_to(viewer)

    @extend_schema(tags=["notifications"], request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        """Queue a failed email again (program admins and HR)."""
        notification = self.get_object()
        person = person_of(request)
        if not access.roles(person).is_program_admin:
            raise exceptions.PermissionDenied("Only program admins and HR retry emails.")
        notification = services.notification_retry(notification=notification, by=person)
        fresh = self.get_queryset().get(pk=notification.pk)
        return Response(self.get_serializer(fresh).data)


class EmailPreferencesView(APIView):
    """Which optional emails you get, and whether on weekends."""

    def _body(self, person: Person) -> dict[str, Any]:
        return EmailPreferencesSerializer(
            {
                "weekdays_only": person.email_weekdays_only,
                "kinds": [
                    {
                        "kind": kind.name,
                        "title": kind.label,
                        "description": kind.description,
                        "enabled": enabled,
                    }
                    for kind, enabled in selectors.email_preferences_for(person)
                ],
            }
        ).data

    @extend_schema(
        tags=["me"],
        responses=EmailPreferencesSerializer,
        operation_id="me_email_preferences_retrieve",
    )
    def get(self, request: Request) -> Response:
        return Response(self._body(person_of(request)))

    @extend_schema(
        tags=["me"],
        request=EmailPreferencesInputSerializer,
        responses=EmailPreferencesSerializer,
        operation_id="me_email_preferences_update",
    )
    def put(self, request: Request) -> Response:
        person = person_of(request)
        payload = EmailPreferencesInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.email_preferences_update(
            person=person,
            enabled_kinds=payload.validated_data["enabled_kinds"],
            weekdays_only=payload.validated_data["weekdays_only"],
        )
        person.refresh_from_db()
        return Response(self._body(person))

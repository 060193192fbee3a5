"""One's own calendar address, for scripts and apps: see it, replace it,
revoke it. Like the page, a new address is shown once."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mentorship.feeds import selectors, services
from mentorship.feeds.models import CalendarFeed
from mentorship.feeds.serializers import CalendarFeedIssuedSerializer, CalendarFeedSerializer
from mentorship.people.signed_in import person_of


def _state(feed: CalendarFeed | None) -> dict[str, Any]:
    return {
        "active": feed is not None,
        "prefix": feed.prefix if feed else None,
        "created_at": feed.created_at if feed else None,
        "last_fetched_at": feed.last_fetched_at if feed else None,
    }


class CalendarFeedView(APIView):
    """Your private calendar feed (milestones and scheduled self-assessments
    as all-day events)."""

    @extend_schema(tags=["calendar"], responses=CalendarFeedSerializer)
    def get(self, request: Request) -> Response:
        return Response(CalendarFeedSerializer(_state(selectors.feed_of(person_of(request)))).data)

    @extend_schema(
        tags=["calendar"],
        request=None,
        responses={201: CalendarFeedIssuedSerializer},
        description="A new secret address; the one before it stops working at once.",
    )
    def post(self, request: Request) -> Response:
        person = person_of(request)
        token = services.calendar_feed_issue(person=person)
        body = {
            **_state(selectors.feed_of(person)),
            "url": settings.SITE_URL + reverse("feeds:feed", kwargs={"token": token}),
        }
        return Response(CalendarFeedIssuedSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["calendar"],
        responses={204: None},
        description="Revoke your address: it shows nothing from now on. `404` if you have none.",
    )
    def delete(self, request: Request) -> Response:
        if not services.calendar_feed_revoke(person=person_of(request)):
            raise NotFound("You have no calendar address to revoke.")
        return Response(status=status.HTTP_204_NO_CONTENT)

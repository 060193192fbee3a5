"""Pages speak the signed-in person's time: their zone is activated for the
request, so templates (``|date``, ``{% now %}``) and ``timezone.localdate()``
give their local dates and times.

The API is left in UTC: programs read it, every timestamp carries its
offset, and the answer should not depend on whose session asked. Emails are
rendered in the recipient's zone by the engine (``notifications/services.py``),
and exports convert in the exporting person's zone themselves, since a
streamed file is written after this middleware has finished.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone


class PersonTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        zone = self._zone(request)
        if zone is None:
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)

    @staticmethod
    def _zone(request: HttpRequest) -> ZoneInfo | None:
        if request.path.startswith("/api/"):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        try:
            return ZoneInfo(getattr(user, "time_zone", "") or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            return None

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from mentorship import access
from mentorship.audit.models import SecurityEvent


def security_events_visible_to(
    viewer: Any, *, kind: str = "", email: str = "", before: int | None = None
) -> QuerySet[SecurityEvent]:
    """HR's security log, newest first; nothing for anyone else. ``before``
    is the id of the last row of the previous page (the log only grows, so
    an id and its moment order it the same way: see the indexes)."""
    if not access.manages_people(viewer):
        return SecurityEvent.objects.none()
    events = SecurityEvent.objects.select_related("person").order_by("-at", "-id")
    if kind:
        events = events.filter(kind=kind)
    if email:
        events = events.filter(person__email=email.strip().lower())
    if before is not None:
        last = SecurityEvent.objects.filter(pk=before).values_list("at", flat=True).first()
        if last is not None:
            events = events.filter(at__lte=last).exclude(at=last, id__gte=before)
    return events


def account_activity(person: Any) -> QuerySet[SecurityEvent]:
    """A person's own account history, newest first."""
    return SecurityEvent.objects.filter(person=person).order_by("-at", "-id")

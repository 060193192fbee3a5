from __future__ import annotations

from django.db.models import Q, QuerySet

from mentorship import access
from mentorship.notifications.kinds import ReminderKind, optional_kinds, recipient_only_kinds
from mentorship.notifications.models import EmailOptOut, Notification, OutboxMessage
from mentorship.people.models import Person


def outbox_visible_to(viewer: Person) -> QuerySet[OutboxMessage]:
    """Mail kept by the development outbox: your own, or all of it for a
    superuser operating the installation."""
    messages = OutboxMessage.objects.all()
    if viewer.is_superuser:
        return messages
    return messages.filter(to_email=viewer.email)


def notifications_visible_to(viewer: Person) -> QuerySet[Notification]:
    """The email log: HR sees all of it, a program admin their programs'
    emails, everyone the emails sent to them — but for the kinds only their
    recipient may know about (``recipient_only``)."""
    return Notification.objects.select_related("recipient", "program").filter(
        Q(recipient=viewer)
        | (access.administers_q(viewer, program="program_id") & ~Q(kind__in=recipient_only_kinds()))
    )


def email_preferences_for(person: Person) -> list[tuple[ReminderKind, bool]]:
    """Each kind a person may turn off and that ever reaches them, and
    whether it is on for them."""
    off = set(EmailOptOut.objects.filter(person=person).values_list("kind", flat=True))
    return [(kind, kind.name not in off) for kind in optional_kinds() if kind.reaches(person)]

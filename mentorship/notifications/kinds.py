"""Email kinds: the pluggable rules of the reminder engine.

Each kind is one small class, listed in ``settings.SCAFFOLD_REMINDER_KINDS``.
A kind says what is due (``due``), whether a queued email still makes
sense when its turn comes (``still_wanted``) and what its email says
(``context``) — or both at once for a whole batch (``load``), which the
kinds sent in thousands at 09:00 do in one query (``SubjectKind``). The
engine in ``services.py`` does the rest — deduplication,
time zones, preferences, claiming, sending, retries — the same way for all.

Most kinds are reminders, found by the sweep and sent at 09:00 in the
recipient's zone. A few are answers to something that just happened (the
welcome to a new pairing, an invitation, a password reset): they are
``immediate``, queued by the service that acted and sent at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.module_loading import import_string

from mentorship.notifications.models import Notification
from mentorship.notifications.scheduling import LocalDates


@dataclass(frozen=True)
class Due:
    """One reminder a kind wants sent."""

    recipient_id: int
    # kind + object + recipient + period: the same reminder always gets the
    # same key, so finding it twice inserts it once.
    dedup_key: str
    # The local date (the recipient's) on which the reminder becomes due.
    becomes_due: dt.date
    # The recipient's time zone and weekday preference, fetched by the kind's
    # own query so the engine needs none per reminder.
    time_zone: str
    weekdays_only: bool
    # The last local date on which sending it still makes sense, if any.
    last_day: dt.date | None = None
    program_id: int | None = None
    pairing_id: int | None = None
    # What the reminder is about (a milestone, a pairing…).
    subject_type_id: int | None = None
    subject_id: int | None = None


# (person id, time zone, weekdays only): whom a reminder goes to, as a
# kind's own query fetched it, so the engine needs no query per reminder.
Recipient = tuple[int, str, bool]


def each_recipient[R](
    rows: Iterable[R], recipients_of: Callable[[R], Iterable[Recipient]], *, now: dt.datetime
) -> Iterator[tuple[R, Recipient, dt.date]]:
    """Each row with each of its recipients and the date it is now where that
    recipient is: what every kind's ``due`` decides on."""
    todays = LocalDates(now)
    for row in rows:
        for recipient in recipients_of(row):
            yield row, recipient, todays[recipient[1]]


def content_type_id(model: type[models.Model]) -> int:
    """What a reminder's subject is, as the Notification row records it."""
    return ContentType.objects.get_for_model(model).pk


def subject_id(notification: Notification) -> int:
    """The id of what a reminder is about (every kind sets one)."""
    if notification.subject_id is None:
        raise ValueError(f"Notification {notification.pk} is about nothing.")
    return notification.subject_id


class ReminderKind:
    name: ClassVar[str]
    label: ClassVar[str]  # for the preferences page
    description: ClassVar[str]
    template: ClassVar[str]  # templates/emails/<template>.subject.txt | .txt | .html
    # Whether a person may turn it off (account emails cannot be).
    optional: ClassVar[bool] = True
    # Sent as soon as it is queued, whatever the hour where the recipient
    # is: an answer to something that just happened, not a reminder that
    # waits for 09:00 (``notifications_queue_now``).
    immediate: ClassVar[bool] = False
    # Context values that are secrets (a link that signs someone in). They
    # are made when the email is rendered and kept nowhere: not in the row,
    # not in the development outbox.
    secret_context: ClassVar[tuple[str, ...]] = ()
    # Whether only its recipient may see that it was sent (the email log,
    # the API, the admin). For a kind whose sending, or not, says something
    # about the recipient that others must not learn: a reminder that goes
    # only to those who have not answered an anonymous survey.
    recipient_only: ClassVar[bool] = False

    def due(self, *, now: dt.datetime) -> Iterable[Due]:
        """Everything of this kind that should be queued now."""
        return ()

    def reaches(self, person: Any) -> bool:
        """Whether this kind is ever sent to the person (their preferences
        list only those)."""
        return True

    def still_wanted(self, notification: Notification) -> bool:
        """Checked just before sending: a milestone completed since the
        reminder was queued needs no reminder."""
        return True

    def context(self, notification: Notification) -> dict[str, Any]:
        raise NotImplementedError

    def load(self, notifications: Sequence[Notification]) -> dict[int, dict[str, Any] | None]:
        """Each row's email context, or None for a row no longer wanted: the
        send task calls it once per kind in its batch. By default row by row;
        a kind sent in bulk reads its whole batch at once instead."""
        return {
            row.pk: self.context(row) if self.still_wanted(row) else None for row in notifications
        }


class SubjectKind(ReminderKind):
    """An email about one row of the database (a milestone, an action item)
    that is wanted only while that row is still live: a batch's rows are all
    read in one query, and a row no longer live simply is not found. (It has
    no ``still_wanted`` or ``context`` of its own: ``load`` is both.)"""

    def live_subjects(self) -> models.QuerySet[Any]:
        """The rows still worth an email, with what the email shows joined in."""
        raise NotImplementedError

    def context_for(self, subject: Any, notification: Notification) -> dict[str, Any]:
        raise NotImplementedError

    def load(self, notifications: Sequence[Notification]) -> dict[int, dict[str, Any] | None]:
        subjects = self.live_subjects().in_bulk({subject_id(row) for row in notifications})
        return {
            row.pk: (
                self.context_for(subjects[subject_id(row)], row)
                if subject_id(row) in subjects
                else None
            )
            for row in notifications
        }


@cache
def registry() -> dict[str, ReminderKind]:
    kinds = [import_string(path)() for path in settings.SCAFFOLD_REMINDER_KINDS]
    return {kind.name: kind for kind in kinds}


def kind_for(name: str) -> ReminderKind:
    return registry()[name]


def recipient_only_kinds() -> list[str]:
    return [kind.name for kind in registry().values() if kind.recipient_only]


def optional_kinds() -> list[ReminderKind]:
    return [kind for kind in registry().values() if kind.optional]

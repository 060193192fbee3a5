"""Run the reminder engine as beat would, but in process and on a fake
clock: sweep, claim and send every step between two instants."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from mentorship.notifications.models import Notification, NotificationStatus
from mentorship.notifications.services import (
    notifications_claim,
    notifications_send,
    notifications_sweep,
)


def deliver_due(now: dt.datetime) -> int:
    """Claim and send everything due at ``now``, as workers would."""
    sent = 0
    while True:
        claim_id, ids = notifications_claim(now=now)
        if not ids:
            return sent
        sent += notifications_send(ids=ids, claim_id=claim_id)["sent"]


def run_engine(
    time_machine: Any,
    *,
    start: dt.datetime,
    end: dt.datetime,
    step: dt.timedelta = dt.timedelta(hours=3),
) -> None:
    """Sweep every ``step`` (beat does it every five minutes; every three
    hours still finds each reminder before 09:00 in every zone, and keeps the
    simulation quick), and between sweeps deliver each queued reminder at the
    very moment it becomes sendable, as a worker polling every few seconds
    would."""
    moment = start
    while moment <= end:
        time_machine.move_to(moment, tick=False)
        notifications_sweep(now=moment)
        next_sweep = moment + step
        while True:
            upcoming = (
                Notification.objects.filter(
                    status=NotificationStatus.PENDING, send_after__lt=next_sweep
                )
                .order_by("send_after")
                .values_list("send_after", flat=True)
                .first()
            )
            if upcoming is None:
                break
            at = max(upcoming, moment)
            time_machine.move_to(at, tick=False)
            deliver_due(at)
        moment = next_sweep


def sent(kind: str | None = None) -> list[Notification]:
    rows = Notification.objects.filter(status=NotificationStatus.SENT).select_related("recipient")
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.order_by("sent_at", "id"))


def sent_at_nine(kind: str) -> list[tuple[int, dt.date]]:
    """(recipient, local date) of each sent email of a kind, sorted, each
    checked to have left at 09:00 where its recipient is."""
    rows = []
    for notification in sent(kind):
        assert notification.sent_at is not None
        local = notification.sent_at.astimezone(ZoneInfo(notification.recipient.time_zone))
        assert (local.hour, local.minute) == (9, 0), notification
        rows.append((notification.recipient_id, local.date()))
    return sorted(rows)

"""Emails that answer something that just happened — the welcome to a new
pairing, an invitation, a password reset — leave at once instead of at the
next 09:00, and still go through the outbox like every reminder.

``notifications_queue_now`` writes their rows, due now, in the transaction
of what happened; once it commits, ``notifications_deliver`` (run by the
``notification_tasks.deliver_notifications`` task) claims exactly those rows and sends them
with the engine's own ``notifications_send``, so a backlog of reminders
never holds them up. Should the broker be unreachable, the rows are due and
the next dispatch sends them; a failure is retried with backoff as any.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextvars import ContextVar
from functools import partial

from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from config.celery_app import app
from mentorship.notifications import services as engine
from mentorship.notifications import tasks as notification_tasks
from mentorship.notifications.kinds import Due, kind_for
from mentorship.notifications.models import EmailOptOut, Notification, NotificationStatus

logger = logging.getLogger(__name__)

# Rows queued while this holds a list are left for the next dispatch instead
# of being handed to a worker; the list gathers their ids.
_held: ContextVar[list[int] | None] = ContextVar("scaffold_deliveries_held", default=None)


@contextlib.contextmanager
def deliveries_held() -> Iterator[list[int]]:
    """Queue emails without handing them to a worker: they wait, due, for
    the next dispatch (beat's, every half minute). For loading the demo
    before the broker runs, where a hand-over could only fail. Yields the
    list of the ids so queued."""
    held: list[int] = []
    token = _held.set(held)
    try:
        yield held
    finally:
        _held.reset(token)


def notifications_queue_now(*, kind: str, dues: Iterable[Due]) -> list[int]:
    """Queue emails that answer something that just happened, to leave at
    once rather than at the next 09:00. Call it inside the transaction that
    did the thing: the rows are written with it (or not at all), and once it
    commits a task claims and sends exactly these rows. Should the broker be
    unreachable, the rows are due already and the next dispatch sends them.

    A dedup key already queued inserts nothing, as in the sweep. Returns the
    ids of the rows now waiting to go."""
    email_kind = kind_for(kind)
    if not email_kind.immediate:
        raise ValueError(f"{kind} is a reminder: the sweep queues it for 09:00.")
    dues = list(dues)
    opted_out: set[int] = set()
    if email_kind.optional:
        opted_out = set(
            EmailOptOut.objects.filter(
                kind=kind, person_id__in={due.recipient_id for due in dues}
            ).values_list("person_id", flat=True)
        )
    now = timezone.now()
    rows = [
        Notification(
            kind=kind,
            recipient_id=due.recipient_id,
            dedup_key=due.dedup_key,
            send_after=now,
            program_id=due.program_id,
            pairing_id=due.pairing_id,
            subject_type_id=due.subject_type_id,
            subject_id=due.subject_id,
        )
        for due in dues
        if due.recipient_id not in opted_out
    ]
    if not rows:
        return []
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    ids = list(
        Notification.objects.filter(
            dedup_key__in=[row.dedup_key for row in rows], status=NotificationStatus.PENDING
        )
        .order_by("id")
        .values_list("id", flat=True)
    )
    held = _held.get()
    if held is not None:
        held.extend(ids)
        return ids
    batches = [
        ids[start : start + engine.TASK_BATCH] for start in range(0, len(ids), engine.TASK_BATCH)
    ]
    transaction.on_commit(partial(_publish_deliveries, batches), robust=True)
    return ids


def _publish_deliveries(batches: list[list[int]]) -> None:
    """Hand the rows to a worker. A broker that is down must not undo what
    was just done, nor fill the log with a traceback: the rows are safe in
    the database and due for the next dispatch, which one line says."""
    try:
        with app.producer_or_acquire() as producer:
            for ids in batches:
                notification_tasks.deliver_notifications.apply_async((ids,), producer=producer)
        handed = sum(len(ids) for ids in batches)
        logger.info("Handed %d email%s to the workers.", handed, "" if handed == 1 else "s")
    except (KombuOperationalError, OSError) as exc:
        waiting = sum(len(ids) for ids in batches)
        logger.warning(
            "Broker unreachable (%s): %d email%s wait%s for the next dispatch.",
            exc,
            waiting,
            "" if waiting == 1 else "s",
            "s" if waiting == 1 else "",
        )


def notifications_claim_ids(
    *, ids: Sequence[int], now: dt.datetime | None = None
) -> tuple[uuid.UUID, list[int]]:
    """Claim these rows, if they are still pending and due: a row the
    dispatch took first, or one waiting for a retry, is left alone."""
    now = now or timezone.now()
    claim_id = uuid.uuid4()
    Notification.objects.filter(
        pk__in=ids, status=NotificationStatus.PENDING, send_after__lte=now
    ).update(status=NotificationStatus.SENDING, claim_id=claim_id, claimed_at=now, started_at=None)
    claimed = list(
        Notification.objects.filter(pk__in=ids, claim_id=claim_id)
        .order_by("id")
        .values_list("id", flat=True)
    )
    return claim_id, claimed


def notifications_deliver(*, ids: Sequence[int]) -> Counter[str]:
    """Send these rows now (the emails ``notifications_queue_now`` queued)."""
    claim_id, claimed = notifications_claim_ids(ids=ids)
    if not claimed:
        return Counter(skipped=len(ids))
    outcomes = engine.notifications_send(ids=claimed, claim_id=claim_id)
    outcomes["skipped"] += len(ids) - len(claimed)
    logger.info(
        "Emails sent as they happen: %s.",
        ", ".join(f"{n} {what}" for what, n in outcomes.items() if n) or "none",
    )
    return outcomes

"""The reminder engine: the database is the schedule, Celery does the work.

1. ``notifications_sweep`` asks every reminder kind what is due and
   bulk-inserts one ``Notification`` row per reminder. The unique
   ``dedup_key`` turns a second sweep (or a second beat) into no-ops.
2. ``notifications_claim`` moves due pending rows to ``sending`` under a fresh
   claim id, in batches, skipping rows another claimer holds.
3. ``notifications_send`` (run by a task after the claim commits) re-reads
   each row, sends it only if it still holds that claim, and marks it sent;
   on failure it schedules a retry with exponential backoff and jitter, and
   after the last attempt marks it failed.
4. ``notifications_reconcile`` returns rows stuck in ``sending`` (a killed
   worker, a lost broker message) to ``pending``.

Emails that answer an event (``immediate`` kinds: a welcome, an invitation,
a password reset) skip the wait: see ``events.py``. From then on they are
rows like any other: retried with backoff, reconciled, listed in the log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import random
import smtplib
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import mailers
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from config.celery_app import app
from mentorship.audit.services import audit_record
from mentorship.notifications import bulk, emails, links
from mentorship.notifications import tasks as notification_tasks
from mentorship.notifications.kinds import ReminderKind, kind_for, optional_kinds, registry
from mentorship.notifications.models import EmailOptOut, Notification, NotificationStatus
from mentorship.notifications.scheduling import send_time
from mentorship.people.models import Person

logger = logging.getLogger(__name__)

CLAIM_BATCH = 1000  # rows per claim transaction
TASK_BATCH = 50  # rows per send task: one SMTP connection each


# --------------------------------------------------------------------------
# 1. Sweep


def notifications_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Queue everything that is due. Returns, per kind, how many reminders
    were found due (already-queued ones included: they insert nothing)."""
    now = now or timezone.now()
    found: dict[str, int] = {}
    for kind in registry().values():
        found[kind.name] = _sweep_kind(kind, now)
    return found


def _sweep_kind(kind: ReminderKind, now: dt.datetime) -> int:
    opted_out = set(EmailOptOut.objects.filter(kind=kind.name).values_list("person_id", flat=True))
    # Many reminders share a zone, a day and a preference: work each out once.
    times: dict[tuple[dt.date, str, bool], dt.datetime] = {}
    rows: list[bulk.Row] = []
    found = 0
    for due in kind.due(now=now):
        found += 1
        if due.recipient_id in opted_out:
            continue
        slot = (due.becomes_due, due.time_zone, due.weekdays_only)
        if kind.immediate:
            send_after = now
        else:
            if slot not in times:
                times[slot] = send_time(
                    becomes_due=due.becomes_due,
                    now=now,
                    time_zone=due.time_zone,
                    weekdays_only=due.weekdays_only,
                )
            send_after = times[slot]
        if due.last_day is not None and _local_date(send_after, due.time_zone) > due.last_day:
            continue  # it would arrive too late to help
        rows.append(
            (
                kind.name,
                due.recipient_id,
                due.dedup_key,
                send_after,
                due.program_id,
                due.pairing_id,
                due.subject_type_id,
                due.subject_id,
            )
        )
    # The unique dedup_key makes reminders already queued no-ops.
    bulk.insert_new(rows)
    return found


def _local_date(moment: dt.datetime, time_zone: str) -> dt.date:
    return moment.astimezone(ZoneInfo(time_zone)).date()


# --------------------------------------------------------------------------
# 2. Claim and dispatch


def notifications_claim(
    *,
    now: dt.datetime | None = None,
    due_by: dt.datetime | None = None,
    limit: int = CLAIM_BATCH,
) -> tuple[uuid.UUID, list[int]]:
    """Move up to ``limit`` pending rows due by ``due_by`` (by default, now)
    to ``sending`` under a new claim, stamped ``now``."""
    now = now or timezone.now()
    due_by = due_by or now
    claim_id = uuid.uuid4()
    with transaction.atomic():
        # Oldest first, straight off the partial index on send_after (a tie
        # breaker would make PostgreSQL sort every pending row each time).
        due = Notification.objects.filter(
            status=NotificationStatus.PENDING, send_after__lte=due_by
        ).order_by("send_after")
        if connection.features.has_select_for_update_skip_locked:
            # Concurrent claimers take different rows instead of queueing.
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:limit])
        if not ids:
            return claim_id, []
        # status=PENDING again: a row someone else claimed in between stays theirs.
        Notification.objects.filter(pk__in=ids, status=NotificationStatus.PENDING).update(
            status=NotificationStatus.SENDING, claim_id=claim_id, claimed_at=now, started_at=None
        )
    # Read back through the primary key (claim_id has no index, on purpose).
    claimed = list(
        Notification.objects.filter(pk__in=ids, claim_id=claim_id)
        .order_by("id")
        .values_list("id", flat=True)
    )
    return claim_id, claimed


def notifications_dispatch(
    *, now: dt.datetime | None = None, due_by: dt.datetime | None = None
) -> int:
    """Claim due rows batch by batch and hand them to send tasks once each
    claim has committed. Returns how many rows were claimed.

    No more rows are out with the workers at once than
    ``NOTIFICATIONS_MAX_IN_FLIGHT``: a 09:00 burst of 100,000 is handed over
    as the workers get through it (the next dispatch, half a minute later,
    tops it up), so no row waits in the broker's queue long enough to look
    stranded, and the queue never holds more than the workers can send
    within the sending timeout."""
    room = settings.NOTIFICATIONS_MAX_IN_FLIGHT - (
        Notification.objects.filter(status=NotificationStatus.SENDING).count()
    )
    total = 0
    while total < room:
        claim_id, ids = notifications_claim(
            now=now, due_by=due_by, limit=min(CLAIM_BATCH, room - total)
        )
        if not ids:
            break
        batches = [ids[start : start + TASK_BATCH] for start in range(0, len(ids), TASK_BATCH)]
        transaction.on_commit(partial(_publish, batches, claim_id))
        total += len(ids)
    return total


def _publish(batches: list[list[int]], claim_id: uuid.UUID) -> None:
    """One broker connection for all of a claim's tasks. If the broker is
    down the rows stay claimed, and the reconciler puts them back."""

    with app.producer_or_acquire() as producer:
        for ids in batches:
            notification_tasks.send_notifications.apply_async(
                (ids, str(claim_id)), producer=producer
            )


# --------------------------------------------------------------------------
# 3. Send


def message_id_for(notification: Notification) -> str:
    """Stable across retries, so a receiving system can recognise a repeat."""
    return f"<scaffold.notification.{notification.pk}@{emails.site_domain()}>"


def retry_delay(attempt: int) -> dt.timedelta:
    """Exponential backoff with jitter: about base, twice base, four times… capped at
    six hours, each scaled by a random factor between 0.5 and 1.5 so a burst
    of failures does not retry in lockstep."""
    base = settings.NOTIFICATIONS_RETRY_BASE.total_seconds()
    delay = min(base * 2 ** (attempt - 1), 6 * 60 * 60)
    return dt.timedelta(seconds=delay * random.uniform(0.5, 1.5))  # noqa: S311


def notifications_send(*, ids: Sequence[int], claim_id: uuid.UUID) -> Counter[str]:
    """Send the rows of one claim that are still ours. Returns counts by outcome.

    The claim is a lease of ``NOTIFICATIONS_SENDING_TIMEOUT`` from the moment
    the worker takes the rows up; after that the reconciler may give them to
    another worker. So no email is started after half the lease: what is left
    goes back to the queue, uncharged, for the next dispatch, and a slow
    batch (a slow SMTP server, a loaded host) is never sent twice."""
    outcomes: Counter[str] = Counter()
    stop_starting_at = _clock() + settings.NOTIFICATIONS_SENDING_TIMEOUT.total_seconds() / 2
    # A worker has the rows now: the sending timeout counts from here, and
    # from here a row that goes quiet costs an attempt.
    Notification.objects.filter(
        pk__in=ids, status=NotificationStatus.SENDING, claim_id=claim_id
    ).update(started_at=timezone.now())
    rows = list(
        Notification.objects.select_related("recipient")
        .filter(pk__in=ids, status=NotificationStatus.SENDING, claim_id=claim_id)
        .order_by("id")
    )
    outcomes["skipped"] = len(ids) - len(rows)  # sent already, or reclaimed after a timeout
    if not rows:
        return outcomes
    contexts = _load_contexts(rows)
    # No longer wanted (the milestone was done meanwhile, the person opted
    # out): cancelled together, nothing is sent.
    wanted = [(row, context) for row in rows if (context := contexts[row.pk]) is not None]
    if len(wanted) < len(rows):
        outcomes["cancelled"] = Notification.objects.filter(
            pk__in=[row.pk for row in rows if contexts[row.pk] is None], claim_id=claim_id
        ).update(status=NotificationStatus.CANCELLED)
        if not wanted:
            return outcomes
    mailer = mailers.default
    try:
        mailer.open()
    except (OSError, smtplib.SMTPException) as exc:
        for row, _ in wanted:
            outcomes[_record_failure(row, claim_id, exc)] += 1
        return outcomes
    try:
        for index, (row, context) in enumerate(wanted):
            if _clock() >= stop_starting_at:
                outcomes["handed back"] = _hand_back([row for row, _ in wanted[index:]], claim_id)
                break
            outcomes[_send_one(row, claim_id, mailer, context)] += 1
    finally:
        try:
            mailer.close()
        except (OSError, smtplib.SMTPException):
            logger.warning("Closing the mail connection failed", exc_info=True)
    return outcomes


# The lease is measured on this clock (a module attribute, so a test can
# run it fast).
_clock = time.monotonic


def _hand_back(rows: Sequence[Notification], claim_id: uuid.UUID) -> int:
    """Return unsent rows of a claim to the queue, due as they were and
    uncharged: no attempt was made."""
    handed_back = Notification.objects.filter(
        pk__in=[row.pk for row in rows], status=NotificationStatus.SENDING, claim_id=claim_id
    ).update(status=NotificationStatus.PENDING, claim_id=None, started_at=None)
    logger.info(
        "Sending took half the sending timeout: %d email%s handed back to the queue.",
        handed_back,
        "" if handed_back == 1 else "s",
    )
    return handed_back


def _load_contexts(rows: Sequence[Notification]) -> dict[int, dict[str, Any] | None]:
    """Each row's email context, or None for one that is no longer wanted
    (the recipient left or opted out, or the kind says so): one query for
    the opt-outs and one per kind (``ReminderKind.load``), however many rows."""
    opted_out = set(
        EmailOptOut.objects.filter(
            person_id__in={row.recipient_id for row in rows}, kind__in={row.kind for row in rows}
        ).values_list("person_id", "kind")
    )
    contexts: dict[int, dict[str, Any] | None] = {}
    by_kind: dict[str, list[Notification]] = {}
    for row in rows:
        if not row.recipient.is_active or (row.recipient_id, row.kind) in opted_out:
            contexts[row.pk] = None
        else:
            by_kind.setdefault(row.kind, []).append(row)
    for name, of_kind in by_kind.items():
        contexts.update(kind_for(name).load(of_kind))
    return contexts


def _send_one(row: Notification, claim_id: uuid.UUID, mailer: Any, loaded: dict[str, Any]) -> str:
    kind = kind_for(row.kind)
    # Every date and time in the email is in the recipient's own zone.
    with timezone.override(ZoneInfo(row.recipient.time_zone)):
        context = {
            **loaded,
            "recipient": row.recipient,
            "kind_label": kind.label,
            # Sent as it happens, or held for 09:00: the footer says which.
            "kind_immediate": kind.immediate,
        }
        headers = {"Auto-Submitted": "auto-generated"}
        if kind.optional:
            context["unsubscribe_url"] = links.unsubscribe_url(
                person_id=row.recipient_id, kind=row.kind
            )
            context["preferences_url"] = settings.SITE_URL + reverse("notifications:preferences")
            headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message, rendered = emails.build(
            to=row.recipient.email,
            name=kind.template,
            context=context,
            message_id=message_id_for(row),
            headers=headers,
            secrets=[str(context[name]) for name in kind.secret_context],
        )
    try:
        mailer.send_messages([message])
    except (OSError, smtplib.SMTPException) as exc:
        outcome = _record_failure(row, claim_id, exc)
        _reopen(mailer)
        return outcome
    _mark_sent(row, claim_id, subject=rendered.subject)
    return "sent"


def _mark_sent(row: Notification, held_claim: uuid.UUID, *, subject: str) -> None:
    """Record one email as sent, the moment the SMTP server has accepted it.

    One statement per email, on purpose: a worker killed between the
    server's acceptance and this statement sends that one email twice when
    its row is retried, so the gap is kept to one email, not a batch (see
    docs/architecture.md, "What this guarantees"). As the one statement every email
    costs, it is written out once here: building it through the ORM took
    0.45 ms of the worker's CPU each time; written out, 0.16 ms.
    Same effect as ``_finish(row, held_claim, status=SENT, ...)``."""
    fields = Notification._meta
    with connection.cursor() as cursor:
        cursor.execute(
            _MARK_SENT_SQL,
            [
                NotificationStatus.SENT.value,
                fields.get_field("sent_at").get_db_prep_value(timezone.now(), connection),
                message_id_for(row),
                subject[:255],
                row.pk,
                fields.get_field("claim_id").get_db_prep_value(held_claim, connection),
            ],
        )


_MARK_SENT_SQL = (
    f"UPDATE {Notification._meta.db_table} SET status = %s, sent_at = %s, message_id = %s, "  # noqa: S608 -- our own table name; every value a parameter
    "email_subject = %s, last_error = '', attempts = attempts + 1 WHERE id = %s AND claim_id = %s"
)


def _finish(row: Notification, held_claim: uuid.UUID, **fields: Any) -> None:
    # Only while the claim is still ours: a row reclaimed meanwhile is not
    # ours to mark.
    Notification.objects.filter(pk=row.pk, claim_id=held_claim).update(**fields)


def _record_failure(row: Notification, claim_id: uuid.UUID, exc: BaseException) -> str:
    attempts = row.attempts + 1
    error = f"{type(exc).__name__}: {exc}"[:2000]
    permanent = isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        permanent = all(code >= 500 for code, _ in exc.recipients.values())
    if permanent or attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        _finish(
            row, claim_id, status=NotificationStatus.FAILED, attempts=attempts, last_error=error
        )
        logger.warning("Notification %s failed for good: %s", row.pk, error)
        return "failed"
    _finish(
        row,
        claim_id,
        status=NotificationStatus.PENDING,
        claim_id=None,
        attempts=attempts,
        last_error=error,
        send_after=timezone.now() + retry_delay(attempts),
    )
    return "retry"


def _reopen(mailer: Any) -> None:
    """After an SMTP error the connection may be unusable: start afresh."""
    with contextlib.suppress(OSError, smtplib.SMTPException):
        mailer.close()
    try:
        mailer.open()
    except (OSError, smtplib.SMTPException):
        logger.warning("Could not reconnect to the mail server", exc_info=True)


# --------------------------------------------------------------------------
# 4. Reconcile


def notifications_reconcile(*, now: dt.datetime | None = None) -> int:
    """Put rows stuck in ``sending`` for longer than the sending timeout back
    in the queue. Returns how many went back.

    - Taken up by a worker that then went quiet (``started_at`` set): the
      worker died mid-batch. The attempt counts, so a message that kills
      workers ends up failed.
    - Never taken up (no ``started_at``): no worker has touched it. Its task
      was lost by the broker, or waits behind every worker being down. It
      goes back without being charged; if the old task turns up after all,
      it finds its claim gone and skips the row.
    """
    now = now or timezone.now()
    cutoff = now - settings.NOTIFICATIONS_SENDING_TIMEOUT
    sending = Notification.objects.filter(status=NotificationStatus.SENDING)
    dropped = sending.filter(started_at__lt=cutoff)
    failed = dropped.filter(attempts__gte=settings.NOTIFICATIONS_MAX_ATTEMPTS - 1).update(
        status=NotificationStatus.FAILED,
        claim_id=None,
        started_at=None,
        attempts=F("attempts") + 1,
        last_error="Gave up: the worker sending it stopped answering too many times.",
    )
    returned = dropped.update(
        status=NotificationStatus.PENDING,
        claim_id=None,
        started_at=None,
        attempts=F("attempts") + 1,
    )
    untouched = sending.filter(started_at__isnull=True, claimed_at__lt=cutoff).update(
        status=NotificationStatus.PENDING, claim_id=None
    )
    if failed or returned or untouched:
        logger.warning(
            "Reconciled stuck notifications: %s dropped by a worker back to pending, %s failed, "
            "%s never taken up back to pending",
            returned,
            failed,
            untouched,
        )
    return returned + untouched


# --------------------------------------------------------------------------
# Operator and person actions


def notification_retry(*, notification: Notification, by: Person) -> Notification:
    """Put a failed notification back in the queue, for now."""
    if notification.status != NotificationStatus.FAILED:
        raise ValidationError(
            {"status": f"Only a failed email can be retried; this one is {notification.status}."}
        )
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk, status=NotificationStatus.FAILED).update(
            status=NotificationStatus.PENDING,
            attempts=0,
            claim_id=None,
            send_after=timezone.now(),
        )
        audit_record(
            actor=by,
            action="notification.retried",
            target=notification,
            program=notification.program,
            data={"kind": notification.kind, "recipient": notification.recipient_id},
        )
    notification.refresh_from_db()
    return notification


def email_preferences_update(
    *, person: Person, enabled_kinds: Iterable[str], weekdays_only: bool
) -> None:
    """Which optional emails a person gets, and whether on weekends."""
    enabled = set(enabled_kinds)
    unknown = enabled - set(registry())
    if unknown:
        raise ValidationError({"kinds": f"Unknown email kinds: {', '.join(sorted(unknown))}."})
    # Only the kinds that reach the person (the ones their preferences
    # show): a choice about another kind is kept for the day it applies.
    optional = {kind.name for kind in optional_kinds() if kind.reaches(person)}
    with transaction.atomic():
        EmailOptOut.objects.filter(person=person, kind__in=optional & enabled).delete()
        EmailOptOut.objects.bulk_create(
            [EmailOptOut(person=person, kind=kind) for kind in sorted(optional - enabled)],
            ignore_conflicts=True,
        )
        if person.email_weekdays_only != weekdays_only:
            person.email_weekdays_only = weekdays_only
            person.save(update_fields=["email_weekdays_only"])
        audit_record(
            actor=person,
            action="email_preferences.updated",
            target=person,
            data={"off": sorted(optional - enabled), "weekdays_only": weekdays_only},
        )


def email_opt_out(*, person: Person, kind: str) -> None:
    """The unsubscribe link: turn one kind off (idempotent)."""
    if kind not in {k.name for k in optional_kinds()}:
        raise ValidationError({"kind": "This kind of email cannot be turned off."})
    with transaction.atomic():
        _, created = EmailOptOut.objects.get_or_create(person=person, kind=kind)
        if created:
            audit_record(
                actor=person, action="email.unsubscribed", target=person, data={"kind": kind}
            )

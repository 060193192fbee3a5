"""The data lifecycle: what Scaffold deletes once it is past its keeping.

One nightly job (``tasks.retention_sweep``, in beat's schedule) and one
command (``manage.py retention``, with ``--dry-run``) run the rules below.
Two are not settings, because keeping the rows longer serves nobody:

- **expired sessions** (sessions live in the database);
- **used one-click links** once the link itself has expired: a link is
  signed before it is used, so a use older than the links' lifetime belongs
  to a link that would be refused anyway.

The others keep their records for ``RETENTION_*_DAYS`` days (``None``:
forever; see config/settings.py):

- **the email log**: emails sent, failed or cancelled — never one still
  pending or being sent. The floor of 90 days is what makes deleting safe:
  every reminder kind looks back less than that for what it already sent
  (the longest, the third weekly nudge about an overdue milestone, 22 days),
  so no deleted row can let its email go out again;
- **the development outbox** (``EMAIL_BACKEND=outbox``);
- **audit events** and **security events** (kept forever by default).

Rows go in batches of ``BATCH`` ids, each its own short transaction, so a
first run over years of rows never holds a long lock.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from mentorship.audit.models import AuditEvent, SecurityEvent
from mentorship.notifications.links import ACTION_MAX_AGE
from mentorship.notifications.models import (
    FINISHED_STATUSES,
    Notification,
    OutboxMessage,
    SignedLinkUse,
)

logger = logging.getLogger(__name__)

BATCH = 5_000


@dataclass(frozen=True)
class Rule:
    """One kind of record and when it goes: ``rows(now)`` are those past
    their keeping at ``now``; ``kept`` says for how long, in words."""

    name: str
    kept: str
    rows: Callable[[dt.datetime], QuerySet[Model]]
    # The setting that says for how long, if one does.
    setting: str = ""


def _older_than(
    days: int | None, field: str, rows: QuerySet[Model]
) -> Callable[[dt.datetime], QuerySet[Model]]:
    def past(now: dt.datetime) -> QuerySet[Model]:
        if days is None:
            return rows.none()
        return rows.filter(**{f"{field}__lt": now - dt.timedelta(days=days)})

    return past


def _days(days: int | None) -> str:
    return "forever" if days is None else f"{days} days"


def rules() -> list[Rule]:
    """Every rule, as the settings stand now."""
    return [
        Rule(
            "expired sessions",
            "until they expire",
            lambda now: Session.objects.filter(expire_date__lt=now),
        ),
        Rule(
            "used one-click links",
            f"until the link expires ({ACTION_MAX_AGE.days} days)",
            _older_than(ACTION_MAX_AGE.days, "used_at", SignedLinkUse.objects.all()),
        ),
        Rule(
            "email log",
            _days(settings.RETENTION_EMAIL_LOG_DAYS),
            # By when it was due: a failed email's last attempt can be later,
            # but it was given up on by then either way.
            _older_than(
                settings.RETENTION_EMAIL_LOG_DAYS,
                "send_after",
                Notification.objects.filter(status__in=FINISHED_STATUSES),
            ),
            "RETENTION_EMAIL_LOG_DAYS",
        ),
        Rule(
            "development outbox",
            _days(settings.RETENTION_OUTBOX_DAYS),
            _older_than(settings.RETENTION_OUTBOX_DAYS, "created_at", OutboxMessage.objects.all()),
            "RETENTION_OUTBOX_DAYS",
        ),
        Rule(
            "audit events",
            _days(settings.RETENTION_AUDIT_DAYS),
            _older_than(settings.RETENTION_AUDIT_DAYS, "at", AuditEvent.objects.all()),
            "RETENTION_AUDIT_DAYS",
        ),
        Rule(
            "security events",
            _days(settings.RETENTION_SECURITY_EVENTS_DAYS),
            _older_than(settings.RETENTION_SECURITY_EVENTS_DAYS, "at", SecurityEvent.objects.all()),
            "RETENTION_SECURITY_EVENTS_DAYS",
        ),
    ]


def retention_sweep(*, now: dt.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Delete every record past its keeping; returns how many of each went
    (or, with ``dry_run``, would go). Idempotent: a second run deletes
    nothing more."""
    now = now or timezone.now()
    removed: dict[str, int] = {}
    for rule in rules():
        due = rule.rows(now)
        if dry_run:
            removed[rule.name] = due.count()
            continue
        removed[rule.name] = _delete_in_batches(due)
    if not dry_run:
        logger.info(
            "Retention sweep: %s",
            ", ".join(f"{count} {name}" for name, count in removed.items()),
            extra={"removed": removed},
        )
    return removed


def _delete_in_batches(rows: QuerySet[Model]) -> int:
    # The ids first (one read on the rule's own filter), then short deletes by
    # primary key: no batch reads the table again.
    ids = list(rows.order_by().values_list("pk", flat=True))
    model = rows.model
    removed = 0
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            removed += (
                model._default_manager.filter(pk__in=ids[start : start + BATCH])
                .delete()[1]
                .get(model._meta.label, 0)
            )
    return removed

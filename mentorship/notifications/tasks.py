"""Thin tasks over the reminder engine in services.py."""

from __future__ import annotations

import uuid

from celery import shared_task

from mentorship.notifications import events, services


@shared_task
def sweep_reminders() -> None:
    """Beat, every few minutes: queue what is due, then send what is ready."""
    services.notifications_sweep()
    services.notifications_dispatch()


@shared_task
def dispatch_notifications() -> None:
    """Beat, every half minute: hand due rows (and retries) to senders."""
    services.notifications_dispatch()


@shared_task
def reconcile_notifications() -> None:
    """Beat: return rows stuck in sending (a killed worker) to the queue."""
    services.notifications_reconcile()


# acks_late + reject_on_worker_lost: a worker that dies mid-batch leaves the
# message to be delivered again; rows already sent are skipped on re-read.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_notifications(ids: list[int], claim_id: str) -> dict[str, int]:
    return dict(services.notifications_send(ids=ids, claim_id=uuid.UUID(claim_id)))


# Emails that answer an event (notifications_queue_now), sent as soon as the
# event commits. A worker lost mid-way leaves its rows "sending"; the
# reconciler returns them to the queue.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_notifications(ids: list[int]) -> dict[str, int]:
    return dict(events.notifications_deliver(ids=ids))

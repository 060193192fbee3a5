from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from celery import Task, shared_task
from django.db import transaction
from kombu.exceptions import OperationalError as KombuOperationalError

from mentorship.core import health, retention

logger = logging.getLogger(__name__)


class TaskQueueUnavailable(Exception):  # noqa: N818 -- names the outage, as DatabaseUnreachable does
    """The broker would not take a task, so what needed it has not started.
    Answered with 503 and Retry-After (core/middleware.py), never a 500."""


def enqueue_after_commit(
    task: Task[Any, Any], *args: Any, on_refused: Callable[[], object], **kwargs: Any
) -> None:
    """Send a task only once the surrounding transaction commits, so a
    worker never looks for a row that is not there yet (or never will be,
    after a rollback). Outside a transaction it is sent at once.

    If the broker cannot be reached, the rows are already committed: so
    ``on_refused`` puts them in a state a person can act on (a run marked
    failed, an import back to where it was) before ``TaskQueueUnavailable``
    tells the person to try again in a minute."""

    def send() -> None:
        try:
            task.apply_async(args, kwargs)
        except (KombuOperationalError, OSError) as exc:
            logger.warning("Broker unreachable: %s not queued (%s)", task.name, exc)
            on_refused()
            raise TaskQueueUnavailable(task.name) from exc

    transaction.on_commit(send)


@shared_task
def record_scheduler_heartbeat() -> None:
    """Sent by beat every minute and run by a worker: proves the whole
    scheduling chain (beat → broker → worker → cache) is alive."""
    health.scheduler_heartbeat_record()


@shared_task
def retention_sweep() -> dict[str, int]:
    """Nightly (beat): delete what is past its keeping (core/retention.py)."""
    return retention.retention_sweep()

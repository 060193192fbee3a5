from __future__ import annotations

from functools import partial
from typing import Any

from celery import Task, shared_task
from django.db import transaction

from mentorship.core import health


def enqueue_after_commit(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Send a task only once the surrounding transaction commits, so a
    worker never looks for a row that is not there yet (or never will be,
    after a rollback). Outside a transaction it is sent at once."""
    transaction.on_commit(partial(task.delay, *args, **kwargs))


@shared_task
def record_scheduler_heartbeat() -> None:
    """Sent by beat every minute and run by a worker: proves the whole
    scheduling chain (beat → broker → worker → cache) is alive."""
    health.scheduler_heartbeat_record()

"""The Celery application. Configuration comes from Django's settings
(every ``CELERY_*`` name), so there is one place to look."""

import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("scaffold")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_postrun.connect
def _count_task(sender: Any = None, state: str | None = None, **_: Any) -> None:
    """Each task finished, by name and outcome, for /metrics."""
    from mentorship.core.metrics import count_task

    if sender is not None and state:
        count_task(sender.name, state)

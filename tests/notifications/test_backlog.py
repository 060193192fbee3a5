"""A backlog longer than the sending timeout, on PostgreSQL with a real
worker, real Redis and a slow real SMTP server.

The whole backlog is handed to one worker at once (the in-flight cap
lifted), so the last tasks wait in the queue far longer than the sending
timeout while the worker is busy with the first. The reconciler runs all the
while, as beat does. A row no worker has taken up yet must not be charged an
attempt, nor marked failed: every row arrives once, after one attempt.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from mentorship.notifications.models import Notification, NotificationStatus
from mentorship.notifications.services import (
    notifications_dispatch,
    notifications_reconcile,
    notifications_sweep,
)
from mentorship.plans.models import StepOwner
from tests.factories import MilestoneFactory, PairingFactory, PersonFactory, ProgramFactory

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
]

PAIRINGS = 120  # two recipients each: 240 reminders, about 8 s of sending


def test_a_backlog_longer_than_the_timeout_is_sent_once_each_after_one_attempt(
    celery_worker_factory: Any, smtp_server: Any, settings: Any
) -> None:
    # A task of 50 takes about 1.5 s; the whole queue about 8 s.
    settings.NOTIFICATIONS_SENDING_TIMEOUT = dt.timedelta(seconds=4)
    settings.NOTIFICATIONS_MAX_IN_FLIGHT = 1_000_000
    smtp_server.handler.delay = 0.025
    program = ProgramFactory.create(reminder_lead_days=3)
    due_on = timezone.localdate() + dt.timedelta(days=2)
    for index in range(PAIRINGS):
        pairing = PairingFactory.create(
            program=program,
            mentee=PersonFactory.create(email=f"mentee{index}@scaffold.test"),
            mentor=PersonFactory.create(email=f"mentor{index}@scaffold.test"),
        )
        MilestoneFactory.create(pairing=pairing, due_on=due_on, owner=StepOwner.BOTH)
    notifications_sweep(now=timezone.now())
    expected = Notification.objects.count()
    assert expected == 2 * PAIRINGS
    # 09:00 has come for every one of them.
    Notification.objects.update(send_after=timezone.now())

    celery_worker_factory(
        extra_env=smtp_server.env(sending_timeout=settings.NOTIFICATIONS_SENDING_TIMEOUT),
        concurrency=1,
    )
    assert notifications_dispatch() == expected  # all queued at once
    returned = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if not Notification.objects.exclude(status=NotificationStatus.SENT).exists():
            break
        time.sleep(0.5)
        returned += notifications_reconcile()  # beat, meanwhile
        notifications_dispatch()

    assert returned > 0, "the queue never outlasted the timeout: nothing was tested"
    rows = Counter(Notification.objects.values_list("status", "attempts"))
    assert rows == {(NotificationStatus.SENT, 1): expected}
    received = Counter(message["Message-ID"] for message in smtp_server.messages)
    assert len(received) == expected
    assert set(received.values()) == {1}

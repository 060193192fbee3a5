"""Redis restarted with messages in flight: every reminder still goes out,
once, because the database — not the broker — holds the schedule."""

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
from tests.embedded_redis_plugin import restart_embedded_redis
from tests.factories import MilestoneFactory, PairingFactory, PersonFactory, ProgramFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_reminders_lost_with_the_broker_are_sent_once_after_it_returns(
    celery_worker_factory: Any, smtp_server: Any, settings: Any
) -> None:
    settings.NOTIFICATIONS_SENDING_TIMEOUT = dt.timedelta(seconds=4)
    program = ProgramFactory.create(reminder_lead_days=3)
    for index in range(15):
        pairing = PairingFactory.create(
            program=program, mentee=PersonFactory.create(email=f"m{index}@scaffold.test")
        )
        MilestoneFactory.create(
            pairing=pairing,
            due_on=timezone.localdate() + dt.timedelta(days=2),
            owner=StepOwner.BOTH,
        )
    notifications_sweep()
    # Due now, whatever today's weekday and the recipients' time zones.
    Notification.objects.update(send_after=timezone.now() - dt.timedelta(minutes=1))
    expected = Notification.objects.count()

    # Claimed and queued while no worker runs… then Redis dies and comes back empty.
    assert notifications_dispatch() == expected
    if not restart_embedded_redis():
        pytest.skip("Runs only against the embedded Redis, which this test may restart.")
    assert Notification.objects.filter(status=NotificationStatus.SENDING).count() == expected

    celery_worker_factory(
        extra_env=smtp_server.env(sending_timeout=settings.NOTIFICATIONS_SENDING_TIMEOUT)
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and Notification.objects.exclude(status="sent").exists():
        time.sleep(2.5)
        notifications_reconcile()
        notifications_dispatch()

    assert Counter(Notification.objects.values_list("status", flat=True)) == {"sent": expected}
    received = Counter(message["Message-ID"] for message in smtp_server.messages)
    assert len(received) == expected
    assert set(received.values()) == {1}

"""/metrics for Prometheus: only for the holder of METRICS_TOKEN, figures
read from where they live (the outbox, Redis, the heartbeat)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mentorship.notifications.models import Notification, NotificationStatus
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-the-test-3f9a"


def value(text: str, name: str) -> float:
    found = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert found is not None, f"{name} not in:\n{text}"
    return float(found.group(1))


def test_without_a_token_configured_there_is_no_such_page(client: Client) -> None:
    assert client.get("/metrics").status_code == 404


def test_a_missing_or_wrong_token_is_refused(client: Client, settings: Any) -> None:
    settings.METRICS_TOKEN = TOKEN
    missing = client.get("/metrics")
    wrong = client.get("/metrics", headers={"Authorization": "Bearer not-it"})

    assert (missing.status_code, wrong.status_code) == (401, 401)
    assert missing["WWW-Authenticate"] == 'Bearer realm="metrics"'


def test_the_outbox_and_the_dependencies_are_counted(client: Client, settings: Any) -> None:
    settings.METRICS_TOKEN = TOKEN
    person = PersonFactory.create()
    now = timezone.now()
    for index, (status, when) in enumerate(
        [
            (NotificationStatus.PENDING, now - dt.timedelta(minutes=5)),
            (NotificationStatus.PENDING, now - dt.timedelta(minutes=1)),
            (NotificationStatus.PENDING, now + dt.timedelta(hours=3)),
            (NotificationStatus.SENDING, now),
            (NotificationStatus.SENT, now - dt.timedelta(days=1)),
        ]
    ):
        Notification.objects.create(
            kind="password_reset",
            recipient=person,
            dedup_key=f"metrics:{index}",
            send_after=when,
            status=status,
            claimed_at=now if status == NotificationStatus.SENDING else None,
        )

    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    text = response.content.decode()
    assert value(text, 'scaffold_outbox_emails{state="due"}') == 2
    assert value(text, 'scaffold_outbox_emails{state="later"}') == 1
    assert value(text, 'scaffold_outbox_emails{state="sending"}') == 1
    assert value(text, 'scaffold_dependency_up{dependency="database"}') == 1
    assert value(text, 'scaffold_dependency_up{dependency="broker"}') == 1
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    assert value(text, f'scaffold_celery_queue_length{{queue="{queue}"}}') >= 0

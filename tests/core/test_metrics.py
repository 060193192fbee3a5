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


def scrape(client: Client, settings: Any) -> str:
    settings.METRICS_TOKEN = TOKEN
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    return response.content.decode()


def counted(text: str, name: str) -> float:
    """A series' value, 0 while it does not exist yet."""
    found = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def test_requests_are_counted_and_timed_by_route_name_not_path(
    client: Client, settings: Any
) -> None:
    sign_in = 'scaffold_http_requests_total{method="GET",route="login",status="200"}'
    person_page = 'scaffold_http_requests_total{method="GET",route="people:edit",status="302"}'
    unknown = 'scaffold_http_requests_total{method="GET",route="unmatched",status="404"}'
    timed = 'scaffold_http_request_duration_seconds_count{route="login"}'
    probe = 'scaffold_http_requests_total{method="GET",route="health",status="200"}'
    before = scrape(client, settings)

    client.get("/account/sign-in/")
    client.get("/account/sign-in/")
    client.get("/people/12/edit/")  # signed out: to the sign-in page
    client.get("/people/13/edit/")
    client.get("/no-such-page/")
    client.get("/health/", headers={"Host": "10.0.0.7"})  # answered before resolving

    after = scrape(client, settings)
    assert counted(after, sign_in) - counted(before, sign_in) == 2
    assert counted(after, person_page) - counted(before, person_page) == 2
    assert counted(after, unknown) - counted(before, unknown) == 1
    assert counted(after, timed) - counted(before, timed) == 2
    assert counted(after, probe) - counted(before, probe) == 1
    # One series per route, whatever the ids in the paths.
    assert "/people/12/" not in after

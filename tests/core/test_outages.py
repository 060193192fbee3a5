"""Redis really unreachable (a closed port, nothing mocked): what needs only
the database keeps working, and what must reach a worker waits in the
database instead of failing the request."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from config.celery_app import app as celery_app
from mentorship.notifications.models import Notification, NotificationStatus
from tests.fixtures.personas import PASSWORD, Personas


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_down(settings: Any, monkeypatch: Any) -> str:
    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }
    monkeypatch.setattr(celery_app.conf, "broker_url", url)
    # Connections already pooled point at the Redis that still runs.
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    return url


@pytest.mark.django_db(transaction=True)
def test_sign_in_and_pages_work_without_redis(personas: Personas, redis_down: str) -> None:
    client = Client()
    wrong = client.post(
        "/account/sign-in/", {"username": personas.mentee.email, "password": "not it"}
    )
    assert wrong.status_code == 200  # the form again, with its message: no 500

    signed_in = client.post(
        "/account/sign-in/", {"username": personas.mentee.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    assert client.get("/").status_code == 200
    assert client.get(f"/pairings/{personas.pairing.pk}/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_password_reset_without_redis_waits_in_the_database(
    personas: Personas, redis_down: str, caplog: Any
) -> None:
    with caplog.at_level(logging.WARNING):
        response = Client().post("/account/password-reset/", {"email": personas.mentee.email})

    assert response.status_code == 302
    assert any("Broker unreachable" in record.getMessage() for record in caplog.records)
    waiting = Notification.objects.get(recipient=personas.mentee, kind="password_reset")
    # Not handed to a worker (there is no broker): the next dispatch sends it.
    assert waiting.status == NotificationStatus.PENDING


@pytest.fixture
def queue_down(redis_down: str) -> Iterator[str]:
    """Tasks go to the (unreachable) broker, not run in the request."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield redis_down
    finally:
        celery_app.conf.task_always_eager = eager


def assert_try_again_later(response: Any) -> None:
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "30"


@pytest.mark.django_db(transaction=True)
def test_matching_without_a_task_queue_answers_503_and_leaves_nothing_in_the_way(
    personas: Personas, queue_down: str, caplog: Any
) -> None:
    from rest_framework.test import APIClient

    from mentorship.pairings.models import MatchingRun, MatchingRunStatus

    client = APIClient()
    client.force_authenticate(personas.hr)
    with caplog.at_level(logging.WARNING):
        started = client.post(
            "/api/v1/matching/runs/", {"program": personas.program.pk}, format="json"
        )

    assert_try_again_later(started)
    error = started.json()["error"]
    assert error["code"] == "unavailable"
    assert "try again in a minute" in error["message"]
    assert any("Broker unreachable" in record.getMessage() for record in caplog.records)
    # The run is over before it began: it holds no place, says why.
    run = MatchingRun.objects.get()
    assert run.status == MatchingRunStatus.FAILED
    assert "task queue did not answer" in run.error
    # The same from the page: a styled 503, not a 500.
    page = Client()
    page.force_login(personas.hr)
    response = page.post(f"/programs/{personas.program.pk}/matching/")
    assert_try_again_later(response)
    assert b"could not be started" in response.content
    assert not MatchingRun.objects.filter(status=MatchingRunStatus.QUEUED).exists()


@pytest.mark.django_db(transaction=True)
def test_a_people_import_without_a_task_queue_answers_503_and_can_be_tried_again(
    personas: Personas, queue_down: str
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.test import APIClient

    from mentorship.core.tasks import TaskQueueUnavailable
    from mentorship.people.imports.services import person_import_commit_request
    from mentorship.people.models import ImportStatus, PersonImport

    client = APIClient()
    client.force_authenticate(personas.hr)
    data = b"email,full_name\nana@scaffold.test,Ana Example\n"
    upload = SimpleUploadedFile("people.csv", data, "text/csv")
    response = client.post("/api/v1/people/imports/", {"file": upload}, format="multipart")

    assert_try_again_later(response)
    refused = PersonImport.objects.get()
    assert refused.status == ImportStatus.FAILED
    assert "Upload the file again in a minute" in refused.failure

    # A checked file whose import cannot be queued goes back to checked.
    PersonImport.objects.filter(pk=refused.pk).update(status=ImportStatus.CHECKED, failure="")
    committed = client.post(f"/api/v1/people/imports/{refused.pk}/commit/")
    assert_try_again_later(committed)
    refused.refresh_from_db()
    assert refused.status == ImportStatus.CHECKED
    with pytest.raises(TaskQueueUnavailable, match="commit_person_import"):
        person_import_commit_request(person_import=refused, by=personas.hr)
    refused.refresh_from_db()
    assert refused.status == ImportStatus.CHECKED


@pytest.mark.django_db(transaction=True)
def test_the_demo_loads_before_the_broker_runs_without_a_warning(
    redis_down: str, caplog: Any, settings: Any
) -> None:
    """`make dev` seeds the demo before it starts Redis: the demo's emails
    wait in the outbox, said in one plain line, not as a broker warning."""
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    out = StringIO()
    with caplog.at_level(logging.WARNING):
        call_command("seed_demo", "--if-empty", stdout=out)

    waiting = Notification.objects.filter(status=NotificationStatus.PENDING)
    assert waiting.exists()
    assert f"{waiting.count()} emails wait in the outbox" in out.getvalue()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.records

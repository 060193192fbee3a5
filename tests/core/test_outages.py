"""Redis really unreachable (a closed port, nothing mocked): what needs only
the database keeps working, and what must reach a worker waits in the
database instead of failing the request."""

from __future__ import annotations

import logging
import socket
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

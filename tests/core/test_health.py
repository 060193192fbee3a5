from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from mentorship.core import health


@pytest.mark.django_db
def test_it_reports_database_and_broker_ok(client: Client) -> None:
    response = client.get("/health/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True, "detail": "ok"}
    assert body["checks"]["broker"] == {"ok": True, "detail": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_it_answers_503_when_the_broker_is_unreachable(
    client: Client, settings: Any, tmp_path: Any
) -> None:
    settings.REDIS_URL = f"unix://{tmp_path}/nothing-listens-here.sock"

    response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_it_calls_the_scheduler_stale_when_the_heartbeat_is_old(
    client: Client, time_machine: Any
) -> None:
    time_machine.move_to("2026-11-23 10:00:00Z", tick=False)
    health.scheduler_heartbeat_record()

    assert client.get("/health/").json()["scheduler"]["status"] == "ok"

    time_machine.move_to("2026-11-23 10:06:00Z", tick=False)
    assert client.get("/health/").json()["scheduler"] == {
        "status": "stale",
        "last_heartbeat": "2026-11-23T10:00:00+00:00",
    }


@pytest.mark.django_db
def test_it_calls_the_scheduler_unknown_before_any_heartbeat(client: Client) -> None:
    cache.clear()
    assert client.get("/health/").json()["scheduler"] == {
        "status": "unknown",
        "last_heartbeat": None,
    }


@pytest.mark.django_db
def test_a_load_balancer_probing_by_ip_over_http_gets_the_report(
    client: Client, settings: Any
) -> None:
    """As in production: only the site's own host allowed, HTTPS enforced.
    The probe comes by IP address over plain HTTP all the same."""
    settings.ALLOWED_HOSTS = ["scaffold.example.com"]
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/health/", HTTP_HOST="10.0.3.17:8000")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    # Everything else still refuses a host it does not know.
    assert client.get("/accounts/login/", HTTP_HOST="10.0.3.17:8000").status_code == 400


@pytest.mark.django_db
def test_a_failing_probe_logs_no_error_per_request(
    client: Client, settings: Any, tmp_path: Any, caplog: Any
) -> None:
    settings.REDIS_URL = f"unix://{tmp_path}/nothing-listens-here.sock"

    with caplog.at_level(logging.WARNING, logger="django.request"):
        for _ in range(3):
            assert client.get("/health/").status_code == 503
        assert client.get("/no-such-page/").status_code == 404

    logged = [record.getMessage() for record in caplog.records if record.name == "django.request"]
    assert logged == ["Not Found: /no-such-page/"]

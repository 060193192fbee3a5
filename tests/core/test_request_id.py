"""One id from the web request into every log line it causes and into the
tasks it queues: the JSON log line of a request and of the task it queued,
in a real worker, carry the same request id."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from mentorship.core.logging import JsonFormatter
from mentorship.core.request_id import RequestIdFilter
from mentorship.people.services import person_create
from tests.fixtures.celery_worker import wait_for


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """This process's log, as production writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


@pytest.mark.django_db
def test_each_response_names_its_request() -> None:
    client = Client()
    chosen = client.get("/account/sign-in/", headers={"X-Request-Id": "a1b2c3d4e5f6a7b8"})
    made = client.get("/account/sign-in/")
    refused = client.get("/account/sign-in/", headers={"X-Request-Id": "not an id\n{}"})

    assert chosen["X-Request-Id"] == "a1b2c3d4e5f6a7b8"
    assert len(made["X-Request-Id"]) == 32
    assert refused["X-Request-Id"] not in ("not an id\n{}", made["X-Request-Id"])


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_request_and_the_task_it_queued_log_the_same_id(
    celery_worker_factory: Any, smtp_server: Any, json_log: io.StringIO
) -> None:
    person_create(email="amal@scaffold.test", full_name="Amal", password="old passphrase 1")
    worker = celery_worker_factory(extra_env={**smtp_server.env(), "LOG_FORMAT": "json"})

    response = Client().post(
        "/account/password-reset/",
        {"email": "amal@scaffold.test"},
        headers={"X-Request-Id": "5f0c2a9e8b7d4c1a"},
    )
    assert response.status_code == 302
    wait_for(lambda: smtp_server.messages)

    web = [line for line in lines(json_log.getvalue()) if "to the workers" in line["message"]]
    assert [line["request_id"] for line in web] == ["5f0c2a9e8b7d4c1a"]
    in_worker = wait_for(
        lambda: [line for line in lines(worker.log()) if "sent as they happen" in line["message"]]
    )
    assert [line["request_id"] for line in in_worker] == ["5f0c2a9e8b7d4c1a"]
    assert in_worker[0]["message"] == "Emails sent as they happen: 1 sent."
    assert {"time", "level", "logger", "process"} <= set(in_worker[0])

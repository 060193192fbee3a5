from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.fixtures.personas import Personas, build_personas

pytest_plugins = [
    "tests.fixtures.browser",
    "tests.fixtures.celery_worker",
    "tests.fixtures.smtp",
]


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    # A fast hasher: the production Argon2 setting has its own test.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
    # A fresh in-memory cache per test, so sign-in throttling and the like
    # never leak from one test into another. Tests about the Redis cache
    # itself restore the real one.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4()}",
        }
    }
    settings.OUTBOX_ECHO = False
    # Tests move the clock by hours and days between one request and the
    # next; the idle timeout has its own tests (people/test_sessions.py).
    settings.SESSION_IDLE_TIMEOUT = 0


@pytest.fixture(autouse=True)
def _clock(request: pytest.FixtureRequest) -> Iterator[None]:
    """``@pytest.mark.clock("2027-03-27T23:30:00Z")``: the test runs at that
    moment, and so does every fixture it uses (this one comes first, being
    autouse), so its data is never built at the real time and then looked
    at from another day. Pass ``tick=True`` to let the clock run."""
    marker = request.node.get_closest_marker("clock")
    if marker is None:
        yield
        return
    import time_machine

    with time_machine.travel(marker.args[0], tick=marker.kwargs.get("tick", False)):
        yield


@pytest.fixture(autouse=True)
def _postgres_only(request: pytest.FixtureRequest) -> None:
    """``@pytest.mark.postgres_only``: row locks, skipped rows and concurrent
    claims exist only on PostgreSQL (CI runs the suite there too)."""
    if request.node.get_closest_marker("postgres_only") is None:
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: row locks and concurrent claims.")


@pytest.fixture
def celery_eager() -> Iterator[None]:
    """Run tasks inline when they are sent, for tests about what a task
    does rather than how it travels."""
    from config.celery_app import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False
        app.conf.task_eager_propagates = False


@pytest.fixture
def personas(db: None) -> Personas:
    """The shared cast: HR, a program admin, a mentee with their mentor and
    line manager, another pair in the same program, and an outsider."""
    return build_personas()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for() -> Any:
    """An API client signed in (by session) as the given person, or
    anonymous for None."""

    def make(person: Any) -> APIClient:
        client = APIClient()
        if person is not None:
            client.force_login(person)
        return client

    return make

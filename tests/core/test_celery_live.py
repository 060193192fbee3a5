"""A real worker process on real Redis: tasks sent by the web process run."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from mentorship.core import health
from mentorship.core.tasks import record_scheduler_heartbeat
from mentorship.notifications.models import Notification, NotificationStatus
from mentorship.notifications.services import notifications_dispatch
from mentorship.people.models import Person
from mentorship.people.services import person_create
from tests.fixtures.celery_worker import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_cache(settings: Any) -> None:
    """This test and the worker must share a cache: the real Redis one."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": "scaffold",
        }
    }


def test_a_heartbeat_sent_to_the_broker_is_recorded_by_the_worker(
    redis_cache: None, celery_worker: Any, client: Client
) -> None:
    from django.core.cache import cache

    cache.delete(health.HEARTBEAT_KEY)
    record_scheduler_heartbeat.delay()

    wait_for(lambda: cache.get(health.HEARTBEAT_KEY))
    assert client.get("/health/").json()["scheduler"]["status"] == "ok"


def test_a_password_reset_asked_on_the_web_is_mailed_by_the_worker(
    client: Client, celery_worker_factory: Any, smtp_server: Any
) -> None:
    person = person_create(
        email="amal@scaffold.test", full_name="Amal", password="old passphrase 1"
    )
    celery_worker_factory(extra_env=smtp_server.env())

    response = client.post("/account/password-reset/", {"email": "Amal@Scaffold.test"})
    assert response.status_code == 302

    messages = wait_for(lambda: smtp_server.messages)
    assert len(messages) == 1
    message = messages[0]
    assert message["To"] == "amal@scaffold.test"
    assert message["Subject"] == "Reset your Scaffold password"
    assert message["Message-ID"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(re.escape(settings.SITE_URL) + r"(/account/password-reset/\S+/\S+/)", text)
    assert link is not None

    form = client.get(link.group(1), follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "new passphrase 2", "new_password2": "new passphrase 2"},
    )
    assert Person.objects.get(pk=person.pk).check_password("new passphrase 2")


def test_a_refused_reset_email_is_retried_from_the_outbox_until_it_arrives(
    client: Client, celery_worker_factory: Any, smtp_server: Any
) -> None:
    """The reset email is a row of the outbox: a refusal puts it back with
    a backoff (a second here), and the dispatch that beat runs sends it again."""
    person_create(email="bo@scaffold.test", full_name="Bo", password="old passphrase 1")
    smtp_server.handler.refuse_next(2)
    celery_worker_factory(extra_env={**smtp_server.env(), "NOTIFICATIONS_RETRY_BASE": "1"})

    client.post("/account/password-reset/", {"email": "bo@scaffold.test"})

    def arrived() -> list[Any]:
        notifications_dispatch()  # as beat does every half minute
        return smtp_server.messages

    wait_for(arrived, timeout=60, interval=0.5)
    assert smtp_server.handler.refused == 2
    assert len(smtp_server.messages) == 1
    row = wait_for(lambda: Notification.objects.filter(status=NotificationStatus.SENT).first())
    assert (row.kind, row.attempts, row.last_error) == ("password_reset", 3, "")


def test_an_import_checked_and_written_by_the_worker_invites_its_new_people(
    client: Client, celery_worker_factory: Any, smtp_server: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mentorship.people.models import ImportStatus, PersonImport

    hr = person_create(
        email="hr@scaffold.test", full_name="Hana HR", password="hr passphrase 1", is_hr=True
    )
    celery_worker_factory(extra_env=smtp_server.env())
    client.force_login(hr)
    upload = SimpleUploadedFile(
        "people.csv",
        b"email,full_name,time_zone\nrui@scaffold.test,Rui New,Europe/Lisbon\n"
        b"sol@scaffold.test,Sol New,America/Bogota\n",
        "text/csv",
    )
    client.post("/people/import/", {"file": upload})
    person_import = PersonImport.objects.get()
    wait_for(lambda: PersonImport.objects.get().status == ImportStatus.CHECKED, timeout=60)
    client.post(f"/people/import/{person_import.pk}/commit/", {"invite": "yes"})

    messages = wait_for(lambda: len(smtp_server.messages) == 2 and smtp_server.messages)
    assert sorted(m["To"] for m in messages) == ["rui@scaffold.test", "sol@scaffold.test"]
    rui = next(m for m in messages if m["To"] == "rui@scaffold.test")
    text = rui.get_body(preferencelist=("plain",)).get_content()
    link = re.search(re.escape(settings.SITE_URL) + r"(/account/welcome/\S+/)", text)
    assert link is not None
    newcomer = Client()
    newcomer.post(
        link.group(1), {"new_password1": "rui passphrase 1", "new_password2": "rui passphrase 1"}
    )
    assert Person.objects.get(email="rui@scaffold.test").check_password("rui passphrase 1")
    assert PersonImport.objects.get().summary["invited"] == 2


def test_workers_send_task_events_a_monitor_can_watch(celery_worker: Any) -> None:
    """What Flower or `celery events` sees: the task sent, started and
    succeeded, read off the broker by an event receiver like theirs."""
    import threading

    from config.celery_app import app

    seen: list[str] = []
    listening = threading.Event()

    def listen() -> None:
        with app.connection_for_read() as connection:
            receiver = app.events.Receiver(connection, handlers={})

            def on_event(event: dict[str, Any]) -> None:
                listening.set()  # the worker's heartbeats arrive every 2 s
                if event["type"].startswith("task-"):
                    seen.append(event["type"])
                if "task-succeeded" in seen:
                    receiver.should_stop = True

            receiver.handlers = {"*": on_event}
            receiver.capture(limit=None, timeout=30, wakeup=False)

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    assert listening.wait(timeout=30), "no worker heartbeat event: events are off"
    record_scheduler_heartbeat.delay()
    thread.join(timeout=40)

    assert {"task-sent", "task-started", "task-succeeded"} <= set(seen), seen


def test_a_worker_counts_the_tasks_it_finishes_for_metrics(
    celery_worker: Any, client: Client, settings: Any
) -> None:
    settings.METRICS_TOKEN = "metrics-token-for-the-test-3f9a"
    series = (
        'scaffold_celery_tasks_total{state="SUCCESS",'
        'task="mentorship.core.tasks.record_scheduler_heartbeat"}'
    )

    def count() -> float:
        text = client.get(
            "/metrics", headers={"Authorization": f"Bearer {settings.METRICS_TOKEN}"}
        ).content.decode()
        found = re.search(rf"^{re.escape(series)} (\S+)$", text, re.MULTILINE)
        return float(found.group(1)) if found else 0.0

    before = count()
    record_scheduler_heartbeat.delay()
    record_scheduler_heartbeat.delay()

    wait_for(lambda: count() >= before + 2)
    assert count() == before + 2

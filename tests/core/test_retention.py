"""The data lifecycle: each kind of record goes once past its keeping, and
not a day before; what is still to be sent never goes; and deleting the
email log never lets a reminder go out twice."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from config.celery_app import app
from config.env import Env
from mentorship.audit.models import AuditEvent, SecurityEvent, SecurityEventKind
from mentorship.audit.security import security_record
from mentorship.audit.services import audit_record
from mentorship.core import retention
from mentorship.core.tasks import retention_sweep as retention_task
from mentorship.notifications import links
from mentorship.notifications.models import (
    Notification,
    NotificationStatus,
    OutboxMessage,
    SignedLinkUse,
)
from mentorship.notifications.services import notifications_sweep
from mentorship.pairings.models import MilestoneStatus
from tests.fixtures.personas import Personas
from tests.notifications.simulate import deliver_due

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def email(personas: Personas, status: str, *, due: dt.datetime, key: str) -> Notification:
    return Notification.objects.create(
        kind="milestone_due_soon",
        recipient=personas.mentee,
        dedup_key=key,
        status=status,
        send_after=due,
    )


def test_the_email_log_keeps_a_year_and_never_what_is_still_to_be_sent(
    personas: Personas,
) -> None:
    now = timezone.now()
    year_ago = now - dt.timedelta(days=365)
    gone = [
        email(personas, status, due=year_ago - DAY, key=f"old-{status}")
        for status in (
            NotificationStatus.SENT,
            NotificationStatus.FAILED,
            NotificationStatus.CANCELLED,
        )
    ]
    kept = [
        email(personas, NotificationStatus.SENT, due=year_ago + DAY, key="recent"),
        # However old, an email not yet sent is the outbox's, not the log's.
        email(personas, NotificationStatus.PENDING, due=year_ago - DAY, key="old-pending"),
        email(personas, NotificationStatus.SENDING, due=year_ago - DAY, key="old-sending"),
    ]

    removed = retention.retention_sweep(now=now)

    assert removed["email log"] == len(gone)
    ours = Notification.objects.filter(pk__in=[row.pk for row in gone + kept])
    assert set(ours.values_list("dedup_key", flat=True)) == {row.dedup_key for row in kept}


@pytest.mark.parametrize(
    ("setting", "rule", "make"),
    [
        (
            "RETENTION_OUTBOX_DAYS",
            "development outbox",
            lambda p: OutboxMessage.objects.create(
                to_email="a@scaffold.test", subject="s", body_text="b"
            ),
        ),
        (
            "RETENTION_AUDIT_DAYS",
            "audit events",
            lambda p: audit_record(actor=p.hr, action="pairing.activated", target=p.pairing),
        ),
        (
            "RETENTION_SECURITY_EVENTS_DAYS",
            "security events",
            lambda p: security_record(SecurityEventKind.SIGNED_IN, person=p.mentee),
        ),
    ],
    ids=["outbox", "audit", "security"],
)
@pytest.mark.parametrize("days", [90, 400])
def test_each_kept_record_goes_once_past_its_keeping(
    personas: Personas, settings: Any, setting: str, rule: str, make: Any, days: int
) -> None:
    setattr(settings, setting, days)
    row = make(personas)
    model = type(row)

    # The last day of its keeping: still there.
    retention.retention_sweep(now=timezone.now() + dt.timedelta(days=days) - DAY)
    assert model.objects.filter(pk=row.pk).exists()

    removed = retention.retention_sweep(now=timezone.now() + dt.timedelta(days=days, seconds=1))
    assert removed[rule] >= 1
    assert not model.objects.filter(pk=row.pk).exists()


def test_audit_and_security_events_are_kept_forever_by_default(personas: Personas) -> None:
    audit_record(actor=personas.hr, action="pairing.activated", target=personas.pairing)
    security_record(SecurityEventKind.SIGNED_IN, person=personas.mentee)

    audits, events = AuditEvent.objects.count(), SecurityEvent.objects.count()

    removed = retention.retention_sweep(now=timezone.now() + dt.timedelta(days=20 * 365))

    assert (removed["audit events"], removed["security events"]) == (0, 0)
    assert (AuditEvent.objects.count(), SecurityEvent.objects.count()) == (audits, events)


def test_expired_sessions_go_and_live_ones_stay(personas: Personas) -> None:
    live, expired = SessionStore(), SessionStore()
    live.create()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - DAY)

    assert retention.retention_sweep()["expired sessions"] == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_a_used_link_is_forgotten_only_once_it_could_no_longer_work(
    client: Client, personas: Personas, time_machine: Any
) -> None:
    milestone = personas.pairing.milestones.filter(status=MilestoneStatus.OPEN).first()
    assert milestone is not None
    url = re.sub(
        r"^https?://[^/]+",
        "",
        links.action_url(
            action="milestone_done", person_id=personas.mentee.pk, object_id=milestone.pk
        ),
    )
    assert client.post(url).status_code == 200

    # Within the link's life, the record of its use stays: the link is spent.
    time_machine.move_to(timezone.now() + links.ACTION_MAX_AGE - DAY)
    assert retention.retention_sweep()["used one-click links"] == 0
    assert client.post(url).status_code == 410

    # After it, the record goes, and the link is refused all the same.
    time_machine.move_to(timezone.now() + 2 * DAY)
    assert retention.retention_sweep()["used one-click links"] == 1
    assert not SignedLinkUse.objects.exists()
    response = client.post(url)
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


def test_rows_go_in_batches_and_a_second_run_finds_nothing(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retention, "BATCH", 2)
    long_ago = timezone.now() - dt.timedelta(days=400)
    for n in range(5):
        email(personas, NotificationStatus.SENT, due=long_ago, key=f"k{n}")

    now = timezone.now()
    assert retention.retention_sweep(now=now)["email log"] == 5
    assert retention.retention_sweep(now=now)["email log"] == 0


def test_a_dry_run_counts_and_deletes_nothing(personas: Personas) -> None:
    old = email(
        personas, NotificationStatus.SENT, due=timezone.now() - dt.timedelta(days=400), key="k"
    )

    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)

    line = next(line for line in out.getvalue().splitlines() if line.startswith("email log"))
    assert "kept 365 days" in line
    assert line.endswith("would delete 1")
    assert Notification.objects.filter(pk=old.pk).exists()

    out = StringIO()
    call_command("retention", stdout=out)
    line = next(line for line in out.getvalue().splitlines() if line.startswith("email log"))
    assert line.endswith("deleted 1")
    assert not Notification.objects.filter(pk=old.pk).exists()


def test_beat_runs_the_sweep_nightly_and_a_worker_knows_the_task(settings: Any) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["retention-sweep"]
    assert entry["task"] == retention_task.name
    assert entry["task"] in app.tasks
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {30})


def test_the_task_sweeps(personas: Personas) -> None:
    email(personas, NotificationStatus.SENT, due=timezone.now() - dt.timedelta(days=400), key="k")
    assert retention_task.apply().get()["email log"] == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, 365), ("", 365), ("forever", None), ("FOREVER", None), ("90", 90), ("1000", 1000)],
)
def test_keeping_is_days_or_forever(raw: str | None, expected: int | None) -> None:
    environ = {} if raw is None else {"RETENTION_EMAIL_LOG_DAYS": raw}
    assert Env(environ).days_or_forever("RETENTION_EMAIL_LOG_DAYS", 365, minimum=90) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("30", "RETENTION_EMAIL_LOG_DAYS=30 is below the minimum of 90 days (or say 'forever')."),
        ("a year", "RETENTION_EMAIL_LOG_DAYS='a year' is neither a whole number of days nor"),
    ],
)
def test_a_keeping_that_is_too_short_or_unreadable_stops_start_up(raw: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace(")", r"\)")):
        Env({"RETENTION_EMAIL_LOG_DAYS": raw}).days_or_forever(
            "RETENTION_EMAIL_LOG_DAYS", 365, minimum=90
        )


def test_the_pages_say_how_long_emails_are_kept(
    client_for: Any, personas: Personas, settings: Any
) -> None:
    log = client_for(personas.hr).get("/mail/log/").content.decode()
    mine = client_for(personas.mentee).get("/mail/").content.decode()
    assert "stays in the log for 365 days after it was due" in log
    assert "Each stays listed for 365 days after it was due" in mine

    settings.RETENTION_EMAIL_LOG_DAYS = None
    assert "stays in the log" not in client_for(personas.hr).get("/mail/log/").content.decode()


# Every reminder kind, run day by day for four months with the email log
# cut at its shortest keeping each night: no email ever goes out twice. The
# personas' pairing is new (a welcome), has plan milestones left open
# (overdue nudges) and a self-assessment due, no check-in (check-in nudges)
# and a program admin (weekly digests).
@pytest.mark.clock("2026-06-01T00:00:00Z")
def test_cutting_the_email_log_never_sends_a_reminder_twice(
    personas: Personas, settings: Any, time_machine: Any
) -> None:
    settings.RETENTION_EMAIL_LOG_DAYS = 90
    start = timezone.now()
    sent: dict[int, str] = {}
    deleted = 0
    for day in range(130):
        moment = start + day * DAY
        for hour in (0, 9, 15, 21):  # 09:00 somewhere for every persona
            at = moment + dt.timedelta(hours=hour)
            time_machine.move_to(at, tick=False)
            notifications_sweep(now=at)
            deliver_due(at)
        sent.update(
            Notification.objects.filter(status=NotificationStatus.SENT).values_list(
                "pk", "dedup_key"
            )
        )
        deleted += retention.retention_sweep(now=moment + dt.timedelta(hours=23))["email log"]

    kinds = Counter(key.split(":")[0] for key in sent.values())
    twice = [key for key, count in Counter(sent.values()).items() if count > 1]
    assert twice == []
    assert deleted > 0, "the log was never cut: the test proved nothing"
    assert set(kinds) >= {
        "pairing_welcome",
        "checkin_nudge",
        "milestone_overdue",
        "assessment_due",
        "weekly_digest",
    }, kinds

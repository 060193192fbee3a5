"""Claiming, sending, retrying and reconciling: nothing lost, nothing twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from mentorship.notifications import services
from mentorship.notifications.models import Notification, NotificationStatus
from mentorship.plans.models import StepOwner
from tests.factories import MilestoneFactory, PairingFactory, PersonFactory, ProgramFactory
from tests.notifications.simulate import deliver_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(db: None, time_machine: Any) -> list[Notification]:
    """Three due-soon reminders, due to go out now."""
    time_machine.move_to(dt.datetime(2026, 6, 8, 12, 0, tzinfo=dt.UTC), tick=False)
    program = ProgramFactory.create(reminder_lead_days=3)
    for zone in ("Europe/Berlin", "Europe/Lisbon", "Europe/Madrid"):
        pairing = PairingFactory.create(
            program=program, mentee=PersonFactory.create(time_zone=zone)
        )
        MilestoneFactory.create(
            pairing=pairing, due_on=dt.date(2026, 6, 10), owner=StepOwner.MENTEE
        )
    services.notifications_sweep(now=dt.datetime(2026, 6, 7, 1, 0, tzinfo=dt.UTC))
    rows = list(Notification.objects.order_by("id"))
    assert len(rows) == 3
    return rows


def test_a_claim_takes_due_rows_once(queued: list[Notification]) -> None:
    now = timezone.now()
    claim_id, ids = services.notifications_claim(now=now)
    _again_id, again = services.notifications_claim(now=now)

    assert sorted(ids) == sorted(n.pk for n in queued)
    assert again == []
    assert set(Notification.objects.values_list("status", "claim_id")) == {("sending", claim_id)}


def test_rows_not_yet_due_are_not_claimed(queued: list[Notification]) -> None:
    _, ids = services.notifications_claim(now=dt.datetime(2026, 6, 7, 5, 0, tzinfo=dt.UTC))
    assert ids == []


def test_sending_marks_rows_sent_with_a_stable_message_id(queued: list[Notification]) -> None:
    claim_id, ids = services.notifications_claim(now=timezone.now())

    outcome = services.notifications_send(ids=ids, claim_id=claim_id)

    assert outcome["sent"] == 3
    assert len(mail.outbox) == 3
    for row in Notification.objects.all():
        assert row.status == NotificationStatus.SENT
        assert row.attempts == 1
        assert row.message_id == f"<scaffold.notification.{row.pk}@127.0.0.1>"
        message = next(m for m in mail.outbox if m.extra_headers["Message-ID"] == row.message_id)
        assert message.subject == row.email_subject
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_task_with_a_stale_claim_sends_nothing(queued: list[Notification]) -> None:
    """A task redelivered after its rows were reclaimed must not send them."""
    old_claim, ids = services.notifications_claim(now=timezone.now())
    Notification.objects.update(status=NotificationStatus.PENDING, claim_id=None)
    new_claim, _ = services.notifications_claim(now=timezone.now())

    stale = services.notifications_send(ids=ids, claim_id=old_claim)
    fresh = services.notifications_send(ids=ids, claim_id=new_claim)
    repeated = services.notifications_send(ids=ids, claim_id=new_claim)

    assert stale["skipped"] == 3
    assert fresh["sent"] == 3
    assert repeated["skipped"] == 3
    assert len(mail.outbox) == 3


class Refusing:
    """A mailer that fails like a broken SMTP server."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def open(self) -> None:
        return None

    def close(self) -> None:
        return None

    def send_messages(self, messages: Any) -> int:
        raise self.error


def test_a_failed_delivery_is_retried_later_with_backoff(
    queued: list[Notification], monkeypatch: Any
) -> None:
    import smtplib

    monkeypatch.setattr(
        "mentorship.notifications.services.mailers",
        type("M", (), {"default": Refusing(smtplib.SMTPServerDisconnected("gone"))})(),
    )
    claim_id, ids = services.notifications_claim(now=timezone.now())

    outcome = services.notifications_send(ids=ids, claim_id=claim_id)

    assert outcome["retry"] == 3
    for row in Notification.objects.all():
        assert row.status == NotificationStatus.PENDING
        assert row.attempts == 1
        assert "SMTPServerDisconnected: gone" in row.last_error
        delay = (row.send_after - timezone.now()).total_seconds()
        assert 30 <= delay <= 90  # 60 s, jittered by ±50 %


def test_after_the_last_attempt_the_email_is_failed(
    queued: list[Notification], monkeypatch: Any, settings: Any, time_machine: Any
) -> None:
    import smtplib

    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    monkeypatch.setattr(
        "mentorship.notifications.services.mailers",
        type("M", (), {"default": Refusing(smtplib.SMTPConnectError(421, "busy"))})(),
    )
    for _ in range(3):
        time_machine.shift(dt.timedelta(hours=6))
        deliver_due(timezone.now())

    assert set(Notification.objects.values_list("status", "attempts")) == {("failed", 3)}


def test_a_permanent_refusal_fails_at_once(queued: list[Notification], monkeypatch: Any) -> None:
    import smtplib

    monkeypatch.setattr(
        "mentorship.notifications.services.mailers",
        type("M", (), {"default": Refusing(smtplib.SMTPDataError(554, "rejected"))})(),
    )
    deliver_due(timezone.now())

    assert set(Notification.objects.values_list("status", "attempts")) == {("failed", 1)}


def test_rows_stuck_in_sending_go_back_to_the_queue(
    queued: list[Notification], time_machine: Any
) -> None:
    services.notifications_claim(now=timezone.now())  # and the worker dies

    assert services.notifications_reconcile(now=timezone.now()) == 0  # too soon to tell
    later = timezone.now() + dt.timedelta(minutes=11)
    assert services.notifications_reconcile(now=later) == 3

    assert set(Notification.objects.values_list("status", "claim_id", "attempts")) == {
        ("pending", None, 1)
    }
    time_machine.move_to(later, tick=False)
    deliver_due(later)
    assert len(mail.outbox) == 3


def test_a_retry_by_an_admin_queues_a_failed_email_again(queued: list[Notification]) -> None:
    admin = PersonFactory.create(is_hr=True)
    row = queued[0]
    Notification.objects.filter(pk=row.pk).update(status=NotificationStatus.FAILED, attempts=5)
    row.refresh_from_db()

    services.notification_retry(notification=row, by=admin)

    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 0)
    deliver_due(timezone.now())
    row.refresh_from_db()
    assert row.status == "sent"


def test_only_failed_emails_can_be_retried(queued: list[Notification]) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Only a failed email"):
        services.notification_retry(notification=queued[0], by=PersonFactory.create())


def test_dispatch_hands_claims_to_tasks_after_commit(
    queued: list[Notification], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        claimed = services.notifications_dispatch(now=timezone.now())

    assert claimed == 3
    assert len(callbacks) == 1  # published only once the claim has committed
    batches, claim_id = callbacks[0].args
    assert [sorted(batch) for batch in batches] == [sorted(n.pk for n in queued)]
    assert set(Notification.objects.values_list("claim_id", flat=True)) == {claim_id}

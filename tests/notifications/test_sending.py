"""Claiming, sending, retrying and reconciling: nothing lost, nothing twice."""

from __future__ import annotations

import datetime as dt
import uuid
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from mentorship.notifications import services
from mentorship.notifications.models import EmailOptOut, Notification, NotificationStatus
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
        # Only the due-soon reminders: not the Friday question of their week.
        EmailOptOut.objects.create(person=pairing.mentee, kind="week_split_ask")
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


def test_a_worker_starts_no_email_after_half_its_lease_and_hands_the_rest_back(
    queued: list[Notification], monkeypatch: Any, settings: Any
) -> None:
    """A slow batch must not outlive its claim: the reconciler would give the
    rest to another worker, and both would send them."""
    settings.NOTIFICATIONS_SENDING_TIMEOUT = dt.timedelta(seconds=10)
    # The worker's clock: each email sent takes 4 s, so the third would start
    # at 8 s, past half the lease (5 s).
    ticks = iter([0.0, 0.0, 4.0, 8.0, 12.0])
    monkeypatch.setattr(services, "_clock", lambda: next(ticks))
    claim_id, ids = services.notifications_claim(now=timezone.now())

    outcome = services.notifications_send(ids=ids, claim_id=claim_id)

    assert outcome == {"sent": 2, "handed back": 1, "skipped": 0}
    assert len(mail.outbox) == 2
    sent, sent_too, handed_back = Notification.objects.order_by("id")
    assert {sent.status, sent_too.status} == {NotificationStatus.SENT}
    # Back in the queue as it was: due, uncharged, no claim, never taken up.
    assert handed_back.status == NotificationStatus.PENDING
    assert handed_back.attempts == 0
    assert handed_back.claim_id is None
    assert handed_back.started_at is None
    assert handed_back.send_after <= timezone.now()
    # The old task's claim is gone, so a redelivery of it sends nothing; the
    # next dispatch sends the row, once.
    assert services.notifications_send(ids=ids, claim_id=claim_id)["sent"] == 0
    monkeypatch.setattr(services, "_clock", lambda: 0.0)
    again, again_ids = services.notifications_claim(now=timezone.now())
    assert again_ids == [handed_back.pk]
    assert services.notifications_send(ids=again_ids, claim_id=again)["sent"] == 1
    assert len(mail.outbox) == 3
    assert len({message.extra_headers["Message-ID"] for message in mail.outbox}) == 3


def _queue_batch(pairings: int) -> tuple[uuid.UUID, list[int]]:
    """Reminders for ``pairings`` pairs — a milestone due soon to both sides,
    an action item overdue to the mentee — with one milestone done
    meanwhile and one mentor opted out: claimed, ready to send."""
    from mentorship.checkins.models import ActionItem
    from mentorship.notifications.models import EmailOptOut
    from mentorship.pairings.models import MilestoneStatus

    program = ProgramFactory.create(reminder_lead_days=3)
    milestones = []
    for _ in range(pairings):
        pairing = PairingFactory.create(program=program)
        milestones.append(
            MilestoneFactory.create(
                pairing=pairing, due_on=dt.date(2026, 6, 10), owner=StepOwner.BOTH
            )
        )
        ActionItem.objects.create(
            pairing=pairing,
            owner=pairing.mentee,
            text="Draft the team charter",
            due_on=dt.date(2026, 6, 6),
        )
    services.notifications_sweep(now=dt.datetime(2026, 6, 8, 1, 0, tzinfo=dt.UTC))
    milestones[0].status = MilestoneStatus.DONE
    milestones[0].completed_at = timezone.now()
    milestones[0].save(update_fields=["status", "completed_at"])
    EmailOptOut.objects.create(person=milestones[1].pairing.mentor, kind="milestone_due_soon")
    Notification.objects.update(send_after=timezone.now())
    return services.notifications_claim(now=timezone.now(), limit=1000)


@pytest.mark.parametrize("pairings", [3, 12])
def test_a_batch_reads_what_it_sends_in_a_fixed_number_of_queries(
    pairings: int, time_machine: Any, django_assert_num_queries: Any
) -> None:
    """Loading, checking and cancelling cost the same for 9 emails or 36;
    only marking each email sent is one statement per email, on purpose: a
    worker killed mid-batch then leaves nothing it sent unrecorded."""
    time_machine.move_to(dt.datetime(2026, 6, 8, 12, 0, tzinfo=dt.UTC), tick=False)
    claim_id, ids = _queue_batch(pairings)
    assert len(ids) == 3 * pairings
    sent = 3 * pairings - 3  # the done milestone's two, the opted-out mentor's one
    # Stamp, read with the recipients, opt-outs, one read per kind (two
    # kinds), cancel together: 6; then one mark per email sent.
    with django_assert_num_queries(6 + sent):
        outcome = services.notifications_send(ids=ids, claim_id=claim_id)

    assert outcome == {"sent": sent, "cancelled": 3, "skipped": 0}
    assert len(mail.outbox) == sent
    assert {message.extra_headers["Message-ID"] for message in mail.outbox} == set(
        Notification.objects.filter(status=NotificationStatus.SENT).values_list(
            "message_id", flat=True
        )
    )
    assert Notification.objects.filter(status=NotificationStatus.CANCELLED).count() == 3


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
    """A row a worker took up and then went quiet on costs an attempt; a row
    whose task never started (lost by the broker) goes back uncharged."""
    _claim, ids = services.notifications_claim(now=timezone.now())
    taken_up = ids[:2]
    # The worker starts on two rows and dies (the SMTP server never answers).
    Notification.objects.filter(pk__in=taken_up).update(started_at=timezone.now())

    assert services.notifications_reconcile(now=timezone.now()) == 0  # too soon to tell
    later = timezone.now() + dt.timedelta(minutes=11)
    assert services.notifications_reconcile(now=later) == 3

    rows = Notification.objects.values_list("pk", "status", "claim_id", "attempts", "started_at")
    assert {pk: (status, claim, attempts) for pk, status, claim, attempts, _ in rows} == {
        pk: ("pending", None, 1 if pk in taken_up else 0) for pk in ids
    }
    assert {started for *_, started in rows} == {None}
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


def test_dispatch_hands_over_no_more_than_the_workers_can_hold(
    queued: list[Notification], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A burst is handed over as the workers get through it: never more rows
    out at once than NOTIFICATIONS_MAX_IN_FLIGHT, topped up by each dispatch."""
    settings.NOTIFICATIONS_MAX_IN_FLIGHT = 2
    with django_capture_on_commit_callbacks(execute=False):
        assert services.notifications_dispatch(now=timezone.now()) == 2
        assert services.notifications_dispatch(now=timezone.now()) == 0  # still full
    first = Notification.objects.filter(status=NotificationStatus.SENDING).first()
    assert first is not None
    assert first.claim_id is not None
    services.notifications_send(ids=[first.pk], claim_id=first.claim_id)  # one sent
    with django_capture_on_commit_callbacks(execute=False):
        assert services.notifications_dispatch(now=timezone.now()) == 1
    assert Notification.objects.filter(status=NotificationStatus.PENDING).count() == 0


def test_send_now_claims_at_the_real_time(queued: list[Notification]) -> None:
    """``reminders --send-now`` takes what is due later, but its claims carry
    the real time: one whose task is lost comes back after the timeout, not a
    year later."""
    from django.core.management import call_command

    Notification.objects.update(send_after=timezone.now() + dt.timedelta(days=30))
    call_command("reminders", "--send-now", stdout=StringIO())
    claimed_at = set(Notification.objects.values_list("claimed_at", flat=True))
    assert len(claimed_at) == 1
    claimed = claimed_at.pop()
    assert claimed is not None
    assert abs(claimed - timezone.now()) < dt.timedelta(minutes=1)


def test_the_reminders_command_tells_found_from_queued(
    queued: list[Notification], django_capture_on_commit_callbacks: Any
) -> None:
    """A second run finds the same three reminders due, and queues none: the
    operator is told both, not "due now" for emails that will not go."""
    from django.core.management import call_command

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=False):
        call_command("reminders", stdout=out)

    report = out.getvalue()
    assert "milestone_due_soon 3" in report.splitlines()[0]
    assert report.splitlines()[1] == "Queued just now: nothing new"

"""Emails that answer something that just happened — the welcome to a new
pairing, an invitation, a password reset — leave at once, through the
outbox like every reminder; and a link that signs someone in is kept
nowhere but in the recipient's own mail."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from mentorship.audit.models import AuditEvent
from mentorship.notifications import events, services
from mentorship.notifications.models import Notification, NotificationStatus, OutboxMessage
from mentorship.pairings.models import Pairing
from mentorship.pairings.services.lifecycle import pairing_activate, pairing_propose
from mentorship.people.models import Person
from mentorship.people.services import person_invite
from mentorship.programs.models import EnrollmentRole
from mentorship.programs.services.enrollments import enrollment_create
from tests.factories import EnrollmentFactory, PersonFactory
from tests.fixtures.personas import Personas
from tests.notifications.simulate import deliver_due

pytestmark = pytest.mark.django_db

RESET_LINK = re.compile(r"http://\S+?(/account/password-reset/[^/\s]+/[^/\s]+/)")
WELCOME_LINK = re.compile(r"http://\S+?(/account/welcome/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _tasks_run_inline(celery_eager: None) -> None:
    """The delivery task runs in process when a transaction commits;
    tests/core/test_celery_live.py sends the same emails through a worker."""


@pytest.fixture
def dev_outbox(settings: Any) -> None:
    """The development mail backend: kept in the database, echoed to the
    terminal (the developer's stand-in for every recipient's mailbox)."""
    settings.EMAIL_BACKEND_NAME = "outbox"
    settings.MAILERS = {
        "default": {"BACKEND": "mentorship.notifications.backends.OutboxEmailBackend"}
    }
    settings.OUTBOX_ECHO = True


def stored_text() -> str:
    """Everything the database keeps about emails and what happened."""
    return "\n".join(
        [
            *(
                " ".join(map(str, row))
                for row in Notification.objects.values_list(
                    "dedup_key", "email_subject", "last_error", "message_id"
                )
            ),
            *(
                " ".join(map(str, row))
                for row in OutboxMessage.objects.values_list("subject", "body_text", "body_html")
            ),
            *(str(row) for row in AuditEvent.objects.values_list("data", "target_repr")),
        ]
    )


def newcomer_proposed(personas: Personas, **person: Any) -> tuple[Person, Pairing]:
    """Someone new, enrolled as a mentee and proposed to the mentor."""
    newcomer = PersonFactory.create(**person)
    enrollment_create(
        program=personas.program, person=newcomer, role=EnrollmentRole.MENTEE, by=personas.hr
    )
    proposal = pairing_propose(
        program=personas.program, mentee=newcomer, mentor=personas.mentor, by=personas.hr
    )
    return newcomer, proposal


@pytest.mark.clock("2027-03-01T07:00:00Z")  # 02:00 in New York, 08:00 in Berlin
def test_an_approved_pairing_welcomes_both_at_once_not_at_nine(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    newcomer, proposal = newcomer_proposed(
        personas, full_name="Nia New", time_zone="America/New_York"
    )

    with django_capture_on_commit_callbacks(execute=True):
        pairing = pairing_activate(pairing=proposal, by=personas.hr)

    rows = Notification.objects.filter(kind="pairing_welcome", pairing=pairing)
    assert {(row.recipient_id, row.status) for row in rows} == {
        (newcomer.pk, NotificationStatus.SENT),
        (personas.mentor.pk, NotificationStatus.SENT),
    }
    assert {row.send_after for row in rows} == {timezone.now()}
    assert {row.sent_at for row in rows} == {timezone.now()}
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        [
            (newcomer.email, "Meet your mentor, Marco Mentor"),
            (personas.mentor.email, "You are now mentoring Nia New"),
        ]
    )
    # The sweep finds the same welcomes and adds nothing.
    services.notifications_sweep()
    assert Notification.objects.filter(kind="pairing_welcome", pairing=pairing).count() == 2


@pytest.mark.clock("2027-03-01T07:00:00Z")
def test_a_welcome_days_after_the_start_names_no_past_step_as_a_first_step(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    """A pairing started a few days back: its kickoff, not yet held, is
    still the first thing to do, said as late; the steps listed next are the
    ones to come, not those already past."""
    newcomer, proposal = newcomer_proposed(personas, full_name="Nia New", time_zone="Europe/Berlin")
    started = timezone.localdate() - dt.timedelta(days=3)

    with django_capture_on_commit_callbacks(execute=True):
        pairing = pairing_activate(pairing=proposal, by=personas.hr, starts_on=started)

    welcome = next(m for m in mail.outbox if m.to == [newcomer.email])
    kickoff_day = f"{started:%A} {started.day} {started:%B}"
    assert f"First: Kickoff, planned for {kickoff_day}: hold it as soon as you can." in (
        welcome.body
    )
    listed = welcome.body.split("Then:")[1].split("Open the pairing")[0]
    first_ones = pairing.milestones.filter(title="First 1:1s").get()
    assert f"{first_ones.due_on.day} {first_ones.due_on:%b}: First 1:1s" in listed
    assert "Kickoff" not in listed
    assert first_ones.due_on >= timezone.localdate()


@pytest.mark.clock("2027-03-01T07:00:00Z")
def test_a_pairing_recorded_as_started_weeks_ago_is_not_welcomed_now(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    newcomer, proposal = newcomer_proposed(personas)
    weeks_ago = timezone.now() - dt.timedelta(days=21)

    with django_capture_on_commit_callbacks(execute=True):
        pairing_activate(
            pairing=proposal, by=personas.hr, starts_on=weeks_ago.date(), when=weeks_ago
        )

    assert not Notification.objects.filter(kind="pairing_welcome", recipient=newcomer).exists()
    assert mail.outbox == []


@pytest.mark.clock("2027-03-01T07:00:00Z")
def test_reminders_still_wait_for_nine_in_the_recipients_zone(personas: Personas) -> None:
    from tests.factories import MilestoneFactory

    MilestoneFactory.create(
        pairing=personas.pairing, due_on=dt.date(2027, 3, 3), title="Skip-level lunch"
    )
    services.notifications_sweep()

    due_soon = Notification.objects.get(kind="milestone_due_soon", recipient=personas.mentee)
    # 09:00 in New York (EST) that day.
    assert due_soon.send_after == dt.datetime(2027, 3, 1, 14, 0, tzinfo=dt.UTC)


def test_a_password_reset_is_an_outbox_row_that_keeps_no_link(
    client: Client,
    personas: Personas,
    dev_outbox: None,
    capsys: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/password-reset/", {"email": personas.mentee.email})
    assert response.status_code == 302

    row = Notification.objects.get(kind="password_reset")
    assert (row.recipient, row.status, row.email_subject) == (
        personas.mentee,
        NotificationStatus.SENT,
        "Reset your Scaffold password",
    )
    # The recipient's mail (here the terminal) carries the link …
    found = RESET_LINK.search(capsys.readouterr().out)
    assert found is not None
    path = found.group(1)
    # The token is the secret (the user id beside it is a couple of base64
    # characters, which a page's random nonce can contain by chance).
    uid, token = path.split("/")[-3:-1]
    secret = [token, f"{uid}/{token}"]
    # … and nothing the database keeps does.
    kept = stored_text()
    assert "Reset your Scaffold password" in kept
    assert not any(part in kept for part in secret)
    stored = OutboxMessage.objects.get(to_email=personas.mentee.email)
    assert "[link delivered to the recipient only]" in stored.body_text
    assert "[link delivered to the recipient only]" in stored.body_html

    # The link itself works, once.
    form = client.get(path, follow=True)
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    assert done.status_code == 302
    assert Person.objects.get(pk=personas.mentee.pk).check_password("a brand new passphrase")

    # Nor do the pages that show the outbox and the log, to anyone.
    hr = Client()
    hr.force_login(personas.hr)
    log = hr.get("/mail/log/", {"kind": "password_reset"}).content.decode()
    assert "Password reset" in log
    assert personas.mentee.email in log
    api = hr.get("/api/v1/notifications/", {"kind": "password_reset"}).content.decode()
    mentee = Client()
    mentee.force_login(Person.objects.get(pk=personas.mentee.pk))
    mine = mentee.get("/mail/outbox/").content.decode()
    message = mentee.get(f"/mail/outbox/{stored.pk}/").content.decode()
    html = mentee.get(f"/mail/outbox/{stored.pk}/html/").content.decode()
    assert "Reset your Scaffold password" in mine
    for page in (log, api, mine, message, html):
        assert not any(part in page for part in secret)


def test_two_reset_requests_are_two_emails_whose_links_die_with_the_new_password(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/account/password-reset/", {"email": personas.mentor.email})

    assert Notification.objects.filter(kind="password_reset", status="sent").count() == 2
    paths = [RESET_LINK.search(str(m.body)).group(1) for m in mail.outbox]  # type: ignore[union-attr]
    assert len(paths) == 2
    # Django's rule: each works until the password changes.
    assert all(Client().get(path, follow=True).status_code == 200 for path in paths)
    first = Client()
    form = first.get(paths[0], follow=True)
    first.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    for path in paths:
        page = Client().get(path, follow=True).content.decode()
        assert "This link no longer works" in page


def test_a_reset_whose_task_never_reached_a_worker_goes_with_the_next_dispatch(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    def broker_down(batches: Any) -> None:
        raise OSError("Connection refused")

    monkeypatch.setattr(events, "_publish_deliveries", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/password-reset/", {"email": personas.mentee.email})

    # The person is told what everyone is told; the email waits, due now.
    assert response.status_code == 302
    assert mail.outbox == []
    row = Notification.objects.get(kind="password_reset")
    assert row.status == NotificationStatus.PENDING
    assert row.send_after <= timezone.now()

    deliver_due(timezone.now())  # the dispatch beat runs within half a minute

    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT
    assert [m.to for m in mail.outbox if "password" in m.subject] == [[personas.mentee.email]]


def test_a_reset_that_could_not_leave_within_two_hours_is_dropped(
    personas: Personas, time_machine: Any
) -> None:
    from mentorship.people.services import password_reset_request

    time_machine.move_to(timezone.now(), tick=False)
    password_reset_request(email=personas.mentee.email)  # its task is lost
    time_machine.shift(dt.timedelta(hours=2, minutes=1))

    deliver_due(timezone.now())

    row = Notification.objects.get(kind="password_reset")
    assert row.status == NotificationStatus.CANCELLED
    assert not [m for m in mail.outbox if "password" in m.subject]


def test_an_invitation_is_logged_for_the_programs_admins_and_keeps_no_link(
    personas: Personas, dev_outbox: None, capsys: Any, django_capture_on_commit_callbacks: Any
) -> None:
    newcomer = PersonFactory.create(full_name="Ida Invited", time_zone="Asia/Tokyo")
    newcomer.set_unusable_password()
    newcomer.save()
    EnrollmentFactory.create(program=personas.program, person=newcomer)

    with django_capture_on_commit_callbacks(execute=True):
        person_invite(person=newcomer, by=personas.program_admin)

    row = Notification.objects.get(kind="invitation")
    assert (row.recipient, row.status, row.program) == (
        newcomer,
        NotificationStatus.SENT,
        personas.program,
    )
    found = WELCOME_LINK.search(capsys.readouterr().out)
    assert found is not None
    token = found.group(1).split("/")[-2]
    assert token not in stored_text()
    admin = Client()
    admin.force_login(personas.program_admin)
    log = admin.get("/mail/log/").content.decode()
    assert "Invitation to choose a password" in log
    assert newcomer.email in log
    assert token not in log

    # The link works, and signs them in.
    welcome = Client().post(
        found.group(1),
        {"new_password1": "my own passphrase 1", "new_password2": "my own passphrase 1"},
    )
    assert welcome.status_code == 302


def test_an_invitation_still_queued_when_they_sign_in_is_not_sent(personas: Personas) -> None:
    newcomer = PersonFactory.create()
    EnrollmentFactory.create(program=personas.program, person=newcomer)
    person_invite(person=newcomer, by=personas.hr)  # queued; its task has not run yet
    Client().force_login(newcomer)  # signing in sets last_login

    deliver_due(timezone.now())

    row = Notification.objects.get(kind="invitation")
    assert row.status == NotificationStatus.CANCELLED
    assert not [m for m in mail.outbox if m.to == [newcomer.email]]


def test_account_emails_cannot_be_turned_off_and_carry_no_unsubscribe_link(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    from mentorship.people.services import password_reset_request

    with django_capture_on_commit_callbacks(execute=True):
        password_reset_request(email=personas.mentee.email)

    message = mail.outbox[0]
    assert "List-Unsubscribe" not in message.extra_headers
    assert "Unsubscribe" not in str(message.body)
    prefs = Client()
    prefs.force_login(personas.mentee)
    page = prefs.get("/mail/preferences/").content.decode()
    assert "Password reset" not in page
    assert "Invitation to choose a password" not in page


def test_a_broker_that_is_down_costs_one_line_in_the_log(
    personas: Personas, monkeypatch: Any, caplog: Any
) -> None:
    from contextlib import contextmanager

    from kombu.exceptions import OperationalError

    @contextmanager
    def unreachable() -> Any:
        raise OperationalError("[Errno 111] Connection refused")
        yield

    monkeypatch.setattr(events.app, "producer_or_acquire", unreachable)
    with caplog.at_level("WARNING", logger="mentorship.notifications.events"):
        events._publish_deliveries([[1, 2], [3]])

    assert [record.getMessage() for record in caplog.records] == [
        "Broker unreachable ([Errno 111] Connection refused): 3 emails wait for the next dispatch."
    ]
    assert not any(record.exc_info for record in caplog.records)

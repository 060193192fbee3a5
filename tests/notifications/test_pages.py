from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from mentorship.notifications.models import EmailOptOut, Notification, NotificationStatus
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def queue(personas: Personas, person: Any, *, status: str = "sent", **fields: Any) -> Notification:
    return Notification.objects.create(
        kind="milestone_due_soon",
        recipient=person,
        dedup_key=f"test:{person.pk}:{Notification.objects.count()}",
        status=status,
        send_after=dt.datetime(2026, 6, 1, 7, tzinfo=dt.UTC),
        program=personas.program,
        pairing=personas.pairing,
        email_subject=f"Coming up for {person.full_name}",
        **fields,
    )


def test_preferences_turn_kinds_off_and_on(client: Client, personas: Personas) -> None:
    client.force_login(personas.mentee)
    page = client.get("/mail/preferences/").content.decode()
    assert "Milestone coming up" in page
    assert "Welcome to a new pairing" in page
    assert "Weekly program digest" not in page  # only program admins ever get it

    client.post(
        "/mail/preferences/",
        {"kind_milestone_due_soon": "on", "kind_pairing_welcome": "on", "weekdays_only": "on"},
    )

    assert set(
        EmailOptOut.objects.filter(person=personas.mentee).values_list("kind", flat=True)
    ) == {
        "milestone_overdue",
        "pairing_feedback",
        "checkin_nudge",
        "assessment_due",
        "action_item_overdue",
        "week_split_ask",
    }
    personas.mentee.refresh_from_db()
    assert personas.mentee.email_weekdays_only is True

    client.post(
        "/mail/preferences/",
        {
            "kind_milestone_due_soon": "on",
            "kind_pairing_welcome": "on",
            "kind_milestone_overdue": "on",
            "kind_pairing_feedback": "on",
            "kind_checkin_nudge": "on",
            "kind_assessment_due": "on",
            "kind_action_item_overdue": "on",
            "kind_week_split_ask": "on",
            "kind_weekly_digest": "on",
        },
    )
    assert not EmailOptOut.objects.filter(person=personas.mentee).exists()


def test_everyone_sees_the_emails_sent_to_them(client: Client, personas: Personas) -> None:
    queue(personas, personas.mentee)
    queue(personas, personas.mentor)
    client.force_login(personas.mentee)

    page = client.get("/mail/").content.decode()

    assert "Coming up for Mira Mentee" in page
    assert "Coming up for Marco Mentor" not in page


def test_the_log_is_for_program_admins(client: Client, personas: Personas) -> None:
    client.force_login(personas.mentor)
    assert client.get("/mail/log/").status_code == 403


def test_the_log_filters_and_retries_a_failed_email(client: Client, personas: Personas) -> None:
    queue(personas, personas.mentee)
    failed = queue(
        personas, personas.mentor, status=NotificationStatus.FAILED, last_error="SMTPDataError: 554"
    )
    client.force_login(personas.program_admin)

    everything = client.get("/mail/log/").content.decode()
    # Two reminders of one kind are told apart by what their emails said.
    assert "“Coming up for Mira Mentee”" in everything
    assert "“Coming up for Marco Mentor”" in everything
    page = client.get("/mail/log/", {"status": "failed"}).content.decode()
    assert "mentor@scaffold.test" in page
    assert "mentee@scaffold.test" not in page
    assert "SMTPDataError: 554" in page

    response = client.post(f"/mail/log/{failed.pk}/retry/", follow=True)

    assert "is queued again" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == NotificationStatus.PENDING


def test_a_program_admin_sees_only_their_programs_emails(
    client: Client, personas: Personas
) -> None:
    from tests.factories import ProgramFactory

    other_program = ProgramFactory.create()
    Notification.objects.create(
        kind="pairing_welcome",
        recipient=personas.outsider,
        dedup_key="elsewhere",
        send_after=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
        program=other_program,
    )
    client.force_login(personas.program_admin)

    assert "outsider@scaffold.test" not in client.get("/mail/log/").content.decode()
    client.force_login(personas.hr)
    assert "outsider@scaffold.test" in client.get("/mail/log/").content.decode()


def test_a_choice_about_an_email_that_does_not_reach_you_is_kept(
    client: Client, personas: Personas
) -> None:
    from mentorship.notifications.services import email_opt_out

    # Turned off while she ran a program; the page she sees now does not
    # list the digest, so saving it leaves that choice alone.
    email_opt_out(person=personas.mentee, kind="weekly_digest")
    client.force_login(personas.mentee)
    client.post("/mail/preferences/", {"kind_pairing_welcome": "on"})

    off = set(EmailOptOut.objects.filter(person=personas.mentee).values_list("kind", flat=True))
    assert "weekly_digest" in off
    assert "milestone_due_soon" in off

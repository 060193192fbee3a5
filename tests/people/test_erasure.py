"""Erasing a person: afterwards no trace of who they were, nor of what only
they wrote, is anywhere in the database (every column of every table is
read back), and every figure they were part of is what it was."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection
from django.test import Client

from mentorship.audit.models import AuditEvent, SecurityEvent, SecurityEventKind
from mentorship.audit.security import Client as SecurityClient
from mentorship.audit.security import security_record
from mentorship.notifications.models import Notification, NotificationStatus, OutboxMessage
from mentorship.pairings.models import MatchingRun, PairingStatus
from mentorship.pairings.services.lifecycle import pairing_end
from mentorship.people import erasure
from mentorship.people.models import Person, PersonImport
from tests.checkins.test_privacy_matrix import (
    ACTION_ITEM,
    PRIVATE_MENTEE,
    PRIVATE_MENTOR,
    REFLECTION,
    SHARED,
    day_two,
    plant,
)
from tests.fixtures.personas import PASSWORD, Personas
from tests.notifications.simulate import run_engine

pytestmark = pytest.mark.django_db


def signed_in(person: Person | None) -> Client:
    """A browser's client: forms post as forms."""
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def erase_url(person: Person) -> str:
    return f"/people/{person.pk}/erase/"


def every_cell() -> list[tuple[str, str, str]]:
    """(table, column, text) for every non-empty cell of every table."""
    cells = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    if isinstance(value, bytes | memoryview):
                        text = bytes(value).decode("utf-8", errors="replace")
                    else:
                        text = str(value)
                    cells.append((table, column, text))
    return cells


def found(markers: list[str]) -> list[str]:
    lowered = [m.lower() for m in markers]
    return sorted(
        f"{table}.{column}: {marker}"
        for table, column, text in every_cell()
        for marker in lowered
        if marker in text.lower()
    )


@pytest.fixture
def erasable(personas: Personas, time_machine: Any) -> Personas:
    """The mentee, with everything Scaffold writes about a person: a pairing
    (now ended) with check-ins, notes and a reflection, emails sent to both
    sides, the audit trail, a people file with their row, a matching run's
    note, the development outbox and the Django admin's history."""
    mentee, mentor = personas.mentee, personas.mentor
    # Names no other row could hold by chance (other_mentee@… holds mentee@…).
    mentee.email, mentee.full_name = "zelda.quist-7d1@scaffold.test", "Zelda Quist-7d1"
    mentee.save()
    security_record(
        SecurityEventKind.SIGNED_IN,
        person=mentee,
        client=SecurityClient(ip="203.0.113.7", agent="Firefox/140", via="password"),
    )
    planted = plant(personas)
    start = day_two(personas)
    run_engine(time_machine, start=start, end=start + dt.timedelta(days=9))
    assert Notification.objects.filter(recipient=mentee, status=NotificationStatus.SENT).exists()
    Notification.objects.filter(recipient=mentor).update(
        email_subject=f"{mentee.full_name} logged a check-in"
    )
    pairing_end(
        pairing=personas.pairing, by=personas.hr, reason="Moved to another team", outcome=""
    )
    for to in (mentee.email, mentor.email):
        OutboxMessage.objects.create(
            to_email=to,
            from_email="Scaffold <scaffold@localhost>",
            subject=f"You and {mentee.full_name}",
            body_text=f"{mentee.full_name} <{mentee.email}> is paired with {mentor.full_name}",
        )
    PersonImport.objects.create(
        uploaded_by=personas.hr,
        program=personas.program,
        filename="people.csv",
        content=f"email,full_name\n{mentee.email.upper()},{mentee.full_name}\n".encode(),
        preview=[{"row": 2, "email": mentee.email, "full_name": mentee.full_name}],
        errors=[{"row": 2, "message": f"{mentee.email} is already enrolled"}],
    )
    MatchingRun.objects.create(
        program=personas.program,
        status="done",
        unmatched=[{"mentee": mentee.pk, "name": mentee.full_name, "reason": "no mentor free"}],
    )
    LogEntry.objects.log_actions(
        user_id=planted.superuser.pk,
        queryset=Person.objects.filter(pk=mentee.pk),
        action_flag=CHANGE,
        change_message=f"Changed title of {mentee.full_name}",
    )
    return personas


def figures(client: Client, personas: Personas) -> dict[str, Any]:
    api = client.get(f"/api/v1/insights/?program={personas.program.pk}")
    assert api.status_code == 200
    return dict(api.json())


def test_after_erasing_nothing_says_who_they_were_and_every_figure_stands(
    erasable: Personas,
) -> None:
    personas = erasable
    mentee = personas.mentee
    identity = [mentee.email, mentee.full_name, PRIVATE_MENTEE, REFLECTION, "203.0.113.7"]
    # The scan sees what it looks for: every marker is there before.
    assert {line.split(": ")[1] for line in found(identity)} == {m.lower() for m in identity}
    hr = signed_in(personas.hr)
    before = figures(hr, personas)
    old_name = mentee.full_name

    page = hr.get(erase_url(mentee)).content.decode()
    assert "<strong>1</strong> private note" in page
    assert "<strong>1</strong> reflection" in page
    response = hr.post(erase_url(mentee), {"confirm_email": f"  {mentee.email.upper()} "})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert response["Location"] == "/people/"

    leaks = found(identity)
    assert leaks == [], "\n".join(leaks)
    after = figures(hr, personas)
    expected = json.loads(json.dumps(before).replace(old_name, erasure.erased_name(mentee)))
    assert after == expected
    # What the pair wrote together stays: it is the mentor's record too.
    assert found([SHARED, ACTION_ITEM, PRIVATE_MENTOR]) != []
    mentee.refresh_from_db()
    assert (mentee.full_name, mentee.email, mentee.is_active) == (
        f"Erased person #{mentee.pk}",
        f"erased-{mentee.pk}@erased.invalid",
        False,
    )
    assert not Client().login(email=f"erased-{mentee.pk}@erased.invalid", password=PASSWORD)
    # Their account's history stays, without where it came from.
    assert set(
        SecurityEvent.objects.filter(person=mentee).values_list("client_ip", "user_agent")
    ) == {("", "")}
    event = AuditEvent.objects.get(action="person.erased")
    assert event.actor == personas.hr
    assert event.data["counts"]["private_notes"] == 1
    assert event.data["counts"]["reflections"] == 1


def test_their_sessions_end_with_them(erasable: Personas) -> None:
    mentee = erasable.mentee
    theirs = Client()
    theirs.force_login(mentee)
    assert theirs.get("/account/profile/").status_code == 200

    signed_in(erasable.hr).post(erase_url(mentee), {"confirm_email": mentee.email})

    assert theirs.get("/account/profile/").status_code == 302


def test_a_wrong_address_erases_nothing_and_says_what_to_type(erasable: Personas) -> None:
    mentee = erasable.mentee
    response = signed_in(erasable.hr).post(erase_url(mentee), {"confirm_email": "mira@"})
    assert response.status_code == 200
    assert f"Type their address, {mentee.email}, to confirm." in response.content.decode()
    mentee.refresh_from_db()
    assert mentee.is_active
    assert found([PRIVATE_MENTEE]) != []


def test_someone_in_an_open_pairing_cannot_be_erased_yet(personas: Personas) -> None:
    mentee = personas.mentee
    assert personas.pairing.status == PairingStatus.ACTIVE
    hr = signed_in(personas.hr)

    page = hr.get(erase_url(mentee)).content.decode()
    reason = "Their pairing with Marco Mentor in Test program is active: end it first."
    assert "It cannot be done yet" in page
    # Said first, with the way to the pairing, before what erasing would do.
    assert page.index(reason) < page.index("What goes")
    assert f'href="/pairings/{personas.pairing.pk}/#lifecycle">Open the pairing' in page
    assert 'name="confirm_email"' not in page

    response = hr.post(erase_url(mentee), {"confirm_email": mentee.email})
    assert reason in response.content.decode()
    mentee.refresh_from_db()
    assert mentee.is_active


def test_hr_cannot_erase_themself_nor_a_superuser(personas: Personas) -> None:
    hr = signed_in(personas.hr)
    assert "You cannot erase yourself" in hr.get(erase_url(personas.hr)).content.decode()
    root = Person.objects.create_superuser(
        email="root@scaffold.test", password=PASSWORD, full_name="Root"
    )
    assert "They are a superuser" in hr.get(erase_url(root)).content.decode()
    hr.post(erase_url(root), {"confirm_email": root.email})
    root.refresh_from_db()
    assert root.is_active


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("hr", 200),
        ("program_admin", 404),
        ("mentor", 404),
        ("mentee", 404),
        ("line_manager", 404),
        ("other_mentor", 404),
        ("other_mentee", 404),
        ("outsider", 404),
    ],
)
def test_only_hr_reaches_the_erase_page(personas: Personas, persona: str, status: int) -> None:
    client = signed_in(personas.everyone()[persona])
    assert client.get(erase_url(personas.other_mentee)).status_code == status
    client.post(erase_url(personas.other_mentee), {"confirm_email": personas.other_mentee.email})
    personas.other_mentee.refresh_from_db()
    assert personas.other_mentee.is_active


def test_the_person_page_leads_to_it(personas: Personas) -> None:
    page = signed_in(personas.hr).get(f"/people/{personas.mentee.pk}/edit/").content.decode()
    assert f'href="{erase_url(personas.mentee)}"' in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("program_admin", 403),
        ("other_mentor", 403),
        ("other_mentee", 403),
        ("mentor", 404),
        ("outsider", 404),
    ],
)
def test_only_hr_erases_over_the_api(
    client_for: Any, personas: Personas, persona: str, status: int
) -> None:
    target = personas.other_mentee
    response = client_for(personas.everyone()[persona]).post(
        f"/api/v1/people/{target.pk}/erase/", {"confirm_email": target.email}, format="json"
    )
    assert response.status_code == status
    target.refresh_from_db()
    assert target.is_active


def test_hr_erases_over_the_api(client_for: Any, erasable: Personas) -> None:
    mentee = erasable.mentee
    client = client_for(erasable.hr)
    url = f"/api/v1/people/{mentee.pk}/erase/"

    wrong = client.post(url, {"confirm_email": "someone@else.io"}, format="json")
    assert wrong.status_code == 400
    assert f"Type their address, {mentee.email}, to confirm." in wrong.content.decode()

    response = client.post(url, {"confirm_email": mentee.email}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["erased_as"] == f"Erased person #{mentee.pk}"
    assert body["counts"]["private_notes"] == 1
    assert found([PRIVATE_MENTEE, REFLECTION, "zelda"]) == []


def test_the_api_says_why_someone_in_a_pairing_cannot_be_erased(
    client_for: Any, personas: Personas
) -> None:
    mentee = personas.mentee
    response = client_for(personas.hr).post(
        f"/api/v1/people/{mentee.pk}/erase/", {"confirm_email": mentee.email}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["confirm_email"] == [
        "Their pairing with Marco Mentor in Test program is active: end it first."
    ]


def test_an_erased_person_has_nothing_left_to_edit_invite_or_erase(
    client_for: Any, erasable: Personas
) -> None:
    mentee = erasable.mentee
    hr = signed_in(erasable.hr)
    hr.post(erase_url(mentee), {"confirm_email": mentee.email})

    for url in (f"/people/{mentee.pk}/edit/", erase_url(mentee)):
        page = hr.get(url).content.decode()
        assert "This person was erased at their request" in page
        assert "Invite" not in page
        assert 'name="confirm_email"' not in page
    assert hr.post(f"/people/{mentee.pk}/invite/").status_code == 404
    api = client_for(erasable.hr)
    renamed = api.patch(f"/api/v1/people/{mentee.pk}/", {"full_name": "Zelda Again"}, format="json")
    assert renamed.status_code == 400
    assert "cannot be set again" in renamed.content.decode()
    invited = api.post(f"/api/v1/people/{mentee.pk}/invite/")
    assert invited.status_code == 400
    assert "account is closed: there is nobody to invite" in invited.content.decode()
    # Lists offer to view them, not to edit them.
    listed = hr.get(f"/people/?q=Erased+person+%23{mentee.pk}").content.decode()
    assert f'aria-label="View Erased person #{mentee.pk}"' in listed
    assert f'aria-label="Edit Erased person #{mentee.pk}"' not in listed


def test_what_people_wrote_naming_them_is_rewritten_too(erasable: Personas) -> None:
    """A reason HR typed, the pair's shared notes: the text stays, the name
    does not — nor, in texts about their own pairings, its first or last
    name alone."""
    mentee, pairing = erasable.mentee, erasable.pairing
    pairing.close_reason = "Zelda left the company; ZELDA QUIST-7D1 asked to be erased"
    pairing.save(update_fields=["close_reason"])
    checkin = pairing.checkins.first()
    assert checkin is not None
    checkin.shared_notes = f"Talked about how {mentee.full_name} runs the retro. Zelda will"
    checkin.save(update_fields=["shared_notes"])

    signed_in(erasable.hr).post(erase_url(mentee), {"confirm_email": mentee.email})

    pairing.refresh_from_db()
    checkin.refresh_from_db()
    new = erasure.erased_name(mentee)
    assert pairing.close_reason == f"{new} left the company; {new} asked to be erased"
    assert checkin.shared_notes == f"Talked about how {new} runs the retro. {new} will"


def test_their_reports_are_left_without_a_manager(erasable: Personas) -> None:
    report = Person.objects.create_user(
        "report@scaffold.test", "a passphrase 2026", full_name="Rhea Report"
    )
    report.manager = erasable.mentee
    report.save(update_fields=["manager"])
    hr = signed_in(erasable.hr)
    page = hr.get(erase_url(erasable.mentee)).content.decode()
    # Rhea, and the three the planted upward feedback round asked.
    reports = Person.objects.filter(manager=erasable.mentee).count()
    assert reports == 4
    assert f"<strong>{reports}</strong> people who report to them" in page
    # Named, with the page where their new manager is set.
    assert f'<a href="/people/{report.pk}/edit/">Rhea Report</a>' in page

    hr.post(erase_url(erasable.mentee), {"confirm_email": erasable.mentee.email})

    report.refresh_from_db()
    assert report.manager is None

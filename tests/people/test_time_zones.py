"""Every date and time a person sees is in their own time zone: pages
(a middleware activates the signed-in person's zone), emails (rendered in
the recipient's) and messages. Checked around midnight UTC with a mentee on
Kiritimati (UTC+14) and a mentor on Pago Pago (UTC−11), a day and a day
apart from UTC in opposite directions."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from mentorship.checkins.models import CheckIn
from mentorship.checkins.services import checkin_edit, checkin_log
from mentorship.core.timezones import today_for
from mentorship.notifications.models import Notification
from mentorship.pairings.models import Milestone, Pairing
from mentorship.pairings.services.milestones import milestone_complete
from mentorship.people.models import Person
from tests.factories import MilestoneFactory, PairingFactory, PersonFactory, ProgramFactory
from tests.notifications.simulate import deliver_due

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.fixture
def far_apart(db: None) -> dict[str, Any]:
    mentee = PersonFactory.create(
        full_name="Kiri Mentee", email="kiri@scaffold.test", time_zone="Pacific/Kiritimati"
    )
    mentor = PersonFactory.create(
        full_name="Pago Mentor", email="pago@scaffold.test", time_zone="Pacific/Pago_Pago"
    )
    program = ProgramFactory.create(admins=[mentor])
    pairing = PairingFactory.create(
        program=program, mentee=mentee, mentor=mentor, starts_on=dt.date(2027, 2, 1)
    )
    return {"mentee": mentee, "mentor": mentor, "pairing": pairing, "program": program}


def signed_in(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def history_order(page: str) -> list[str]:
    history = page.split('id="group-history"', 1)[1]
    return re.findall(r'<li id="((?:milestone|checkin)-\d+)"', history)


def entry(page: str, anchor: str) -> str:
    return page.split(f'<li id="{anchor}"', 1)[1].split("</li>", 1)[0]


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.clock("2027-03-01T10:30:00Z")
def test_the_timeline_shows_each_side_its_own_dates_newest_first(
    far_apart: dict[str, Any], time_machine: Any
) -> None:
    mentee, mentor, pairing = far_apart["mentee"], far_apart["mentor"], far_apart["pairing"]
    early = MilestoneFactory.create(
        pairing=pairing, title="Read past reviews", due_on=dt.date(2027, 3, 5)
    )
    late = MilestoneFactory.create(
        pairing=pairing, title="Delegate the weekly report", due_on=dt.date(2027, 3, 8)
    )
    # 10:30 UTC: 00:30 on 2 March on Kiritimati, 23:30 on 28 February on Pago Pago.
    milestone_complete(milestone=early, by=mentee)
    time_machine.move_to(dt.datetime(2027, 3, 1, 23, 0, tzinfo=UTC), tick=False)
    checkin = checkin_log(
        pairing=pairing, by=mentee, occurred_on=today_for(mentee), duration_minutes=30
    )
    assert checkin.occurred_on == dt.date(2027, 3, 2)
    # 23:30 UTC: 13:30 on 2 March on Kiritimati, 12:30 on 1 March on Pago Pago.
    time_machine.move_to(dt.datetime(2027, 3, 1, 23, 30, tzinfo=UTC), tick=False)
    milestone_complete(milestone=late, by=mentor)

    url = f"/pairings/{pairing.pk}/"
    seen_by_mentee = signed_in(mentee).get(url).content.decode()
    seen_by_mentor = signed_in(mentor).get(url).content.decode()

    # Newest first by the moment things happened: for the mentee all three
    # are on 2 March, and the check-in was logged between the two milestones.
    assert history_order(seen_by_mentee) == [
        f"milestone-{late.pk}",
        f"checkin-{checkin.pk}",
        f"milestone-{early.pk}",
    ]
    assert history_order(seen_by_mentor) == [
        f"checkin-{checkin.pk}",
        f"milestone-{late.pk}",
        f"milestone-{early.pk}",
    ]
    assert '<time datetime="2027-03-02">Tue 2 Mar</time>' in entry(
        seen_by_mentee, f"milestone-{early.pk}"
    )
    assert "Done 2 Mar" in entry(seen_by_mentee, f"milestone-{early.pk}")
    assert '<time datetime="2027-02-28">Sun 28 Feb</time>' in entry(
        seen_by_mentor, f"milestone-{early.pk}"
    )
    assert "Done 28 Feb" in entry(seen_by_mentor, f"milestone-{early.pk}")
    assert "Done 2 Mar" in entry(seen_by_mentee, f"milestone-{late.pk}")
    assert "Done 1 Mar" in entry(seen_by_mentor, f"milestone-{late.pk}")
    # When the check-in was logged, in each one's own time.
    assert "logged by Kiri Mentee on 2 Mar at 13:00" in words(
        entry(seen_by_mentee, f"checkin-{checkin.pk}")
    )
    assert "logged by Kiri Mentee on 1 Mar at 12:00" in words(
        entry(seen_by_mentor, f"checkin-{checkin.pk}")
    )


@pytest.mark.clock("2027-03-01T10:30:00Z")
def test_a_check_in_too_old_to_change_says_when_it_was_logged_in_the_authors_time(
    far_apart: dict[str, Any], time_machine: Any
) -> None:
    mentor, pairing = far_apart["mentor"], far_apart["pairing"]
    checkin = checkin_log(
        pairing=pairing, by=mentor, occurred_on=today_for(mentor), duration_minutes=30
    )
    time_machine.move_to(dt.datetime(2027, 3, 9, 10, 30, tzinfo=UTC), tick=False)

    with pytest.raises(Exception, match=r"this one was logged on 28 February 2027\."):
        checkin_edit(
            checkin=CheckIn.objects.get(pk=checkin.pk),
            by=mentor,
            occurred_on=checkin.occurred_on,
            duration_minutes=45,
            kind=checkin.kind,
            topics=[],
            shared_notes="",
            private_note="",
            confidence_pulse=None,
        )


@pytest.mark.clock("2027-03-01T23:30:00Z")
def test_the_email_pages_show_times_in_the_readers_zone(far_apart: dict[str, Any]) -> None:
    mentee, mentor = far_apart["mentee"], far_apart["mentor"]
    for person in (mentee, mentor):
        Notification.objects.create(
            kind="weekly_digest",
            recipient=person,
            dedup_key=f"tz:{person.pk}",
            send_after=timezone.now(),
            sent_at=timezone.now(),
            status="sent",
            program=far_apart["program"],
        )

    mine = signed_in(mentee).get("/mail/").content.decode()
    assert "2 Mar 2027 13:30" in mine
    log = signed_in(mentor).get("/mail/log/").content.decode()
    assert "1 Mar 2027 12:30" in log
    assert "sent 1 Mar 12:30" in log
    assert "Times are in your time zone, Pacific/Pago_Pago." in log


@pytest.mark.clock("2027-03-01T10:30:00Z")
def test_an_email_gives_its_times_in_the_recipients_zone(
    far_apart: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from mentorship.people.services import password_reset_request

    for person in (far_apart["mentee"], far_apart["mentor"]):
        password_reset_request(email=person.email)
    deliver_due(timezone.now())

    to = {message.to[0]: str(message.body) for message in mail.outbox}
    # Two hours from 10:30 UTC.
    assert "until 02:30 on\nTuesday 2 March, your time" in to["kiri@scaffold.test"]
    assert "until 01:30 on\nMonday 1 March, your time" in to["pago@scaffold.test"]


@pytest.mark.clock("2027-03-01T10:30:00Z")
def test_the_api_keeps_timestamps_in_utc_with_their_offset(far_apart: dict[str, Any]) -> None:
    """Programs read the API: one zone for everyone, said explicitly."""
    mentee, pairing = far_apart["mentee"], far_apart["pairing"]
    milestone = MilestoneFactory.create(pairing=pairing, due_on=dt.date(2027, 3, 5))
    milestone_complete(milestone=milestone, by=mentee)

    body = signed_in(mentee).get(f"/api/v1/milestones/{milestone.pk}/").json()
    assert body["completed_at"] == "2027-03-01T10:30:00Z"
    assert Milestone.objects.get(pk=milestone.pk).completed_at == timezone.now()
    assert Pairing.objects.filter(pk=pairing.pk).exists()

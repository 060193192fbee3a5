"""The weekly digest: every Monday at 09:00 in each program admin's own
zone, across daylight-saving changes, once; its numbers and at-risk list."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from mentorship.programs.models import ProgramStatus
from tests.factories import PairingFactory, PersonFactory, ProgramFactory
from tests.notifications.simulate import run_engine, sent

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@pytest.mark.clock("2027-03-04T12:00:00Z")
def test_each_admin_gets_it_on_monday_at_nine_local_across_dst(time_machine: Any) -> None:
    # New York springs forward on 14 March 2027, Berlin on 28 March.
    new_york = PersonFactory.create(time_zone="America/New_York")
    berlin = PersonFactory.create(time_zone="Europe/Berlin")
    program = ProgramFactory.create(admins=[new_york, berlin], checkin_cadence_days=14)
    silent = PairingFactory.create(program=program, starts_on=dt.date(2027, 1, 4))
    ProgramFactory.create(admins=[berlin], status=ProgramStatus.DRAFT)

    start = dt.datetime(2027, 3, 5, tzinfo=UTC)
    run_engine(time_machine, start=start, end=start + dt.timedelta(days=28))

    mondays = [
        dt.date(2027, 3, 8),
        dt.date(2027, 3, 15),
        dt.date(2027, 3, 22),
        dt.date(2027, 3, 29),
    ]
    for admin in (new_york, berlin):
        got = [n for n in sent("weekly_digest") if n.recipient_id == admin.pk]
        local = [n.sent_at.astimezone(ZoneInfo(admin.time_zone)) for n in got if n.sent_at]
        assert [t.date() for t in local] == mondays, admin.time_zone
        assert {(t.hour, t.minute) for t in local} == {(9, 0)}
        assert {n.program_id for n in got} == {program.pk}
    digest = next(m for m in mail.outbox if berlin.email in m.to and "this week" in m.subject)
    assert f"{program.name} this week: 1 active, 1 at risk" == digest.subject
    assert (
        f"{silent.mentee.full_name} with {silent.mentor.full_name}: no check-in yet" in digest.body
    )
    assert "/insights/?program=" in digest.body


@pytest.mark.clock("2027-03-07T12:00:00Z")
def test_no_digest_for_a_program_closed_meanwhile(time_machine: Any) -> None:
    admin = PersonFactory.create(time_zone="Asia/Kolkata")
    program = ProgramFactory.create(admins=[admin])
    monday = dt.datetime(2027, 3, 8, 0, 30, tzinfo=UTC)  # 06:00 in Kolkata: queued, not sent
    run_engine(time_machine, start=monday, end=monday + dt.timedelta(hours=1))
    assert sent("weekly_digest") == []

    program.status = ProgramStatus.CLOSED
    program.save()
    run_engine(
        time_machine, start=monday + dt.timedelta(hours=1), end=monday + dt.timedelta(days=2)
    )

    assert sent("weekly_digest") == []

"""The Friday question on a fake clock: a mentee who has neither logged a
check-in nor said where the week went gets one email that Friday at 09:00
where they are (across both daylight-saving changes of March), with a link
that records the week without signing in."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from mentorship.checkins.models import WeekSplit
from mentorship.checkins.services import Split, checkin_log, week_split_record
from mentorship.pairings.models import Pairing
from mentorship.pairings.services.lifecycle import pairing_end
from tests.factories import PairingFactory, PersonFactory, ProgramFactory
from tests.notifications.simulate import run_engine, sent_at_nine

UTC = dt.UTC
START = dt.date(2027, 3, 1)  # a Monday; US clocks change on 14 March, Europe's on 28 March
FRIDAYS = [START + dt.timedelta(days=4 + 7 * week) for week in range(5)]
pytestmark = [pytest.mark.django_db, pytest.mark.clock("2027-02-26T00:00:00Z")]


def at(day: dt.date, hour: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=UTC)


def pairing_in(zone: str) -> Pairing:
    return PairingFactory.create(
        program=ProgramFactory.create(checkin_cadence_days=60),
        mentee=PersonFactory.create(time_zone=zone),
        mentor=PersonFactory.create(time_zone="Europe/Berlin"),
        starts_on=START,
        ends_on=START + dt.timedelta(days=90),
        activated_at=at(START - dt.timedelta(days=3)),
    )


def asks() -> list[tuple[int, dt.date]]:
    """(recipient, local date) of each Friday question sent, each at 09:00."""
    return sent_at_nine("week_split_ask")


def link_in(email_body: str) -> str:
    found = re.search(r"https?://\S+/week/(\S+)/", email_body)
    assert found is not None, email_body
    return f"/week/{found.group(1)}/"


def test_the_mentee_is_asked_each_friday_at_nine_in_every_zone(time_machine: Any) -> None:
    zones = ["America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo"]
    pairings = [pairing_in(zone) for zone in zones]

    run_engine(time_machine, start=at(START), end=at(START + dt.timedelta(days=35)))

    assert asks() == sorted((p.mentee_id, friday) for p in pairings for friday in FRIDAYS)
    mentors = {p.mentor.email for p in pairings}
    assert not [m for m in mail.outbox if set(m.to) & mentors and "week go" in m.subject]


def test_a_week_already_said_or_met_in_is_not_asked_about(time_machine: Any) -> None:
    pairing = pairing_in("America/New_York")
    # Week 1: the mentee says it on Wednesday. Week 2: a check-in on Tuesday.
    run_engine(time_machine, start=at(START), end=at(START + dt.timedelta(days=2), 20))
    time_machine.move_to(at(START + dt.timedelta(days=2), 20), tick=False)
    week_split_record(pairing=pairing, by=pairing.mentee, split=Split(60, 20, 15, 5))
    run_engine(
        time_machine,
        start=at(START + dt.timedelta(days=2), 21),
        end=at(START + dt.timedelta(days=8), 20),
    )
    time_machine.move_to(at(START + dt.timedelta(days=8), 20), tick=False)
    checkin_log(
        pairing=pairing,
        by=pairing.mentor,
        occurred_on=START + dt.timedelta(days=8),
        duration_minutes=30,
    )
    run_engine(
        time_machine,
        start=at(START + dt.timedelta(days=8), 21),
        end=at(START + dt.timedelta(days=21)),
    )

    assert asks() == [(pairing.mentee_id, FRIDAYS[2])]
    body = next(m.body for m in mail.outbox if "week go" in m.subject)
    # Last time's figures, for the mentee to confirm or change.
    assert "individual work 60 %, people 20 %, direction 15 %, other 5 %" in body


def test_the_link_records_the_week_without_signing_in(time_machine: Any) -> None:
    pairing = pairing_in("Europe/Berlin")
    time_machine.move_to(at(START, 12), tick=False)
    week_split_record(pairing=pairing, by=pairing.mentee, split=Split(70, 10, 10, 10))
    run_engine(time_machine, start=at(START, 13), end=at(FRIDAYS[1], 12))
    url = link_in(str(next(m.body for m in mail.outbox if "week go" in m.subject)))
    client = Client()

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="split_individual" value="70"' in html  # the week before, to change
    assert not WeekSplit.objects.filter(week_of=FRIDAYS[1] - dt.timedelta(days=4)).exists()

    wrong = client.post(url, {"split_individual": 60, "split_people": 20, "split_direction": 10})
    assert wrong.status_code == 400
    assert "Say how much of the week went to other, 0 if none." in wrong.content.decode()

    form = {"split_individual": 55, "split_people": 25, "split_direction": 15, "split_other": 5}
    done = client.post(url, form)
    assert done.status_code == 200
    assert "Recorded" in done.content.decode()
    again = client.post(url, {**form, "split_individual": 50, "split_other": 10})
    assert again.status_code == 200
    week = WeekSplit.objects.get(pairing=pairing, week_of=FRIDAYS[1] - dt.timedelta(days=4))
    assert (week.individual, week.other) == (50, 10)


def test_a_link_damaged_expired_or_for_an_ended_pairing_says_so(time_machine: Any) -> None:
    pairing = pairing_in("Europe/Berlin")
    run_engine(time_machine, start=at(START), end=at(FRIDAYS[0], 12))
    url = link_in(str(next(m.body for m in mail.outbox if "week go" in m.subject)))
    client = Client()

    assert client.get(url[:-6] + "x/").status_code == 400
    time_machine.move_to(at(FRIDAYS[0] + dt.timedelta(days=15)), tick=False)
    assert client.get(url).status_code == 410
    time_machine.move_to(at(FRIDAYS[0] + dt.timedelta(days=1)), tick=False)
    pairing_end(pairing=pairing, by=PersonFactory.create(), reason="Moved on")
    gone = client.post(url, {"split_individual": 100, "split_people": 0, "split_direction": 0})
    assert gone.status_code == 410
    assert not WeekSplit.objects.exists()

"""The round's emails on a fake clock: each report is invited at 09:00
where they are on the day the round opens, and reminded once, four days
before it closes, unless they answered or declined; across the March
daylight-saving changes and in three zones."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from mentorship.upward import services
from mentorship.upward.models import FeedbackResponse
from mentorship.upward.statements import KEYS
from tests.factories import PairingFactory, PersonFactory
from tests.notifications.simulate import run_engine, sent_at_nine
from tests.upward.builders import Team, path_of, token_of, upward_step

UTC = dt.UTC
OPENS = dt.date(2027, 3, 10)  # US clocks change on 14 March, Europe's on 28 March
pytestmark = [pytest.mark.django_db, pytest.mark.clock("2027-03-09T00:00:00Z")]


def at(day: dt.date, hour: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=UTC)


def links_in_mail_to(person: Any) -> list[str]:
    found = []
    for message in mail.outbox:
        if person.email in message.to:
            found += re.findall(r"https?://\S+/feedback/\S+/", str(message.body))
    return [path_of(link) for link in found]


def test_invited_at_nine_reminded_once_and_only_while_unanswered(time_machine: Any) -> None:
    mentee = PersonFactory.create(time_zone="Europe/Berlin", full_name="Nora Newmanager")
    pairing = PairingFactory.create(mentee=mentee, starts_on=OPENS - dt.timedelta(days=40))
    zones = ["America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo", "America/New_York"]
    reports = [PersonFactory.create(manager=mentee, time_zone=zone) for zone in zones]
    t = Team(pairing=pairing, reports=reports)
    upward_step(pairing, OPENS)

    time_machine.move_to(at(OPENS), tick=False)
    services.sweep(now=timezone.now())
    run_engine(time_machine, start=at(OPENS), end=at(OPENS + dt.timedelta(days=2), 12))

    invited = sent_at_nine("upward_invite")
    assert invited == sorted((p.pk, OPENS) for p in t.reports)
    to_la = next(m for m in mail.outbox if t.reports[0].email in m.to)
    assert "Nora Newmanager asks for your feedback" in to_la.subject
    assert "anonymous" in to_la.body.lower()
    assert "at least 3 answers" in to_la.body

    # Los Angeles answers through the emailed link; Berlin declines.
    (la_link,) = links_in_mail_to(t.reports[0])
    assert Client().get(la_link).status_code == 200
    data = {"token": token_of(la_link), **dict.fromkeys(KEYS, "4")}
    assert Client().post("/feedback/answer/", data).status_code == 200
    (berlin_link,) = links_in_mail_to(t.reports[1])
    declined = {"token": token_of(berlin_link), "decline": "1"}
    assert Client().post("/feedback/answer/", declined).status_code == 200

    closes_on = OPENS + dt.timedelta(days=9)
    run_engine(time_machine, start=at(OPENS + dt.timedelta(days=2), 15), end=at(closes_on, 23))
    reminded = sent_at_nine("upward_reminder")
    assert reminded == sorted((p.pk, closes_on - dt.timedelta(days=4)) for p in t.reports[2:])
    assert FeedbackResponse.objects.count() == 1


def test_no_email_for_a_round_nobody_is_asked_in(time_machine: Any) -> None:
    mentee = PersonFactory.create(time_zone="Asia/Tokyo")
    pairing = PairingFactory.create(mentee=mentee, starts_on=OPENS - dt.timedelta(days=40))
    PersonFactory.create(manager=mentee)
    upward_step(pairing, OPENS)
    time_machine.move_to(at(OPENS, 1), tick=False)
    (round_,) = services.rounds_open_due(now=timezone.now())
    assert round_.closed_at is not None
    run_engine(time_machine, start=at(OPENS, 1), end=at(OPENS + dt.timedelta(days=9)))
    assert not [m for m in mail.outbox if "feedback" in m.subject.lower()]

"""A pairing past its last day is completed by the beat; both sides are then
asked, once, at 09:00 their time, for their feedback — which they give on a
page only they can reach."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from mentorship.audit.models import AuditEvent
from mentorship.pairings.models import Feedback, PairingStatus
from mentorship.pairings.services.lifecycle import feedback_submit, pairings_complete_past_end
from tests.factories import PairingFactory, PersonFactory, ProgramFactory
from tests.fixtures.personas import Personas
from tests.notifications.simulate import run_engine, sent

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def ending(ends_on: dt.date, **fields: Any) -> Any:
    """A pairing whose 90 days end on ``ends_on``."""
    return PairingFactory.create(
        starts_on=ends_on - dt.timedelta(days=90), ends_on=ends_on, **fields
    )


@pytest.mark.clock("2026-12-01T12:00:00Z")
def test_the_beat_completes_pairings_past_their_last_day() -> None:
    program = ProgramFactory.create()
    over = ending(dt.date(2026, 11, 30), program=program)
    paused_over = ending(dt.date(2026, 11, 29), program=program, status=PairingStatus.PAUSED)
    last_day_today = ending(dt.date(2026, 12, 1), program=program)
    ended_early = ending(dt.date(2026, 11, 1), program=program, status=PairingStatus.ENDED)

    assert pairings_complete_past_end() == 2
    assert pairings_complete_past_end() == 0
    statuses = {
        p.pk: p.status
        for p in (over, paused_over, last_day_today, ended_early)
        if not p.refresh_from_db()
    }
    assert statuses == {
        over.pk: PairingStatus.COMPLETED,
        paused_over.pk: PairingStatus.COMPLETED,
        last_day_today.pk: PairingStatus.ACTIVE,
        ended_early.pk: PairingStatus.ENDED,
    }
    assert AuditEvent.objects.filter(action="pairing.completed", actor=None).count() == 2


def closing_night(closing_day: dt.date) -> dt.datetime:
    """01:00 UTC the night after the last day: when the beat closes it."""
    return dt.datetime.combine(closing_day + dt.timedelta(days=1), dt.time(1), tzinfo=UTC)


@pytest.mark.parametrize(
    "closing_day",
    [
        pytest.param(day, marks=pytest.mark.clock(closing_night(day)))
        for day in (dt.date(2026, 10, 24), dt.date(2027, 3, 13))
    ],
    ids=str,
)  # the days before Berlin's and New York's DST changes
def test_both_are_asked_for_feedback_once_at_nine_local(
    time_machine: Any, closing_day: dt.date
) -> None:
    mentee = PersonFactory.create(time_zone="America/New_York")
    mentor = PersonFactory.create(time_zone="Asia/Kolkata")
    pairing = ending(closing_day, mentee=mentee, mentor=mentor)
    closes_at = closing_night(closing_day)
    assert pairings_complete_past_end() == 1

    run_engine(time_machine, start=closes_at, end=closes_at + dt.timedelta(days=10))

    asked = [n for n in sent() if n.kind == "pairing_feedback"]
    assert sorted(n.recipient_id for n in asked) == sorted([mentee.pk, mentor.pk])
    for notification in asked:
        zone = ZoneInfo(notification.recipient.time_zone)
        assert notification.sent_at is not None
        local = notification.sent_at.astimezone(zone)
        assert (local.hour, local.minute) == (9, 0)
        assert notification.pairing_id == pairing.pk


@pytest.mark.clock("2026-12-01T01:00:00Z")
def test_no_feedback_request_after_feedback_was_given(time_machine: Any) -> None:
    start = dt.datetime(2026, 12, 1, 1, tzinfo=UTC)
    mentee = PersonFactory.create(time_zone="Europe/Berlin")
    pairing = ending(dt.date(2026, 11, 29), mentee=mentee)
    pairings_complete_past_end()
    pairing.refresh_from_db()
    feedback_submit(pairing=pairing, author=mentee, rating=4, comment="")

    run_engine(time_machine, start=start, end=start + dt.timedelta(days=3))
    assert [n.recipient_id for n in sent() if n.kind == "pairing_feedback"] == [pairing.mentor_id]


def test_feedback_rules(personas: Personas) -> None:
    pairing = personas.pairing
    with pytest.raises(ValidationError, match="opens when the pairing has ended"):
        feedback_submit(pairing=pairing, author=personas.mentee, rating=5, comment="")
    pairing.status = PairingStatus.COMPLETED
    pairing.save()
    with pytest.raises(PermissionDenied):
        feedback_submit(pairing=pairing, author=personas.hr, rating=5, comment="")
    with pytest.raises(ValidationError, match="from 1 to 5"):
        feedback_submit(pairing=pairing, author=personas.mentee, rating=6, comment="")
    feedback_submit(pairing=pairing, author=personas.mentee, rating=5, comment="Great")
    with pytest.raises(ValidationError, match="already rated"):
        feedback_submit(pairing=pairing, author=personas.mentee, rating=3, comment="")


@pytest.mark.parametrize(
    "persona",
    ["hr", "program_admin", "mentor", "mentee", "line_manager", "other_mentor", "outsider"],
)
def test_the_feedback_page_is_for_the_pair(personas: Personas, persona: str) -> None:
    pairing = personas.pairing
    pairing.status = PairingStatus.COMPLETED
    pairing.save()
    client = Client()
    client.force_login(getattr(personas, persona))
    url = f"/pairings/{pairing.pk}/feedback/"
    if persona not in ("mentor", "mentee"):
        assert client.get(url).status_code == 404
        assert client.post(url, {"rating": "5"}).status_code == 404
        return
    page = client.get(url)
    assert page.status_code == 200
    assert "How was the pairing?" in page.content.decode()
    missing = client.post(url, {"comment": "no rating"})
    assert missing.status_code == 400
    assert "This field is required." in missing.content.decode()
    assert client.post(url, {"rating": "4", "comment": "Useful"}).status_code == 302
    assert Feedback.objects.get(author=getattr(personas, persona)).rating == 4
    assert "You rated this pairing 4 of 5" in client.get(url).content.decode()

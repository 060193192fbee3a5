"""The private calendar feed: a valid iCalendar file of the person's own
milestones (parsed back with the icalendar library), on the right dates in
every time zone, with UIDs that stay put so a refresh updates rather than
duplicates, and an address that stops working the moment it is revoked."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from mentorship.audit.models import AuditEvent
from mentorship.feeds.services import calendar_feed_issue, calendar_feed_revoke
from mentorship.pairings.models import Milestone
from mentorship.pairings.services.lifecycle import pairing_end
from mentorship.pairings.services.milestones import (
    milestone_complete,
    milestone_reopen,
    milestone_skip,
)
from mentorship.plans.models import StepOwner
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def fetch(token: str) -> Any:
    return Client().get(f"/calendar/{token}.ics")


def events(token: str) -> dict[str, Any]:
    response = fetch(token)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def uid(milestone: Milestone) -> str:
    return f"milestone-{milestone.pk}@127.0.0.1"


def test_the_feed_holds_the_persons_own_steps_on_their_dates(personas: Personas) -> None:
    pairing = personas.pairing
    assert pairing.starts_on is not None
    shared = pairing.milestones.get(title="First 1:1s")
    shared.note = "NOTE-for-the-pair-only"
    shared.save()
    mentor_only = pairing.milestones.create(
        position=99,
        title="Mentor prepares",
        owner=StepOwner.MENTOR,
        kind="milestone",
        due_on=pairing.starts_on,
    )

    found = events(calendar_feed_issue(person=personas.mentee))

    mine = pairing.milestones.exclude(pk=mentor_only.pk)
    assert set(found) == {uid(m) for m in mine}
    for milestone in mine:
        event = found[uid(milestone)]
        start = event.decoded("DTSTART")
        assert start == milestone.due_on
        assert not isinstance(start, dt.datetime)  # an all-day event, zone-free
        assert event.decoded("DTEND") == milestone.due_on + dt.timedelta(days=1)
        assert milestone.title in str(event["SUMMARY"])
        assert "Marco Mentor" in str(event["SUMMARY"])
    assert (
        b"NOTE-for-the-pair-only" not in fetch(calendar_feed_issue(person=personas.mentee)).content
    )
    mentor_feed = events(calendar_feed_issue(person=personas.mentor))
    assert uid(mentor_only) in mentor_feed
    assert uid(pairing.milestones.get(title="Day-30 self-assessment")) not in mentor_feed


def test_a_refresh_updates_events_in_place(personas: Personas, time_machine: Any) -> None:
    token = calendar_feed_issue(person=personas.mentee)
    before = events(token)
    kickoff = personas.pairing.milestones.get(title="Kickoff")
    reviews = personas.pairing.milestones.get(title="Read past reviews")

    milestone_complete(milestone=kickoff, by=personas.mentee)
    milestone_skip(milestone=reviews, by=personas.mentee)
    after = events(token)

    assert set(after) == set(before)  # same events, not new ones
    assert before[uid(kickoff)]["SEQUENCE"] == 0
    assert after[uid(kickoff)]["SEQUENCE"] == 1
    assert str(after[uid(kickoff)]["SUMMARY"]).startswith("✓ Kickoff")
    assert str(after[uid(reviews)]["STATUS"]) == "CANCELLED"
    assert str(before[uid(reviews)]["STATUS"]) == "CONFIRMED"


def test_the_sequence_only_grows_whatever_the_clocks_do(
    personas: Personas, time_machine: Any
) -> None:
    """SEQUENCE counts changes (RFC 5545 3.8.7.4): a server whose clock is
    set back, or a milestone changed twice in one second, still gives each
    change a higher number."""
    token = calendar_feed_issue(person=personas.mentee)
    kickoff = personas.pairing.milestones.get(title="Kickoff")
    seen = [events(token)[uid(kickoff)]["SEQUENCE"]]

    time_machine.move_to(timezone.now(), tick=False)  # every change in the same instant
    milestone_complete(milestone=kickoff, by=personas.mentee)
    seen.append(events(token)[uid(kickoff)]["SEQUENCE"])
    time_machine.shift(-dt.timedelta(days=400))  # the clock is set back
    milestone_reopen(milestone=kickoff, by=personas.mentor)
    seen.append(events(token)[uid(kickoff)]["SEQUENCE"])
    milestone_skip(milestone=kickoff, by=personas.mentee)
    seen.append(events(token)[uid(kickoff)]["SEQUENCE"])

    assert seen == [0, 1, 2, 3]


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Berlin"])
# 23:30 UTC: already tomorrow in Kiritimati (UTC+14), still yesterday
# afternoon in Pago Pago (UTC-11); Berlin changes to summer time that night.
@pytest.mark.clock("2027-03-27T23:30:00Z")
def test_dates_are_right_in_every_time_zone(personas: Personas, zone: str) -> None:
    personas.mentee.time_zone = zone
    personas.mentee.save()
    token = calendar_feed_issue(person=personas.mentee)

    calendar = Calendar.from_ical(fetch(token).content)

    assert str(calendar["X-WR-TIMEZONE"]) == zone
    for milestone in personas.pairing.milestones.all():
        event = next(e for e in calendar.walk("VEVENT") if str(e["UID"]) == uid(milestone))
        assert event.decoded("DTSTART") == milestone.due_on


def test_revoking_or_replacing_the_address_closes_the_old_one(personas: Personas) -> None:
    first = calendar_feed_issue(person=personas.mentee)
    second = calendar_feed_issue(person=personas.mentee)
    assert fetch(first).status_code == 404
    assert fetch(second).status_code == 200

    assert calendar_feed_revoke(person=personas.mentee) is True
    assert fetch(second).status_code == 404
    assert fetch("not-a-token").status_code == 404
    actions = list(
        AuditEvent.objects.filter(action__startswith="calendar_feed.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["calendar_feed.issued", "calendar_feed.issued", "calendar_feed.revoked"]
    assert first not in str(AuditEvent.objects.values_list("data", flat=True))


def test_a_closed_pairing_leaves_the_calendar(personas: Personas) -> None:
    token = calendar_feed_issue(person=personas.mentee)
    pairing_end(pairing=personas.pairing, by=personas.hr, reason="Moved on")
    assert events(token) == {}


def test_a_deactivated_person_has_no_feed(personas: Personas) -> None:
    token = calendar_feed_issue(person=personas.mentee)
    personas.mentee.is_active = False
    personas.mentee.save()
    assert fetch(token).status_code == 404


def test_the_settings_page_shows_the_address_once(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.mentee)
    assert "Create my calendar address" in client.get("/calendar/").content.decode()

    posted = client.post("/calendar/", {"action": "issue"})
    assert posted.status_code == 302  # a reload of the page does not make another address
    created = client.get(posted["Location"]).content.decode()
    url = created.split('<code id="feed-url">')[1].split("</code>")[0]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert fetch(token).status_code == 200
    again = client.get("/calendar/").content.decode()
    assert token not in again
    assert token[:8] in again

    client.post("/calendar/", {"action": "revoke"})
    assert fetch(token).status_code == 404


def test_the_api_issues_shows_and_revokes_ones_own_address(
    personas: Personas, client_for: Any
) -> None:
    client = client_for(personas.mentee)
    assert client.get("/api/v1/calendar-feed/").json() == {
        "active": False,
        "prefix": None,
        "created_at": None,
        "last_fetched_at": None,
    }
    assert client.delete("/api/v1/calendar-feed/").status_code == 404

    issued = client.post("/api/v1/calendar-feed/")
    assert issued.status_code == 201
    body = issued.json()
    token = body["url"].rsplit("/", 1)[1].removesuffix(".ics")
    assert body["active"] is True
    assert body["prefix"] == token[:8]
    first = Milestone.objects.filter(pairing=personas.pairing).first()
    assert first is not None
    assert uid(first) in events(token)

    shown = client.get("/api/v1/calendar-feed/").json()
    assert shown["active"] is True
    assert shown["last_fetched_at"] is not None
    assert "url" not in shown  # the address is shown once, when issued
    assert token not in str(shown)

    replaced = client.post("/api/v1/calendar-feed/").json()
    assert fetch(token).status_code == 404
    new_token = replaced["url"].rsplit("/", 1)[1].removesuffix(".ics")
    assert client.delete("/api/v1/calendar-feed/").status_code == 204
    assert fetch(new_token).status_code == 404
    assert client.get("/api/v1/calendar-feed/").json()["active"] is False


@pytest.mark.parametrize(
    "persona", ["anonymous", "hr", "program_admin", "mentor", "mentee", "outsider"]
)
def test_each_person_manages_only_their_own_address(
    personas: Personas, client_for: Any, persona: str
) -> None:
    mentee_token = calendar_feed_issue(person=personas.mentee)
    client = client_for(personas.everyone()[persona])
    if persona == "anonymous":
        for method in ("get", "post", "delete"):
            assert getattr(client, method)("/api/v1/calendar-feed/").status_code == 401
        assert fetch(mentee_token).status_code == 200
        return
    mine = client.get("/api/v1/calendar-feed/").json()
    assert mine["active"] is (persona == "mentee")
    client.delete("/api/v1/calendar-feed/")
    # Revoking reaches one's own address only.
    assert fetch(mentee_token).status_code == (404 if persona == "mentee" else 200)

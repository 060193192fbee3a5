"""A person's milestones as an iCalendar (RFC 5545) file.

Each milestone is an all-day event on its due date: a due date is a date
wherever the person is, so it needs no time zone and shows on the right
day in every calendar. Each event's UID is derived from the milestone's id,
so a calendar app that fetches the feed again updates the event instead of
adding a second: SEQUENCE is the milestone's revision, a counter the
services raise with each change a calendar shows, so it never goes back
whatever the clocks do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event

from mentorship.notifications.emails import site_domain
from mentorship.pairings.models import Milestone, MilestoneStatus
from mentorship.people.models import Person
from mentorship.plans.models import StepKind


def milestone_uid(milestone: Milestone) -> str:
    return f"milestone-{milestone.pk}@{site_domain()}"


def _summary(milestone: Milestone, person: Person) -> str:
    pairing = milestone.pairing
    partner = pairing.mentor if person.pk == pairing.mentee_id else pairing.mentee
    mark = "✓ " if milestone.status == MilestoneStatus.DONE else ""
    return f"{mark}{milestone.title} (with {partner.full_name})"


def calendar_for(person: Person, milestones: Iterable[Milestone], *, now: dt.datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Scaffold//Milestones//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Scaffold")
    calendar.add("x-wr-caldesc", f"{person.full_name}'s milestones and self-assessments")
    calendar.add("x-wr-timezone", person.time_zone)
    calendar.add("refresh-interval", dt.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    for milestone in milestones:
        url = settings.SITE_URL + reverse(
            "pairings:detail", kwargs={"pairing_id": milestone.pairing_id}
        )
        event = Event()
        event.add("uid", milestone_uid(milestone))
        event.add("dtstamp", now)
        event.add("dtstart", milestone.due_on)
        event.add("dtend", milestone.due_on + dt.timedelta(days=1))
        event.add("summary", _summary(milestone, person))
        guidance = f"{milestone.description}\n\n" if milestone.description else ""
        event.add("description", f"{guidance}{milestone.pairing.program.name} · {url}")
        event.add("url", url)
        event.add(
            "categories",
            ["Self-assessment" if milestone.kind == StepKind.ASSESSMENT else "Milestone"],
        )
        event.add("last-modified", milestone.updated_at)
        event.add("sequence", milestone.revision)
        event.add(
            "status", "CANCELLED" if milestone.status == MilestoneStatus.SKIPPED else "CONFIRMED"
        )
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()

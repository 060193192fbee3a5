"""What a calendar feed holds: the person's own milestones and scheduled
self-assessments, from pairings that are under way."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from mentorship.core.secret_tokens import digest
from mentorship.feeds.models import CalendarFeed
from mentorship.pairings.models import LIVE_PAIRING_STATUSES, Milestone
from mentorship.people.models import Person
from mentorship.plans.models import StepKind, StepOwner


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed behind an address, if any (and its person is active)."""
    return (
        CalendarFeed.objects.select_related("person")
        .filter(token_digest=digest(token), person__is_active=True)
        .first()
    )


def feed_of(person: Person) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(person=person).first()


def calendar_milestones(person: Person) -> QuerySet[Milestone]:
    """The steps the person owns in their live pairings: as a mentee, theirs,
    the shared ones and the self-assessments; as a mentor, theirs and the
    shared ones. Notes are the pair's and never go into a calendar."""
    as_mentee = Q(pairing__mentee=person) & (
        Q(owner__in=(StepOwner.MENTEE, StepOwner.BOTH)) | Q(kind=StepKind.ASSESSMENT)
    )
    as_mentor = Q(pairing__mentor=person, owner__in=(StepOwner.MENTOR, StepOwner.BOTH))
    return (
        Milestone.objects.filter(as_mentee | as_mentor, pairing__status__in=LIVE_PAIRING_STATUSES)
        .select_related("pairing__program", "pairing__mentee", "pairing__mentor", "competency")
        .defer("note")
        .order_by("due_on", "position", "pk")
    )

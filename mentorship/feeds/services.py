"""Issuing and revoking calendar feed addresses."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from mentorship.audit.services import audit_record
from mentorship.core.secret_tokens import digest, new_secret
from mentorship.feeds.models import CalendarFeed
from mentorship.people.models import Person

# A fetch is recorded at most this often (calendar apps poll every few minutes).
FETCH_RECORDED_EVERY = dt.timedelta(hours=1)


def calendar_feed_issue(*, person: Person) -> str:
    """A new secret address for the person's feed; any earlier one stops
    working. Returns the token, which is not stored and shown once."""
    token = new_secret()
    with transaction.atomic():
        replaced = CalendarFeed.objects.filter(person=person).delete()[0] > 0
        CalendarFeed.objects.create(person=person, token_digest=digest(token), prefix=token[:8])
        audit_record(
            actor=person,
            action="calendar_feed.issued",
            target=person,
            data={"replaced": replaced},
        )
    return token


def calendar_feed_revoke(*, person: Person) -> bool:
    with transaction.atomic():
        revoked = CalendarFeed.objects.filter(person=person).delete()[0] > 0
        if revoked:
            audit_record(actor=person, action="calendar_feed.revoked", target=person)
    return revoked


def calendar_feed_fetched(*, feed: CalendarFeed, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    if feed.last_fetched_at is None or now - feed.last_fetched_at >= FETCH_RECORDED_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=now)

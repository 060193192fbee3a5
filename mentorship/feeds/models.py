"""A person's private calendar feed: a secret address any calendar app can
subscribe to. Only a digest of the secret is stored; revoking deletes it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mentorship.core.models import TimeStampedModel


class CalendarFeed(TimeStampedModel):
    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    # SHA-256 of the token in the feed's address.
    token_digest = models.CharField(max_length=64, unique=True)
    # The first characters, so a person can tell which address is live.
    prefix = models.CharField(max_length=8)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed {self.prefix}…"

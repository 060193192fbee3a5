from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from mentorship.core.secret_tokens import digest
from mentorship.people.models import ApiToken


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <token>``, checked against stored digests."""

    keyword = "Token"
    model = ApiToken

    def authenticate_credentials(self, key: str) -> tuple[Any, ApiToken]:
        token = (
            ApiToken.objects.select_related("person")
            .filter(digest=digest(key), revoked_at__isnull=True)
            .first()
        )
        now = timezone.now()
        if token is None or token.expired(now) or not token.person.is_active:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        # At most one write a minute per token, not one per request.
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.person, token

"""The security log: one row per thing that happened to an account
(``SecurityEvent``). Written by the sign-in backend, the account pages and
the token services; read by HR (``/people/security/``) and, for their own
account, by each person (``/account/security/``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from mentorship.audit.models import SecurityEvent, SecurityEventKind, SecurityEventVia


@dataclass(frozen=True)
class Client:
    """Where a request came from, as far as the log needs it."""

    ip: str = ""
    agent: str = ""
    via: str = ""

    @classmethod
    def of(cls, request: HttpRequest | None) -> Client:
        if request is None:
            return cls()
        # Imported here: people.throttling knows how to read the client's
        # address behind the configured proxies, and people imports audit.
        from mentorship.people.throttling import client_ip

        return cls(
            ip=client_ip(request.META)[:45],
            agent=str(request.META.get("HTTP_USER_AGENT", ""))[:200],
            via=via_of(request),
        )


def via_of(request: HttpRequest) -> str:
    path = request.path
    if path.startswith("/admin/"):
        return SecurityEventVia.ADMIN
    if path.startswith("/api/"):
        return SecurityEventVia.API
    return SecurityEventVia.SITE


def security_record(
    kind: SecurityEventKind,
    *,
    person: Any = None,
    client: Client | None = None,
    via: str = "",
    data: dict[str, Any] | None = None,
) -> SecurityEvent:
    """Write one event. ``data`` holds structure only (a token's prefix,
    why something happened): never a password, token or link."""
    client = client or Client()
    return SecurityEvent.objects.create(
        kind=kind,
        person=person if getattr(person, "pk", None) is not None else None,
        via=via or client.via,
        client_ip=client.ip,
        user_agent=client.agent,
        data=data or {},
    )

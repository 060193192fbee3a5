"""The one way a password is checked, whoever asks: the site's sign-in
form, the Django admin's, and the API token endpoint all call Django's
``authenticate()``, which comes here. So every one of them is throttled the
same way, and no door is left without a lock."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from mentorship import access
from mentorship.audit.models import SecurityEventKind
from mentorship.audit.security import Client, security_record
from mentorship.people import throttling
from mentorship.people.models import Person


class ThrottledModelBackend(ModelBackend):
    """Django's email-and-password check, refused outright (even the right
    password) while the address or the client is over its failure limit,
    and counting each failure."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if not settings.PASSWORD_SIGN_IN:
            # The company's provider is the only way in: no password opens
            # any door (the site, the Django admin, the API's token exchange).
            return None
        email = username or kwargs.get("email") or ""
        client = Client.of(request)
        # The throttle's key for the client: the address the log records
        # ("unknown" with no request, as throttling.client_ip says).
        client_ip = client.ip or "unknown"
        if paused(request, email) is not None:
            # PermissionDenied stops every backend: authenticate() answers None.
            raise PermissionDenied("Too many failed sign-in attempts.")
        person = super().authenticate(request, username=username, password=password, **kwargs)
        if person is None:
            if email:
                throttling.record_failure(email=email, client_ip=client_ip)
                _record(SecurityEventKind.SIGN_IN_FAILED, email, client)
        else:
            throttling.record_success(email=email, client_ip=client_ip)
            # With two-factor sign-in the password is half of it: the code
            # page records the sign-in (people/two_factor.py).
            security_record(
                SecurityEventKind.PASSWORD_ACCEPTED
                if person.two_factor_since is not None
                else SecurityEventKind.SIGNED_IN,
                person=person,
                client=client,
            )
        return person

    def get_user(self, user_id: Any) -> Any:
        """The signed-in person for a session, with whether they run a
        program read in the same query: every list scopes by it, and this
        saves them a query each (``access.runs_a_program``)."""
        try:
            person = access.with_runs_a_program(Person._default_manager.all()).get(pk=user_id)
        except Person.DoesNotExist:
            return None
        return person if self.user_can_authenticate(person) else None


def paused(request: HttpRequest | None, email: str) -> int | None:
    """Seconds before this address may try again from this client, or None.
    Every door asks here first (the sign-in forms, the token endpoint, the
    password change), so the first refused attempt of a pause is logged
    once, whichever door it was."""
    client = Client.of(request)
    wait = throttling.retry_after(email=email, client_ip=client.ip)
    if wait is not None and throttling.first_refusal(email=email, client_ip=client.ip):
        _record(SecurityEventKind.SIGN_IN_REFUSED, email, client)
    return wait


def _record(kind: SecurityEventKind, email: str, client: Client) -> None:
    """A failure is logged against the person the address names. An
    address nobody has is not written down: people type passwords into
    the address field."""
    person = Person.objects.filter(email=email.strip().lower()).first()
    security_record(
        kind,
        person=person,
        client=client,
        data={} if person is not None else {"unknown_address": True},
    )

"""How long a signed-in session lasts.

Two limits, as ASVS asks: an idle timeout (``SESSION_IDLE_TIMEOUT``: no
request for that long signs the session out) and an absolute age
(``SESSION_COOKIE_AGE``: however active, a session ends that long after
sign-in). Django's own expiry slides forward each time the session is saved,
so neither can rest on it alone: the session carries the moment of sign-in
and of its last request, stamped at sign-in (``stamp``) and refreshed at
most once a minute, so an active person costs one session write a minute,
not one a request.

A person signed out by either limit meets the sign-in page with a message
saying why; what they were submitting is not kept, which is why the idle
limit is hours, not minutes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponseBase

SIGNED_IN_AT = "scaffold.signed_in_at"
SEEN_AT = "scaffold.seen_at"
SEEN_EVERY = 60  # seconds between refreshes of the last-seen stamp


def stamp(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """On ``user_logged_in``: the session starts now."""
    session = getattr(request, "session", None)
    if session is not None:
        now = int(time.time())
        session[SIGNED_IN_AT] = now
        session[SEEN_AT] = now


def describe(seconds: int) -> str:
    """A duration as the pages say it: "2 hours", "90 minutes", "7 days"."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{max(seconds // 60, 1)} minutes"


def expired(session: Any, now: int) -> str | None:
    """Why the session is over, or None while it is not."""
    idle = settings.SESSION_IDLE_TIMEOUT
    age = settings.SESSION_COOKIE_AGE
    seen = session.get(SEEN_AT)
    signed_in = session.get(SIGNED_IN_AT)
    if idle and seen is not None and now - int(seen) > idle:
        return f"You were signed out after {describe(idle)} without activity. Sign in again."
    if age and signed_in is not None and now - int(signed_in) > age:
        return f"You were signed out {describe(age)} after signing in. Sign in again."
    return None


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            reason = expired(session, now)
            if reason is not None:
                logout(request)
                messages.info(request, reason)
            elif session.get(SEEN_AT) is None or now - int(session[SEEN_AT]) >= SEEN_EVERY:
                # A session from before the stamps existed starts counting now.
                session.setdefault(SIGNED_IN_AT, now)
                session[SEEN_AT] = now
        return self.get_response(request)

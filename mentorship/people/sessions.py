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
limit is hours, not minutes. So does one whose session Django's own check
ended (the session was signed with a password or sign-in epoch that has
changed since: a new password, "sign out everywhere else", two-step
verification turned off, here or on another device).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponseBase

SIGNED_IN_AT = "scaffold.signed_in_at"
SEEN_AT = "scaffold.seen_at"
SEEN_EVERY = 60  # seconds between refreshes of the last-seen stamp
ENDED_ELSEWHERE = (
    "You were signed out because how you sign in changed (a new password, "
    "or every other session ended), here or on another device. Sign in again."
)


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


HAD_SOMEONE = "_scaffold_session_had_someone"


def note_who_the_session_was_for(
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    """Before AuthenticationMiddleware: whether the session names someone.
    If it no longer verifies, resolving request.user flushes it, and this
    note is all SessionTimeoutMiddleware has left to say why."""

    def middleware(request: HttpRequest) -> HttpResponseBase:
        setattr(request, HAD_SOMEONE, SESSION_KEY in request.session)
        return get_response(request)

    return middleware


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        had_someone = getattr(request, HAD_SOMEONE, False)
        user = getattr(request, "user", None)
        if had_someone and user is not None and not user.is_authenticated:
            messages.info(request, ENDED_ELSEWHERE)
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

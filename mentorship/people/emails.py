"""The account emails — an invitation to choose a password, a link to reset
it, word of a change to how one signs in — as kinds of the email engine.
They go through the outbox like every reminder (a ``Notification`` row:
logged, retried with backoff, in the email log), but they are sent at once
and nobody can turn them off.

Their links are secrets, so nothing keeps them: a row names the person and
nothing else, and the link is made when the email is rendered, from the
person's state at that moment. The development outbox stores the message
without it (``secret_context``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mentorship.audit.models import SecurityEvent, SecurityEventKind, SecurityEventVia
from mentorship.notifications.kinds import ReminderKind, SubjectKind
from mentorship.notifications.models import Notification
from mentorship.people.services import invitable, invitation_token


class Invitation(ReminderKind):
    name = "invitation"
    label = "Invitation to choose a password"
    description = "Sent once when you are given an account, with a link to choose your password."
    template = "invitation"
    optional = False
    immediate = True
    secret_context = ("welcome_url",)

    def still_wanted(self, notification: Notification) -> bool:
        # Signed in (or chose a password) meanwhile: the link would not work.
        return invitable(notification.recipient)

    def context(self, notification: Notification) -> dict[str, Any]:
        person = notification.recipient
        days = settings.SCAFFOLD_INVITATION_DAYS
        return {
            "person": person,
            "welcome_url": settings.SITE_URL
            + reverse("welcome", kwargs={"token": invitation_token(person)}),
            "valid_days": days,
            "valid_until": timezone.now() + dt.timedelta(days=days),
        }


class PasswordReset(ReminderKind):
    name = "password_reset"
    label = "Password reset"
    description = "Sent when you (or someone typing your address) asks to reset your password."
    template = "password_reset"
    optional = False
    immediate = True
    secret_context = ("reset_url",)

    def still_wanted(self, notification: Notification) -> bool:
        # A reset that could not go out while its link would have lasted
        # is dropped: arriving hours later, it would only puzzle.
        asked = notification.created_at
        return timezone.now() - asked < dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)

    def context(self, notification: Notification) -> dict[str, Any]:
        person = notification.recipient
        path = reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
                "token": default_token_generator.make_token(person),
            },
        )
        return {
            "person": person,
            "reset_url": settings.SITE_URL + path,
            "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            "valid_until": timezone.now() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT),
        }


# What each change is called in the email: its subject, what it means, and
# what to do if it was not the person (each change has its own remedy).
_CHOOSE_ANEW = (
    "choose a new password now with the link below: that signs everyone else out "
    "and stops every API token made under the old one"
)
_CHANGES: dict[str, tuple[str, str, str]] = {
    SecurityEventKind.PASSWORD_CHANGED: (
        "Your Scaffold password was changed",
        "Your password was changed by someone signed in to your account.",
        f"someone else has your password: {_CHOOSE_ANEW}. Then tell your HR team.",
    ),
    SecurityEventKind.PASSWORD_RESET: (
        "Your Scaffold password was reset",
        "Your password was reset with a link emailed to you.",
        "someone can read your email. Secure your email account first, then "
        f"{_CHOOSE_ANEW}, and tell your HR team at once.",
    ),
    SecurityEventKind.TWO_FACTOR_ENABLED: (
        "Two-factor sign-in is on for your Scaffold account",
        "Two-factor sign-in was turned on: signing in now asks for a code from an "
        "authenticator app as well as your password.",
        "someone else has your password and has tied your account to their own app. "
        "Ask your HR team to turn two-factor sign-in off for you (People → your name), "
        f"then {_CHOOSE_ANEW}.",
    ),
    SecurityEventKind.TWO_FACTOR_DISABLED: (
        "Two-factor sign-in is off for your Scaffold account",
        "Two-factor sign-in was turned off: signing in now asks for your password only.",
        f"someone else is signed in as you: {_CHOOSE_ANEW}, turn two-factor sign-in "
        "back on, and tell your HR team.",
    ),
    SecurityEventKind.RECOVERY_CODES_RENEWED: (
        "New recovery codes for your Scaffold account",
        "New recovery codes were made for your two-factor sign-in; the old ones no longer work.",
        f"someone else is signed in as you and holds the new codes: {_CHOOSE_ANEW}, "
        "then ask your HR team to turn two-factor sign-in off for you so you can set it "
        "up again.",
    ),
    SecurityEventKind.TOKEN_CREATED: (
        "A new API token for your Scaffold account",
        "A new API token was made. Whoever holds it can read and change what you can "
        "through the API until it expires or is revoked.",
        "someone else is signed in as you: revoke the token on your API tokens page "
        f"(below), {_CHOOSE_ANEW}, and tell your HR team.",
    ),
}

# How each way in reads in a sentence: "From 10.0.0.7, on the website."
_VIA: dict[str, str] = {
    SecurityEventVia.SITE: "on the website",
    SecurityEventVia.ADMIN: "in the Django admin",
    SecurityEventVia.API: "through the API",
    SecurityEventVia.EMAIL_LINK: "through a link emailed to you",
}


class AccountChanged(SubjectKind):
    """A change to how the person signs in (``services.account_change_record``),
    told at once. It says what changed, when and from where, and what to do
    if it was not them; it carries no link that signs anyone in."""

    name = "account_changed"
    label = "A change to how you sign in"
    description = (
        "Sent the moment your password, two-factor sign-in or API tokens change, so that "
        "a change you did not make does not go unnoticed."
    )
    template = "account_changed"
    optional = False
    immediate = True

    def live_subjects(self) -> models.QuerySet[SecurityEvent]:
        return SecurityEvent.objects.filter(kind__in=list(_CHANGES))

    def context_for(self, subject: SecurityEvent, notification: Notification) -> dict[str, Any]:
        headline, what, advice = _CHANGES[subject.kind]
        by = subject.data.get("by", "")
        # A new password revokes every API token: whatever used one needs a new one.
        revoked = int(subject.data.get("tokens_revoked") or 0)
        return {
            "person": notification.recipient,
            "headline": headline,
            "what": what,
            # An operator turned it off for someone who lost their phone.
            "by": by if by and by != notification.recipient.email else "",
            "token_name": subject.data.get("name", "") if subject.data.get("token") else "",
            "token_prefix": subject.data.get("token", ""),
            "if_not_you": advice,
            "at": subject.at,
            "time_zone": notification.recipient.time_zone,
            "client_ip": subject.client_ip,
            "via": _VIA.get(subject.via, ""),
            "browser": subject.user_agent[:100],
            "reset_url": settings.SITE_URL + reverse("password_reset"),
            "security_url": settings.SITE_URL + reverse("account-security"),
            "tokens_revoked": _tokens_revoked(revoked),
            "if_you": (
                "If this was you, make a new API token for each script or tool that used "
                "one of the old ones."
                if revoked
                else "If this was you, there is nothing to do."
            ),
            "tokens_url": settings.SITE_URL + reverse("api-tokens")
            if subject.kind == SecurityEventKind.TOKEN_CREATED or revoked
            else "",
        }


def _tokens_revoked(count: int) -> str:
    if not count:
        return ""
    if count == 1:
        return "Your API token stopped working with the old password."
    return f"Your {count} API tokens stopped working with the old password."

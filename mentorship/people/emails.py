"""The account emails — an invitation to choose a password, a link to reset
it — as kinds of the email engine. They go through the outbox like every
reminder (a ``Notification`` row: logged, retried with backoff, in the email
log), but they are sent at once and nobody can turn them off.

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
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mentorship.notifications.kinds import ReminderKind
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

"""A second factor for signing in: an authenticator app (TOTP, RFC 6238,
through django-otp's ``TOTPDevice``) and ten recovery codes.

The password is checked first, by the one throttled backend, whatever the
door; a person with two-factor sign-in is then signed in but *not verified*,
and ``TwoFactorMiddleware`` lets such a session reach nothing but the code
page and signing out (pages redirect there; the API answers 403). With
``TWO_FACTOR_REQUIRED``, staff, superusers and HR must turn it on before
anything else. The API's token endpoint asks for the code in the same
request.

Wrong codes count against the sign-in allowance (``throttling``), and
django-otp slows each device down on its own as well. Recovery codes are
stored as keyed digests and work once.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from mentorship.audit.models import SecurityEventKind
from mentorship.audit.security import Client, security_record
from mentorship.core.api.errors import json_error
from mentorship.people import services, throttling
from mentorship.people.models import Person, RecoveryCode

RECOVERY_CODES = 10
# Ten characters a person can read out and type: no 0/O, 1/I/L.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
DEVICE_NAME = "Authenticator app"


def required_for(person: Person) -> bool:
    """Whether the person must have two-factor sign-in (by the setting)."""
    return bool(settings.TWO_FACTOR_REQUIRED) and (
        person.is_staff or person.is_superuser or person.is_hr
    )


def enabled(person: Person) -> bool:
    return person.two_factor_since is not None


# --------------------------------------------------------------------------
# Turning it on, renewing codes, turning it off


def pending_device(person: Person) -> TOTPDevice:
    """The authenticator being set up: made once, kept until confirmed, so a
    reload shows the same QR code."""
    device = TOTPDevice.objects.filter(user=person, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=person, name=DEVICE_NAME, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` address as an inline SVG QR code (no image request,
    nothing leaves the page)."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, border=2))


def readable_key(device: TOTPDevice) -> str:
    """The key as an app asks for it when typed: base32, in groups of four."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def enable(
    *, person: Person, device: TOTPDevice, code: str, client: Client | None = None
) -> list[str]:
    """Confirm the authenticator with a code from it; returns the recovery
    codes, to be shown once."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=person)
        if not device.verify_token(_digits(code)):
            raise ValidationError(
                {
                    "code": "That code is not the one the app shows now. Scan the QR code again, "
                    "check the phone's clock, and type the six digits it shows."
                }
            )
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=person).exclude(pk=device.pk).delete()
        person.two_factor_since = timezone.now()
        person.save(update_fields=["two_factor_since"])
        codes = _new_recovery_codes(person)
        services.account_change_record(
            SecurityEventKind.TWO_FACTOR_ENABLED, person=person, client=client
        )
    return codes


def recovery_codes_renew(*, person: Person, client: Client | None = None) -> list[str]:
    with transaction.atomic():
        codes = _new_recovery_codes(person)
        services.account_change_record(
            SecurityEventKind.RECOVERY_CODES_RENEWED, person=person, client=client
        )
    return codes


def disable(*, person: Person, by: Person | None = None, client: Client | None = None) -> None:
    """Turn it off: the person (not while it is required of them), or an
    operator for someone who lost both the phone and the codes."""
    if by is None and required_for(person):
        raise ValidationError("Two-factor sign-in is required for your account.")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=person).delete()
        RecoveryCode.objects.filter(person=person).delete()
        person.two_factor_since = None
        person.save(update_fields=["two_factor_since"])
        services.account_change_record(
            SecurityEventKind.TWO_FACTOR_DISABLED,
            person=person,
            client=client,
            data={} if by is None or by == person else {"by": by.email},
        )


def recovery_codes_left(person: Person) -> int:
    return RecoveryCode.objects.filter(person=person, used_at__isnull=True).count()


def _new_recovery_codes(person: Person) -> list[str]:
    RecoveryCode.objects.filter(person=person).delete()
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)
    ]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(person=person, digest=_recovery_digest(person, code)) for code in codes
    )
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def _recovery_digest(person: Person, code: str) -> str:
    normal = code.replace("-", "").replace(" ", "").lower()
    return salted_hmac(
        "mentorship.people.two_factor.recovery", f"{person.pk}:{normal}", algorithm="sha256"
    ).hexdigest()


def _digits(code: str) -> str:
    return "".join(ch for ch in code if not ch.isspace())


# --------------------------------------------------------------------------
# Checking a code


@dataclass(frozen=True)
class Passed:
    device: TOTPDevice
    recovery_codes_left: int | None  # None: the app's code was used


def verify(*, person: Person, code: str, client: Client | None = None) -> Passed:
    """A code from the app, or a recovery code. Raises ValidationError with a
    message a person can act on; every failure counts against the sign-in
    allowance."""
    client = client or Client()
    if throttling.retry_after(email=person.email, client_ip=client.ip) is not None:
        raise ValidationError(
            {"code": "Too many wrong codes. For your security, wait a few minutes and try again."}
        )
    device = TOTPDevice.objects.filter(user=person, confirmed=True).first()
    if device is None:
        raise ValidationError({"code": "Two-factor sign-in is not set up for this account."})
    code = _digits(code)
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _ = locked.verify_is_allowed()
        if not allowed:
            # django-otp's own pause for the device: it doubles with each
            # wrong code (1 s, 2 s, 4 s…). Hammering on counts too.
            throttling.record_failure(email=person.email, client_ip=client.ip)
            raise ValidationError(
                {"code": "That was quick after a wrong code. Wait a few seconds and try again."}
            )
        if code.isdigit() and locked.verify_token(code):
            security_record(SecurityEventKind.TWO_FACTOR_PASSED, person=person, client=client)
            return Passed(device=locked, recovery_codes_left=None)
        used = (
            RecoveryCode.objects.select_for_update()
            .filter(person=person, used_at__isnull=True, digest=_recovery_digest(person, code))
            .first()
        )
        if used is not None:
            used.used_at = timezone.now()
            used.save(update_fields=["used_at"])
            left = recovery_codes_left(person)
            security_record(
                SecurityEventKind.RECOVERY_CODE_USED,
                person=person,
                client=client,
                data={"left": left},
            )
            return Passed(device=locked, recovery_codes_left=left)
    throttling.record_failure(email=person.email, client_ip=client.ip)
    security_record(SecurityEventKind.TWO_FACTOR_FAILED, person=person, client=client)
    raise ValidationError(
        {
            "code": "That code does not match. Type the six digits the app shows now, "
            "or one of your recovery codes."
        }
    )


def mark_verified(request: HttpRequest, device: TOTPDevice) -> None:
    """This session has passed the second factor."""
    otp_login(request, device)


# --------------------------------------------------------------------------
# The gate


# What a session that has not passed its second factor may still reach.
OPEN_TO_UNVERIFIED = {"two-factor-verify", "logout", "health"}
OPEN_TO_NOT_SET_UP = {"two-factor", "logout", "health"}


class TwoFactorMiddleware:
    """Keeps a signed-in session that owes a second factor away from
    everything but the page that asks for it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        name = request.resolver_match.url_name if request.resolver_match else None
        if enabled(user):
            if user.is_verified() or name in OPEN_TO_UNVERIFIED:
                return None
            return self._refuse(
                request,
                "two-factor-verify",
                "Type the code from your authenticator app to finish signing in.",
            )
        if required_for(user) and name not in OPEN_TO_NOT_SET_UP:
            if not request.path.startswith("/api/"):
                messages.info(request, "Your account needs two-factor sign-in: set it up to go on.")
            return self._refuse(
                request, "two-factor", "Set up two-factor sign-in on the web before using the API."
            )
        return None

    @staticmethod
    def _refuse(request: HttpRequest, page: str, api_message: str) -> HttpResponseBase:
        if request.path.startswith("/api/"):
            return json_error(request, 403, "second_factor_required", api_message)
        target = str(redirect(page).url)
        if request.method == "GET" and request.path != "/":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)

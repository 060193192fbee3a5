from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mentorship.audit.services import audit_record
from mentorship.core.tasks import enqueue_after_commit
from mentorship.notifications import emails
from mentorship.people.models import ApiToken, Competency, Department, Person

TOKEN_PREFIX = "scf_"  # noqa: S105 -- a label, not a secret


# --------------------------------------------------------------------------
# People


def person_create(
    *,
    email: str,
    full_name: str,
    password: str | None = None,
    title: str = "",
    department: Department | None = None,
    manager: Person | None = None,
    time_zone: str = "UTC",
    became_manager_on: date | None = None,
    expertise: Iterable[Competency] = (),
    default_mentor_capacity: int = 2,
    is_hr: bool = False,
    is_staff: bool = False,
) -> Person:
    person = Person(
        email=email.strip().lower(),
        full_name=full_name.strip(),
        title=title,
        department=department,
        manager=manager,
        time_zone=time_zone,
        became_manager_on=became_manager_on,
        default_mentor_capacity=default_mentor_capacity,
        is_hr=is_hr,
        is_staff=is_staff,
    )
    person.set_password(password)
    person.full_clean(exclude=["password"])
    with transaction.atomic():
        person.save()
        person.expertise.set(expertise)
    return person


def person_update_profile(*, person: Person, **changes: Any) -> Person:
    """The fields a person may change about themselves."""
    allowed = {"full_name", "title", "time_zone", "email_weekdays_only"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"Not editable by the person: {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(person, field, value)
    person.full_clean(exclude=["password"])
    person.save(update_fields=[*changes])
    return person


def department_get_or_create(*, name: str) -> Department:
    existing = Department.objects.filter(name__iexact=name.strip()).first()
    if existing is not None:
        return existing
    department = Department(name=name.strip())
    department.full_clean()
    department.save()
    return department


# --------------------------------------------------------------------------
# API tokens


def api_token_digest(raw: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough: there is
    # nothing to brute-force that a slow hash would protect.
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, person: Person, name: str = "") -> tuple[ApiToken, str]:
    """Returns the token row and the raw token, which is never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            person=person, name=name[:100], prefix=raw[:12], digest=api_token_digest(raw)
        )
        audit_record(actor=person, action="api_token.created", target=token)
    return token, raw


def api_token_revoke(*, token: ApiToken, by: Person) -> ApiToken:
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(actor=by, action="api_token.revoked", target=token)
    return token


# --------------------------------------------------------------------------
# Password reset


def password_reset_request(*, email: str) -> None:
    """Send a reset link if the address belongs to an active person. Says
    nothing either way, so the form cannot be used to probe for accounts."""
    from mentorship.people.tasks import send_password_reset_email

    person = Person.objects.filter(email=email.strip().lower(), is_active=True).first()
    if person is not None and person.has_usable_password():
        enqueue_after_commit(send_password_reset_email, person.pk)


def password_reset_email_send(*, person: Person) -> str:
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        },
    )
    return emails.send(
        to=person.email,
        name="password_reset",
        context={
            "person": person,
            "reset_url": settings.SITE_URL + path,
            "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
    )

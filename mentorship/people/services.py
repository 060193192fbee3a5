from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mentorship import access
from mentorship.audit.services import audit_record
from mentorship.core.secret_tokens import digest, new_secret
from mentorship.core.tasks import enqueue_after_commit
from mentorship.notifications import emails
from mentorship.people import rules
from mentorship.people import tasks as people_tasks
from mentorship.people.checks import (
    CompetencyRef,
    DepartmentRef,
    PersonRef,
    person_details_check,
)
from mentorship.people.models import (
    ApiToken,
    Department,
    Person,
)
from mentorship.programs.models import Enrollment

TOKEN_PREFIX = "scf_"  # noqa: S105 -- a label, not a secret


# --------------------------------------------------------------------------
# People: one at a time. The checks are ``people.rules``, the same the
# import runs on every row, so a form, the API and a CSV say the same thing.


class Keep(enum.Enum):
    """Leave a field as it is (where ``None`` or an empty value means something)."""

    KEEP = "keep"


KEEP = Keep.KEEP


def _require_people_admin(by: Person | None) -> None:
    if by is not None and not access.manages_people(by):
        raise PermissionDenied("Only HR adds and edits people.")


# What HR sets about a person, in the order forms and the audit trail list it.
PERSON_FIELDS = (
    "email",
    "full_name",
    "title",
    "department",
    "manager",
    "time_zone",
    "became_manager_on",
    "expertise",
)


def person_create(
    *,
    email: str,
    full_name: str,
    by: Person | None = None,
    password: str | None = None,
    title: str = "",
    department: DepartmentRef | None = None,
    manager: PersonRef | None = None,
    time_zone: str = "UTC",
    became_manager_on: date | None = None,
    expertise: Iterable[CompetencyRef] = (),
    default_mentor_capacity: int = 2,
    is_hr: bool = False,
    is_staff: bool = False,
) -> Person:
    """Add one person. ``by`` is HR (``None``: Scaffold itself, as the demo
    seed does). Without a password they sign in through an invitation
    (``person_invite``) or "Forgot your password?"."""
    _require_people_admin(by)
    values = person_details_check(
        None,
        {
            "email": email,
            "full_name": full_name,
            "title": title,
            "department": department,
            "manager": manager,
            "time_zone": time_zone,
            "became_manager_on": became_manager_on,
            "expertise": list(expertise),
        },
    )
    given = [name for name in PERSON_FIELDS if values[name] not in (None, "", frozenset())]
    competencies = values.pop("expertise")
    with transaction.atomic():
        values["department"] = _stored_department(values["department"])
        person = Person(
            **values,
            default_mentor_capacity=default_mentor_capacity,
            is_hr=is_hr,
            is_staff=is_staff,
        )
        person.set_password(password)
        person.full_clean(exclude=["password"], validate_unique=False)
        _save(person)
        person.expertise.set(competencies)
        audit_record(
            actor=by,
            action="person.created",
            target=person,
            data={"fields": given},
        )
    return person


def person_update(
    *,
    person: Person,
    by: Person | None,
    email: str | Keep = KEEP,
    full_name: str | Keep = KEEP,
    title: str | Keep = KEEP,
    department: DepartmentRef | Keep | None = KEEP,
    manager: PersonRef | Keep | None = KEEP,
    time_zone: str | Keep = KEEP,
    became_manager_on: date | Keep | None = KEEP,
    expertise: Iterable[CompetencyRef] | Keep = KEEP,
) -> Person:
    """Change someone's details (HR). Fields left out stay as they are; the
    audit trail records which fields changed, never their values."""
    _require_people_admin(by)
    given = {
        name: value
        for name, value in {
            "email": email,
            "full_name": full_name,
            "title": title,
            "department": department,
            "manager": manager,
            "time_zone": time_zone,
            "became_manager_on": became_manager_on,
            "expertise": expertise if isinstance(expertise, Keep) else list(expertise),
        }.items()
        if value is not KEEP
    }
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        values = person_details_check(locked, given)
        competencies = values.pop("expertise", None)
        if "department" in values:
            values["department"] = _stored_department(values["department"])
        changed = [
            name
            for name, value in values.items()
            if getattr(locked, f"{name}_id" if name in ("department", "manager") else name)
            != (value.pk if isinstance(value, Department | Person) else value)
        ]
        for name in changed:
            setattr(locked, name, values[name])
        if competencies is not None and competencies != set(
            locked.expertise.values_list("pk", flat=True)
        ):
            locked.expertise.set(competencies)
            changed.append("expertise")
        if not changed:
            return locked
        locked.full_clean(exclude=["password"], validate_unique=False)
        _save(locked, update_fields=[name for name in changed if name != "expertise"])
        audit_record(
            actor=by,
            action="person.updated",
            target=locked,
            data={"fields": sorted(changed, key=PERSON_FIELDS.index)},
        )
    return locked


def _stored_department(value: Department | str | None) -> Department | None:
    return department_get_or_create(name=value) if isinstance(value, str) else value


def _save(person: Person, update_fields: list[str] | None = None) -> None:
    """Two requests may race for one address: the unique index decides, and
    the loser hears it as a sentence."""
    try:
        with transaction.atomic():
            if update_fields is None:
                person.save()
            elif update_fields:
                person.save(update_fields=update_fields)
    except IntegrityError:
        raise ValidationError({"email": rules.email_taken(person.email)}) from None


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
    try:
        with transaction.atomic():
            department.save()
    except IntegrityError:
        # Someone made the same department a moment ago: theirs is ours.
        return Department.objects.get(name__iexact=name.strip())
    return department


# --------------------------------------------------------------------------
# API tokens


def api_token_create(*, person: Person, name: str = "") -> tuple[ApiToken, str]:
    """Returns the token row and the raw token, which is never stored."""
    raw = new_secret(TOKEN_PREFIX)
    with transaction.atomic():
        token = ApiToken.objects.create(
            person=person, name=name[:100], prefix=raw[:12], digest=digest(raw)
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
    nothing either way, so the form cannot be used to probe for accounts.
    Someone imported who never chose a password gets one too: it is how an
    expired invitation is replaced without asking anyone."""

    person = Person.objects.filter(email=email.strip().lower(), is_active=True).first()
    if person is not None:
        enqueue_after_commit(people_tasks.send_password_reset_email, person.pk)


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


# --------------------------------------------------------------------------
# Invitations: people created by an import have no password until they
# choose one through the link in their invitation.

INVITATION_SALT = "scaffold.people.invitation"
# A big import's invitations are sent by several workers at once.
INVITATIONS_PER_TASK = 200


def _invitation_state(person: Person) -> str:
    # Changes as soon as the person chooses a password or signs in, which
    # makes every link sent before that moment useless.
    return salted_hmac(
        INVITATION_SALT,
        f"{person.pk}|{person.password}|{person.last_login}",
        algorithm="sha256",
    ).hexdigest()[:24]


def invitation_token(person: Person) -> str:
    return signing.dumps([person.pk, _invitation_state(person)], salt=INVITATION_SALT)


def invitation_person(token: str) -> Person | None:
    """The person an invitation link is for, while it is valid and unused."""
    try:
        pk, state = signing.loads(
            token,
            salt=INVITATION_SALT,
            max_age=dt.timedelta(days=settings.SCAFFOLD_INVITATION_DAYS),
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    person = Person.objects.filter(pk=pk, is_active=True).first() if isinstance(pk, int) else None
    if person is None or not constant_time_compare(str(state), _invitation_state(person)):
        return None
    return person


def invitable(person: Person) -> bool:
    """Only someone who has never signed in is invited."""
    return person.is_active and person.last_login is None


def invitations_send(*, people: Iterable[Person], by: Person | None, reason: models.Model) -> int:
    """Queue an invitation to each of ``people`` who has never signed in;
    returns how many were queued. ``reason`` (an import, or the person
    invited again) is what the audit trail records it against."""

    ids = [person.pk for person in people if invitable(person)]
    queued_at = timezone.now().isoformat()
    with transaction.atomic():
        # Audited first, in the same transaction: the emails are queued only
        # once both are committed.
        if ids:
            audit_record(
                actor=by, action="people.invited", target=reason, data={"people": len(ids)}
            )
        for start in range(0, len(ids), INVITATIONS_PER_TASK):
            enqueue_after_commit(
                people_tasks.send_invitations, ids[start : start + INVITATIONS_PER_TASK], queued_at
            )
    return len(ids)


def person_invite(*, person: Person, by: Person) -> None:
    """Invite (again) someone who has never signed in: HR, or the admins of
    a program the person is enrolled in."""

    runs_their_program = Enrollment.objects.filter(
        access.administers_q(by, program="program_id"), person=person
    ).exists()
    if not runs_their_program and not access.roles(by).is_hr:
        raise PermissionDenied("Only HR and the admins of their program invite someone.")
    if not invitable(person):
        raise ValidationError(
            {"person": f"{person} has already signed in; they can reset their password."}
        )
    invitations_send(people=[person], by=by, reason=person)


def invitation_email_send(*, person: Person) -> bool:
    """Send one invitation now, if the person still has never signed in."""
    if not invitable(person):
        return False
    path = reverse("welcome", kwargs={"token": invitation_token(person)})
    emails.send(
        to=person.email,
        name="invitation",
        context={
            "person": person,
            "welcome_url": settings.SITE_URL + path,
            "valid_days": settings.SCAFFOLD_INVITATION_DAYS,
        },
    )
    Person.objects.filter(pk=person.pk).update(invited_at=timezone.now())
    return True

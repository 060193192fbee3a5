from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from mentorship import access
from mentorship.audit.models import SecurityEvent, SecurityEventKind
from mentorship.audit.security import Client, security_record
from mentorship.audit.services import audit_record
from mentorship.core.secret_tokens import digest, new_secret
from mentorship.notifications.events import notifications_queue_now
from mentorship.notifications.kinds import Due, content_type_id
from mentorship.notifications.links import LinkExpired, LinkInvalid
from mentorship.people import rules, throttling
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

if TYPE_CHECKING:
    from mentorship.programs.models import Program

TOKEN_PREFIX = "scf_"  # noqa: S105 -- a label, not a secret
TOKEN_MAX_DAYS = 366


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
    if person.is_erased:
        raise ValidationError({"person": "They were erased: who they were cannot be set again."})
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


def api_token_create(
    *,
    person: Person,
    name: str = "",
    expires_in_days: int | None = None,
    client: Client | None = None,
) -> tuple[ApiToken, str]:
    """Returns the token row and the raw token, which is never stored. With
    ``expires_in_days`` the token stops working that many days from now."""
    if expires_in_days is not None and not 1 <= expires_in_days <= TOKEN_MAX_DAYS:
        raise ValidationError(
            {"expires_in_days": f"A token lasts 1 to {TOKEN_MAX_DAYS} days, or until revoked."}
        )
    raw = new_secret(TOKEN_PREFIX)
    expires_at = timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None
    with transaction.atomic():
        token = ApiToken.objects.create(
            person=person,
            name=name[:100],
            prefix=raw[:12],
            digest=digest(raw),
            expires_at=expires_at,
        )
        audit_record(actor=person, action="api_token.created", target=token)
        account_change_record(
            SecurityEventKind.TOKEN_CREATED, person=person, client=client, data=_token_data(token)
        )
    return token, raw


def _token_data(token: ApiToken, **more: str) -> dict[str, str]:
    """How the security log names a token: its prefix, never the token."""
    return {"token": token.prefix, "name": token.name, **more}


def api_token_revoke(*, token: ApiToken, by: Person) -> ApiToken:
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(actor=by, action="api_token.revoked", target=token)
            security_record(
                SecurityEventKind.TOKEN_REVOKED, person=token.person, data=_token_data(token)
            )
    return token


def _live_tokens_locked(person: Person) -> int:
    """How many working tokens ``api_tokens_revoke_all`` is about to stop
    (it revokes expired ones too, which stopped working already), locked for
    it until the transaction ends. The same count as the security page's."""
    return len(
        ApiToken.objects.select_for_update()
        .filter(person=person, revoked_at__isnull=True)
        .exclude(expires_at__lte=timezone.now())
        .values_list("pk", flat=True)
    )


def api_tokens_revoke_all(*, person: Person, why: str) -> int:
    """Every live token of the person, revoked (a new password means
    whoever held the old one may hold a token too). Returns how many."""
    with transaction.atomic():
        live = list(
            ApiToken.objects.select_for_update().filter(person=person, revoked_at__isnull=True)
        )
        now = timezone.now()
        for token in live:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            audit_record(actor=person, action="api_token.revoked", target=token, data={"why": why})
            security_record(
                SecurityEventKind.TOKEN_REVOKED, person=person, data=_token_data(token, why=why)
            )
    return len(live)


# --------------------------------------------------------------------------
# A person's own account


def password_change(*, person: Person, new_password: str, client: Client | None = None) -> int:
    """A new password, chosen while signed in (the form has checked the
    current one and the password rules). Every other session ends with the
    old password; the caller keeps its own (``update_session_auth_hash``).
    Every API token is revoked, as after a reset: a password is changed most
    often because someone else may know it, and whoever signed in with it
    could have made a token. Returns how many were revoked."""
    with transaction.atomic():
        person.set_password(new_password)
        person.save(update_fields=["password"])
        # The change is logged before the revocations it causes; its email
        # says how many tokens stopped working, so the person knows to make
        # new ones for whatever used them.
        account_change_record(
            SecurityEventKind.PASSWORD_CHANGED,
            person=person,
            client=client,
            data={"tokens_revoked": _live_tokens_locked(person)},
        )
        return api_tokens_revoke_all(person=person, why="password changed")


def password_change_refused(*, person: Person, client: Client) -> None:
    """A wrong current password on the password form counts against the
    sign-in allowance: guessing it from a borrowed session is guessing a
    password."""
    throttling.record_failure(email=person.email, client_ip=client.ip)


def sessions_end_elsewhere(*, person: Person, client: Client | None = None) -> None:
    """Sign the person out of every session: each was signed with the old
    epoch. The caller keeps its own (``update_session_auth_hash``)."""
    with transaction.atomic():
        Person.objects.filter(pk=person.pk).update(session_epoch=F("session_epoch") + 1)
        person.refresh_from_db(fields=["session_epoch"])
        security_record(SecurityEventKind.SIGNED_OUT_ELSEWHERE, person=person, client=client)


def password_reset_used(*, person: Person, client: Client | None = None) -> None:
    """After a reset link set a new password: the pause on signing in ends,
    and every API token made under the old password is revoked."""
    throttling.clear(email=person.email)
    with transaction.atomic():
        account_change_record(
            SecurityEventKind.PASSWORD_RESET,
            person=person,
            client=client,
            data={"tokens_revoked": _live_tokens_locked(person)},
        )
        api_tokens_revoke_all(person=person, why="password reset")


def invitation_accepted(*, person: Person, client: Client | None = None) -> None:
    security_record(SecurityEventKind.INVITATION_ACCEPTED, person=person, client=client)


# --------------------------------------------------------------------------
# Password reset


def password_reset_request(*, email: str, client: Client | None = None) -> None:
    """Queue a reset link if the address belongs to an active person. Says
    nothing either way, so the form cannot be used to probe for accounts.
    Someone imported who never chose a password gets one too: it is how an
    expired invitation is replaced without asking anyone.

    The email goes through the outbox at once; its link is made when it is
    sent (``people/emails.py``), so no row holds it."""
    person = Person.objects.filter(email=email.strip().lower(), is_active=True).first()
    if person is None:
        return
    with transaction.atomic():
        security_record(SecurityEventKind.PASSWORD_RESET_REQUESTED, person=person, client=client)
        # Each request is an email of its own: the key names the request.
        notifications_queue_now(
            kind="password_reset",
            dues=[_account_email(person, f"password_reset:{person.pk}:{uuid.uuid4().hex}")],
        )


def _account_email(
    person: Person,
    dedup_key: str,
    program_id: int | None = None,
    subject: models.Model | None = None,
) -> Due:
    return Due(
        recipient_id=person.pk,
        dedup_key=dedup_key,
        becomes_due=timezone.localdate(),
        time_zone=person.time_zone,
        weekdays_only=False,
        program_id=program_id,
        subject_type_id=content_type_id(type(subject)) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
    )


# --------------------------------------------------------------------------
# Changes to how someone signs in are told to them by email the moment they
# happen (ASVS 5.0, V6.3.7): a change they did not make is how a taken-over
# account shows itself, and the email reaches them even when the attacker
# holds the session.

TOLD_BY_EMAIL = frozenset(
    {
        SecurityEventKind.PASSWORD_CHANGED,
        SecurityEventKind.PASSWORD_RESET,
        SecurityEventKind.TWO_FACTOR_ENABLED,
        SecurityEventKind.TWO_FACTOR_DISABLED,
        SecurityEventKind.RECOVERY_CODES_RENEWED,
        SecurityEventKind.TOKEN_CREATED,
    }
)


def account_change_record(
    kind: SecurityEventKind,
    *,
    person: Person,
    client: Client | None = None,
    data: dict[str, Any] | None = None,
) -> SecurityEvent:
    """Record a change to how the person signs in and queue the email that
    tells them, in the caller's transaction: both happen or neither."""
    if kind not in TOLD_BY_EMAIL:
        raise ValueError(f"{kind} is not a change to how someone signs in.")
    event = security_record(kind, person=person, client=client, data=data)
    notifications_queue_now(
        kind="account_changed",
        dues=[_account_email(person, f"account_changed:{event.pk}", subject=event)],
    )
    return event


# --------------------------------------------------------------------------
# Invitations: people created by an import have no password until they
# choose one through the link in their invitation.

INVITATION_SALT = "scaffold.people.invitation"


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


def invitation_person(token: str) -> Person:
    """The person an invitation link is for, while it is valid and unused.
    Raises ``LinkInvalid`` for a link that is damaged or forged, and
    ``LinkExpired`` for one that was good and is no more (too old, used:
    they chose a password or signed in, or their account is closed)."""
    try:
        pk, state = signing.loads(
            token,
            salt=INVITATION_SALT,
            max_age=dt.timedelta(days=settings.SCAFFOLD_INVITATION_DAYS),
        )
    except signing.SignatureExpired:
        raise LinkExpired from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkInvalid from None
    if not isinstance(pk, int):
        raise LinkInvalid
    person = Person.objects.filter(pk=pk, is_active=True).first()
    if person is None or not constant_time_compare(str(state), _invitation_state(person)):
        raise LinkExpired
    return person


def invitable(person: Person) -> bool:
    """Only someone who has never signed in is invited."""
    return person.is_active and person.last_login is None


def invitations_send(
    *,
    people: Iterable[Person],
    by: Person | None,
    reason: models.Model,
    program: Program | None = None,
) -> int:
    """Queue an invitation to each of ``people`` who has never signed in;
    returns how many were queued. ``reason`` (an import, or the person
    invited again) is what the audit trail records it against; the email log
    shows the invitations to the admins of ``program``.

    The rows are written in the caller's transaction and sent at once after
    it commits; a link is made only when its email is rendered."""
    invited = [person for person in people if invitable(person)]
    if not invited:
        return 0
    batch = uuid.uuid4().hex
    with transaction.atomic():
        notifications_queue_now(
            kind="invitation",
            dues=[
                _account_email(
                    person,
                    f"invitation:{person.pk}:{batch}",
                    program_id=program.pk if program else None,
                )
                for person in invited
            ],
        )
        Person.objects.filter(pk__in=[person.pk for person in invited]).update(
            invited_at=timezone.now()
        )
        audit_record(
            actor=by, action="people.invited", target=reason, data={"people": len(invited)}
        )
    return len(invited)


def person_invite(*, person: Person, by: Person) -> None:
    """Invite (again) someone who has never signed in: HR, or the admins of
    a program the person is enrolled in."""

    their_program = (
        Enrollment.objects.filter(access.administers_q(by, program="program_id"), person=person)
        .select_related("program")
        .order_by("pk")
        .first()
    )
    if not (their_program or access.is_hr(by)):
        raise PermissionDenied("Only HR and the admins of their program invite someone.")
    if not invitable(person):
        raise ValidationError(
            {
                "person": f"{person} has already signed in; they can reset their password."
                if person.is_active
                else f"{person}'s account is closed: there is nobody to invite."
            }
        )
    invitations_send(
        people=[person],
        by=by,
        reason=person,
        program=their_program.program if their_program else None,
    )


def personal_data_export_record(*, person: Person, by: Person) -> None:
    """HR took a person's data: who, whose, when (a person taking their own
    is not an event anyone else needs to see)."""
    if by.pk != person.pk:
        audit_record(actor=by, action="person.data_exported", target=person)

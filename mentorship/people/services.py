from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mentorship.audit.services import audit_record
from mentorship.core.tasks import enqueue_after_commit
from mentorship.notifications import emails
from mentorship.people import imports
from mentorship.people.models import (
    ApiToken,
    Competency,
    Department,
    ImportStatus,
    Person,
    PersonImport,
)

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
    nothing either way, so the form cannot be used to probe for accounts.
    Someone imported who never chose a password gets one too: it is how an
    expired invitation is replaced without asking anyone."""
    from mentorship.people.tasks import send_password_reset_email

    person = Person.objects.filter(email=email.strip().lower(), is_active=True).first()
    if person is not None:
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
    from mentorship.people.tasks import send_invitations

    ids = [person.pk for person in people if invitable(person)]
    queued_at = timezone.now().isoformat()
    for start in range(0, len(ids), INVITATIONS_PER_TASK):
        enqueue_after_commit(send_invitations, ids[start : start + INVITATIONS_PER_TASK], queued_at)
    if ids:
        audit_record(actor=by, action="people.invited", target=reason, data={"people": len(ids)})
    return len(ids)


def person_invite(*, person: Person, by: Person) -> None:
    """Invite (again) someone who has never signed in: HR, or the admins of
    a program the person is enrolled in."""
    from mentorship.people.selectors import roles_for
    from mentorship.programs.models import Enrollment
    from mentorship.programs.selectors import programs_administered_by

    runs_their_program = Enrollment.objects.filter(
        person=person, program__in=programs_administered_by(by).order_by().values("pk")
    ).exists()
    if not (roles_for(by).is_hr or runs_their_program):
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


# --------------------------------------------------------------------------
# People import (CSV from an HR system)

PREVIEW_ROWS = 50
# Every error is counted in the summary; this many are kept to show.
ERRORS_KEPT = 1000


def _import_snapshot(program_id: int | None = None) -> imports.Snapshot:
    """The company as the import sees it, in five queries."""
    expertise: dict[int, set[int]] = {}
    for person_id, competency_id in Person.expertise.through.objects.values_list(
        "person_id", "competency_id"
    ):
        expertise.setdefault(person_id, set()).add(competency_id)
    people = {
        row["email"]: imports.ExistingPerson(
            id=row["id"],
            email=row["email"],
            full_name=row["full_name"],
            title=row["title"],
            department=row["department__name"],
            manager_email=row["manager__email"],
            time_zone=row["time_zone"],
            became_manager_on=row["became_manager_on"],
            expertise=frozenset(expertise.get(row["id"], ())),
        )
        for row in Person.objects.values(
            "id",
            "email",
            "full_name",
            "title",
            "department__name",
            "manager__email",
            "time_zone",
            "became_manager_on",
        )
    }
    competencies: dict[str, int] = {}
    for pk, name, slug in Competency.objects.values_list("pk", "name", "slug"):
        competencies[name.lower()] = pk
        competencies[slug.lower()] = pk
    departments = {name.lower(): name for name in Department.objects.values_list("name", flat=True)}
    enrolled: dict[str, str] = {}
    if program_id is not None:
        from mentorship.programs.models import Enrollment, EnrollmentStatus

        enrolled = dict(
            Enrollment.objects.filter(
                program_id=program_id, status=EnrollmentStatus.ACTIVE
            ).values_list("person__email", "role")
        )
    return imports.Snapshot(
        people=people, competencies=competencies, departments=departments, enrolled=enrolled
    )


def person_import_start(
    *, uploaded_by: Person, filename: str, content: bytes, program: Any = None
) -> PersonImport:
    """Store the file and queue its check (the dry run). A file that cannot
    be read at all (encoding, header) is refused here, with the reason."""
    from mentorship.programs.selectors import programs_administered_by

    if (
        program is not None
        and not programs_administered_by(uploaded_by).filter(pk=program.pk).exists()
    ):
        raise PermissionDenied("Only the admins of that program can enroll people in it.")
    try:
        _, rows = imports.read_csv(content)
    except imports.FileError as exc:
        raise ValidationError({"file": str(exc)}) from None
    if not rows:
        raise ValidationError({"file": "The file has a header but no people."})
    with transaction.atomic():
        person_import = PersonImport.objects.create(
            uploaded_by=uploaded_by,
            program=program,
            filename=filename[:255],
            content=content,
            rows_total=len(rows),
        )
        audit_record(
            actor=uploaded_by,
            action="people.import_uploaded",
            target=person_import,
            program=program,
            data={"rows": len(rows)},
        )
        from mentorship.people.tasks import check_person_import

        enqueue_after_commit(check_person_import, person_import.pk)
    return person_import


def _plan(person_import: PersonImport, *, report_progress: bool) -> imports.ImportPlan:
    columns, rows = imports.read_csv(bytes(person_import.content))

    def progress(done: int) -> None:
        PersonImport.objects.filter(pk=person_import.pk).update(rows_done=done)

    return imports.plan_import(
        columns,
        rows,
        _import_snapshot(person_import.program_id),
        today=timezone.localdate(),
        program_chosen=person_import.program_id is not None,
        progress=progress if report_progress else None,
    )


def _preview(plan: imports.ImportPlan) -> list[dict[str, Any]]:
    rows = [row for row in plan.rows if row.existing_id is None or row.changes]
    return [
        {
            "row": row.row,
            "email": row.email,
            "full_name": row.full_name,
            "action": "create" if row.existing_id is None else "update",
            "changes": row.changes,
            "role": row.role,
        }
        for row in rows[:PREVIEW_ROWS]
    ]


def person_import_check(*, person_import: PersonImport) -> PersonImport:
    """The dry run: what would be created, changed and rejected."""
    if person_import.status != ImportStatus.CHECKING:
        return person_import
    plan = _plan(person_import, report_progress=True)
    person_import.status = ImportStatus.REJECTED if plan.errors else ImportStatus.CHECKED
    person_import.summary = plan.summary()
    person_import.errors = [error.as_dict() for error in plan.errors[:ERRORS_KEPT]]
    person_import.preview = _preview(plan)
    person_import.rows_done = person_import.rows_total
    person_import.checked_at = timezone.now()
    person_import.save()
    return person_import


def person_import_commit_request(
    *, person_import: PersonImport, by: Person, invite: bool = True
) -> PersonImport:
    """Queue the writing of a checked import; with ``invite``, the people it
    creates are emailed an invitation to choose a password."""
    with transaction.atomic():
        updated = PersonImport.objects.filter(
            pk=person_import.pk, status=ImportStatus.CHECKED
        ).update(status=ImportStatus.IMPORTING, rows_done=0, invite_new_people=invite)
        if not updated:
            person_import.refresh_from_db()
            raise ValidationError(
                {
                    "status": "Only a checked file without errors can be imported; "
                    f"this one is {person_import.get_status_display().lower()}."
                }
            )
        from mentorship.people.tasks import commit_person_import

        enqueue_after_commit(commit_person_import, person_import.pk)
    person_import.refresh_from_db()
    return person_import


def person_import_commit(*, person_import: PersonImport) -> PersonImport:
    """Write the import in one transaction. The file is checked again against
    the company as it is now; if anything became invalid, nothing is written
    and the import shows the new errors."""
    if person_import.status != ImportStatus.IMPORTING:
        return person_import
    with transaction.atomic():
        plan = _plan(person_import, report_progress=False)
        if plan.errors:
            person_import.status = ImportStatus.REJECTED
            person_import.errors = [error.as_dict() for error in plan.errors[:ERRORS_KEPT]]
            person_import.summary = plan.summary()
            person_import.save()
            return person_import
        written = _write_import(plan, person_import)
        if person_import.invite_new_people:
            created = [row.email for row in plan.rows if row.existing_id is None]
            written["invited"] = invitations_send(
                people=Person.objects.filter(email__in=created),
                by=person_import.uploaded_by,
                reason=person_import,
            )
        person_import.status = ImportStatus.IMPORTED
        person_import.summary = {**plan.summary(), **written}
        person_import.rows_done = person_import.rows_total
        person_import.imported_at = timezone.now()
        person_import.save()
        audit_record(
            actor=person_import.uploaded_by,
            action="people.imported",
            target=person_import,
            program=person_import.program,
            data=person_import.summary,
        )
    return person_import


def _write_import(plan: imports.ImportPlan, person_import: PersonImport) -> dict[str, int]:
    Department.objects.bulk_create(
        [Department(name=name) for name in plan.new_departments], ignore_conflicts=True
    )
    department_ids = {name.lower(): pk for pk, name in Department.objects.values_list("pk", "name")}

    def department_id(row: imports.PlannedPerson) -> int | None:
        return department_ids[row.department.lower()] if row.department else None

    new = [row for row in plan.rows if row.existing_id is None]
    people = []
    for row in new:
        person = Person(
            email=row.email,
            full_name=row.full_name,
            title=row.title or "",
            department_id=department_id(row),
            time_zone=row.time_zone or "UTC",
            became_manager_on=row.became_manager_on,
        )
        person.set_unusable_password()
        people.append(person)
    Person.objects.bulk_create(people, batch_size=1000)

    ids = dict(
        Person.objects.filter(
            email__in={row.email for row in plan.rows}
            | {row.manager_email for row in plan.rows if row.manager_email}
        ).values_list("email", "pk")
    )
    changed = [row for row in plan.rows if row.existing_id is not None and row.changes]
    updates = []
    for row in changed:
        person = Person(pk=row.existing_id, email=row.email, full_name=row.full_name)
        person.title = row.title if row.title is not None else ""
        person.department_id = department_id(row)
        updates.append((row, person))
    simple_fields = {"full_name", "title", "department", "time_zone", "became_manager_on"}
    for field_name in simple_fields:
        touched = []
        for row, person in updates:
            if field_name not in row.changes:
                continue
            if field_name == "time_zone":
                person.time_zone = row.time_zone or "UTC"
            elif field_name == "became_manager_on":
                person.became_manager_on = row.became_manager_on
            touched.append(person)
        if touched:
            Person.objects.bulk_update(touched, [field_name], batch_size=1000)

    _write_managers(plan, ids)
    _write_expertise(plan, ids)
    return {
        "enrolled": _write_enrollments(plan, person_import, ids),
        "departments_created": len(plan.new_departments),
    }


def _write_managers(plan: imports.ImportPlan, ids: dict[str, int]) -> None:
    managed = []
    for row in plan.rows:
        if "manager_email" not in plan.columns:
            break
        if row.existing_id is not None and "manager_email" not in row.changes:
            continue
        if row.existing_id is None and not row.manager_email:
            continue
        managed.append(
            Person(
                pk=ids[row.email], manager_id=ids[row.manager_email] if row.manager_email else None
            )
        )
    if managed:
        Person.objects.bulk_update(managed, ["manager"], batch_size=1000)


def _write_expertise(plan: imports.ImportPlan, ids: dict[str, int]) -> None:
    through = Person.expertise.through
    with_expertise = [
        row
        for row in plan.rows
        if row.expertise is not None and (row.existing_id is None or "expertise" in row.changes)
    ]
    through.objects.filter(
        person_id__in=[row.existing_id for row in with_expertise if row.existing_id]
    ).delete()
    through.objects.bulk_create(
        [
            through(person_id=ids[row.email], competency_id=competency)
            for row in with_expertise
            for competency in sorted(row.expertise or ())
        ],
        batch_size=2000,
    )


def _write_enrollments(
    plan: imports.ImportPlan, person_import: PersonImport, ids: dict[str, int]
) -> int:
    if person_import.program_id is None:
        return 0
    from mentorship.programs.models import Enrollment

    to_enroll = [row for row in plan.rows if row.role]
    before = Enrollment.objects.filter(program_id=person_import.program_id).count()
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                program_id=person_import.program_id,
                person_id=ids[row.email],
                role=row.role,
                enrolled_by=person_import.uploaded_by,
            )
            for row in to_enroll
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return Enrollment.objects.filter(program_id=person_import.program_id).count() - before

"""Who takes part in a program, and as what."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from mentorship import access
from mentorship.audit.services import audit_record
from mentorship.pairings.models import Pairing, PairingStatus
from mentorship.people.models import Competency, Person
from mentorship.programs.models import (
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    Program,
    ProgramStatus,
)


def enrollment_create(
    *,
    program: Program,
    person: Person,
    role: str,
    by: Person | None,
    focus_competencies: Iterable[Competency] = (),
    capacity: int | None = None,
) -> Enrollment:
    if program.status == ProgramStatus.CLOSED:
        raise ValidationError({"program": "This program is closed; nobody can join it now."})
    if not person.is_active:
        raise ValidationError({"person": f"{person} has no active account."})
    if role != EnrollmentRole.MENTOR and capacity is not None:
        raise ValidationError({"capacity": "Only mentors have a capacity."})
    other_role = Enrollment.objects.filter(
        program=program, person=person, status=EnrollmentStatus.ACTIVE
    ).exclude(role=role)
    if other_role.exists():
        other = EnrollmentRole.MENTOR if role == EnrollmentRole.MENTEE else EnrollmentRole.MENTEE
        raise ValidationError(
            {"role": f"{person} is already a {other} in {program}; one role per program."}
        )
    withdrawn = Enrollment.objects.filter(
        program=program, person=person, role=role, status=EnrollmentStatus.WITHDRAWN
    ).first()
    if withdrawn is not None:
        # Coming back: the same enrollment, active again, with its focus
        # areas and capacity as they were unless new ones are given.
        focus = list(focus_competencies)
        with transaction.atomic():
            withdrawn.status = EnrollmentStatus.ACTIVE
            withdrawn.withdrawn_at = None
            withdrawn.withdrawn_reason = ""
            if capacity is not None:
                withdrawn.capacity = capacity
            withdrawn.save()
            if focus:
                withdrawn.focus_competencies.set(focus)
            audit_record(
                actor=by,
                action="enrollment.reactivated",
                target=withdrawn,
                program=program,
                data={"person": person.pk, "role": role},
            )
        return withdrawn
    enrollment = Enrollment(
        program=program, person=person, role=role, capacity=capacity, enrolled_by=by
    )
    enrollment.full_clean(exclude=["enrolled_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            enrollment.save()
            enrollment.focus_competencies.set(focus_competencies)
            audit_record(
                actor=by,
                action="enrollment.created",
                target=enrollment,
                program=program,
                data={"person": person.pk, "role": role},
            )
    except IntegrityError:
        raise ValidationError(
            {"person": f"{person} is already enrolled in {program} as a {role}."}
        ) from None
    return enrollment


class Keep(enum.Enum):
    """Leave a field of an update as it is (where ``None`` means something)."""

    KEEP = "keep"


def enrollment_update(
    *,
    enrollment: Enrollment,
    by: Person,
    focus_competencies: Iterable[Competency] | None = None,
    capacity: int | Literal[Keep.KEEP] | None = Keep.KEEP,
) -> Enrollment:
    """Change what a mentee wants to work on, or how many mentees a mentor
    takes here (``None``: their usual capacity). The program's admins may,
    and so may the person for their own enrollment. Pairings already made
    are not touched; the next matching run uses the new values."""

    own = enrollment.person_id == by.pk
    if not own and not access.administers(by, enrollment.program_id):
        raise PermissionDenied("Only the person and the program's admins change an enrollment.")
    errors: dict[str, str] = {}
    if focus_competencies is not None and enrollment.role != EnrollmentRole.MENTEE:
        errors["focus_competencies"] = "Only mentees have focus areas."
    if capacity is not Keep.KEEP and enrollment.role != EnrollmentRole.MENTOR:
        errors["capacity"] = "Only mentors have a capacity."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = (
            Enrollment.objects.select_for_update(of=("self",))
            .select_related("program", "person")
            .get(pk=enrollment.pk)
        )
        if locked.status == EnrollmentStatus.WITHDRAWN:
            raise ValidationError({"status": "This enrollment was withdrawn; enroll them again."})
        if locked.program.status == ProgramStatus.CLOSED:
            raise ValidationError({"program": "This program is closed."})
        changed: list[str] = []
        if focus_competencies is not None:
            chosen = list(focus_competencies)
            if {c.pk for c in chosen} != set(
                locked.focus_competencies.values_list("pk", flat=True)
            ):
                locked.focus_competencies.set(chosen)
                changed.append("focus_competencies")
        if capacity is not Keep.KEEP and capacity != locked.capacity:
            # Locked like an approval locks it, so the count cannot go stale.
            taken = (
                Pairing.objects.open()
                .filter(program_id=locked.program_id, mentor_id=locked.person_id)
                .count()
            )
            wanted = capacity if capacity is not None else locked.person.default_mentor_capacity
            if wanted < taken:
                mentees = f"{taken} mentee{'s' if taken != 1 else ''}"
                who, whose = ("You have", "your") if own else (f"{locked.person} has", "the")
                raise ValidationError(
                    {
                        "capacity": (
                            f"{who} {mentees} here now, counting proposals; "
                            f"{whose} capacity cannot go below {taken}."
                        )
                    }
                )
            locked.capacity = capacity
            locked.save(update_fields=["capacity", "updated_at"])
            changed.append("capacity")
        if changed:
            audit_record(
                actor=by,
                action="enrollment.updated",
                target=locked,
                program=locked.program,
                data={"person": locked.person_id, "fields": changed},
            )
    return locked


def enrollment_withdraw(*, enrollment: Enrollment, by: Person, reason: str) -> Enrollment:
    """Take someone out of a program, with the reason. Proposals waiting for
    them are declined; a live pairing must be ended first, deliberately."""

    if not access.administers(by, enrollment.program_id):
        raise PermissionDenied("Only the admins of this program can withdraw people from it.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why they leave the program."})
    side = "mentee" if enrollment.role == EnrollmentRole.MENTEE else "mentor"
    theirs = Pairing.objects.filter(
        program_id=enrollment.program_id, **{side: enrollment.person_id}
    )
    with transaction.atomic():
        locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if locked.status == EnrollmentStatus.WITHDRAWN:
            raise ValidationError({"status": "They have already been withdrawn."})
        live = theirs.live().count()
        if live:
            raise ValidationError(
                {
                    "status": (
                        f"They are in {live} live pairing{pluralize(live)} here; end those first."
                    )
                }
            )
        declined = theirs.filter(status=PairingStatus.PROPOSED).update(
            status=PairingStatus.DECLINED,
            closed_at=timezone.now(),
            close_reason=f"Withdrawn from the program: {reason.strip()}"[:500],
        )
        locked.status = EnrollmentStatus.WITHDRAWN
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_reason = reason.strip()
        locked.save(update_fields=["status", "withdrawn_at", "withdrawn_reason", "updated_at"])
        audit_record(
            actor=by,
            action="enrollment.withdrawn",
            target=locked,
            program=locked.program,
            data={"proposals_declined": declined},
        )
    return locked

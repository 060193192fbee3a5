"""Writes to programs and enrollments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from mentorship.audit.services import audit_record
from mentorship.people.models import Competency, Person
from mentorship.plans.models import OnboardingPlan
from mentorship.programs.models import Enrollment, EnrollmentRole, Program, ProgramStatus


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "program"
    slug, n = base, 2
    while Program.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def program_create(
    *,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    by: Person | None,
    plan: OnboardingPlan | None = None,
    description: str = "",
    admins: Iterable[Person] = (),
    **options: Any,
) -> Program:
    """A new program, in draft. ``options`` are the cadence, lead time,
    pairing length and matching weights (the model's field names)."""
    program = Program(
        name=name.strip(),
        slug=_unique_slug(name),
        description=description.strip(),
        plan=plan,
        starts_on=starts_on,
        ends_on=ends_on,
        status=ProgramStatus.DRAFT,
        **options,
    )
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "A program ends on or after the day it starts."})
    program.full_clean()
    with transaction.atomic():
        program.save()
        program.admins.set(admins)
        audit_record(actor=by, action="program.created", target=program, program=program)
    return program


def program_activate(*, program: Program, by: Person | None) -> Program:
    if program.status != ProgramStatus.DRAFT:
        raise ValidationError(
            {"status": f"Only a draft program can be opened; this one is {program.status}."}
        )
    if program.plan_id is None:
        raise ValidationError({"plan": "Choose an onboarding plan before opening the program."})
    with transaction.atomic():
        program.status = ProgramStatus.ACTIVE
        program.save(update_fields=["status", "updated_at"])
        audit_record(actor=by, action="program.activated", target=program, program=program)
    return program


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


def enrollment_capacity(enrollment: Enrollment) -> int:
    """How many mentees this mentor takes in this program."""
    if enrollment.capacity is not None:
        return enrollment.capacity
    return enrollment.person.default_mentor_capacity

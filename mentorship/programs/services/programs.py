"""A program's own life: a draft, changed, opened, closed, copied."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from mentorship import access
from mentorship.audit.services import audit_record
from mentorship.core.timezones import today_for
from mentorship.notifications.models import Notification, NotificationStatus
from mentorship.pairings.models import Pairing, PairingStatus
from mentorship.pairings.services.lifecycle import (
    pairing_activate,
    pairing_complete,
    pairing_end,
)
from mentorship.people.models import Person
from mentorship.plans.models import OnboardingPlan
from mentorship.programs.models import (
    WEIGHT_FIELDS,
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    Program,
    ProgramStatus,
)
from mentorship.programs.services.enrollments import enrollment_create


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "program"
    slug, n = base, 2
    while Program.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# What a program admin may set, and the bounds a person can be told about.
SETTINGS = (
    "name",
    "description",
    "plan",
    "starts_on",
    "ends_on",
    "checkin_cadence_days",
    "reminder_lead_days",
    "pairing_length_days",
    *WEIGHT_FIELDS,
)
# Copied field by field from the program a copy starts from, except these.
SKIP_ON_COPY = ("name", "description", "plan", "starts_on", "ends_on")
BOUNDS = {
    "checkin_cadence_days": (1, 90, "A check-in cadence is from 1 to 90 days."),
    "reminder_lead_days": (0, 30, "Reminders go out from 0 to 30 days before a milestone."),
    "pairing_length_days": (7, 730, "A pairing lasts from 7 days to two years."),
}


def _check(program: Program) -> None:
    """Every rule a program's settings obey, each message naming its field,
    all of them at once; then the model's own checks."""
    errors: dict[str, str] = {}
    if not program.name.strip():
        errors["name"] = "Give the program a name."
    if program.starts_on and program.ends_on and program.ends_on <= program.starts_on:
        errors["ends_on"] = "The program must end after it starts."
    for field, (low, high, message) in BOUNDS.items():
        value = getattr(program, field)
        if value is None or not low <= value <= high:
            errors[field] = message
    weights = [getattr(program, field) for field in WEIGHT_FIELDS]
    if any(w is None or not 0 <= w <= 1 for w in weights):
        errors["weight_competency"] = "Each matching weight is between 0 and 1."
    elif not any(w > 0 for w in weights):
        errors["weight_competency"] = "Give at least one matching weight above zero."
    if program.plan is not None and program.plan.is_archived:
        errors["plan"] = (
            f"{program.plan} has a newer version; choose the current one, or the plan will "
            "not be the one you last edited."
        )
    if program.status != ProgramStatus.DRAFT and program.plan_id is None:
        errors["plan"] = "A program that has opened keeps a plan."
    if errors:
        raise ValidationError(errors)
    program.full_clean(exclude=["slug"], validate_constraints=False)


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
    pairing length and matching weights (the model's field names). A program
    admin who creates one runs it; HR runs every program anyway."""
    if by is not None and not access.roles(by).is_program_admin:
        raise PermissionDenied("Only HR and program admins create programs.")
    unknown = set(options) - set(SETTINGS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Not a program setting."))
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
    _check(program)
    admins = list(admins)
    if by is not None and not access.is_hr(by) and by not in admins:
        admins.append(by)
    with transaction.atomic():
        program.save()
        program.admins.set(admins)
        audit_record(actor=by, action="program.created", target=program, program=program)
    return program


def program_update(
    *, program: Program, by: Person, admins: Iterable[Person] | None = None, **changes: Any
) -> Program:
    """Change a program's settings (the ``SETTINGS`` fields) or its admins.
    A closed program is history: copy it to start the next cohort. A new plan
    applies to the pairings that start from now on; those under way keep the
    milestones they were given."""
    access.require_administers(by, program)
    unknown = set(changes) - set(SETTINGS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Not a program setting."))
    with transaction.atomic():
        # of=self: the plan is an outer join, which PostgreSQL will not lock.
        locked = (
            Program.objects.select_for_update(of=("self",))
            .select_related("plan")
            .get(pk=program.pk)
        )
        if locked.status == ProgramStatus.CLOSED:
            raise ValidationError(
                {"status": "This program is closed; copy it to start the next cohort."}
            )
        changed = [name for name, value in changes.items() if getattr(locked, name) != value]
        for name in changed:
            value = changes[name]
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        _check(locked)
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
        if admins is not None:
            chosen = {person.pk: person for person in admins}
            before = set(locked.admins.values_list("pk", flat=True))
            if not access.is_hr(by) and by.pk not in chosen:
                raise ValidationError(
                    {"admins": "You cannot take yourself off; ask HR or another admin."}
                )
            if set(chosen) != before:
                locked.admins.set(chosen.values())
                changed.append("admins")
        if changed:
            audit_record(
                actor=by,
                action="program.updated",
                target=locked,
                program=locked,
                data={"fields": changed},
            )
    return locked


def _locked_in(program: Program, by: Person | None, status: str, refusal: str) -> Program:
    """The program, locked for a move of its status, if ``by`` runs it (None:
    Scaffold itself) and it is in ``status``; the refusal, in words, if not."""
    if by is not None:
        access.require_administers(by, program)
    locked = Program.objects.select_for_update().get(pk=program.pk)
    if locked.status != status:
        raise ValidationError({"status": f"{refusal}; this one is {locked.status}."})
    return locked


def program_activate(*, program: Program, by: Person | None) -> Program:
    """Open a draft program: the people enrolled see it, and the pairings
    approved while it was a draft start now (on their planned first day, or
    today if that has passed), each announced by its welcome email."""

    with transaction.atomic():
        locked = _locked_in(program, by, ProgramStatus.DRAFT, "Only a draft program can be opened")
        if locked.plan_id is None:
            raise ValidationError({"plan": "Choose an onboarding plan before opening the program."})
        today = timezone.localdate()
        if locked.ends_on < today:
            raise ValidationError(
                {"ends_on": f"The program ended on {locked.ends_on:%-d %B %Y}; move its dates."}
            )
        locked.status = ProgramStatus.ACTIVE
        locked.opened_at = timezone.now()
        locked.save(update_fields=["status", "opened_at", "updated_at"])
        approved = Pairing.objects.approved_to_start().filter(program=locked).order_by("pk")
        started = 0
        for pairing in approved.select_related("program", "mentee", "mentor"):
            pairing_activate(
                pairing=pairing, by=by, starts_on=max(pairing.starts_on or today, today)
            )
            started += 1
        audit_record(
            actor=by,
            action="program.activated",
            target=locked,
            program=locked,
            data={"pairings_started": started},
        )
    program.refresh_from_db()
    return program


@dataclass(frozen=True)
class Closing:
    """What closing a program does, counted before it happens."""

    pairings_completed: int
    pairings_ended: int
    proposals_declined: int
    reminders_cancelled: int


def _not_started(pairing: Pairing) -> bool:
    """Approved with a first day still ahead (in the mentee's time zone):
    closing ends it, as it never ran its course to complete."""
    return pairing.starts_after(today_for(pairing.mentee))


def _live_in(program: Program) -> list[Pairing]:
    return list(
        Pairing.objects.live().filter(program=program).select_related("mentee").order_by("pk")
    )


def program_closing(program: Program) -> Closing:
    """What closing the program would do now (shown before one confirms)."""

    live = _live_in(program)
    not_started = sum(1 for pairing in live if _not_started(pairing))
    return Closing(
        pairings_completed=len(live) - not_started,
        pairings_ended=not_started,
        proposals_declined=Pairing.objects.filter(
            program=program, status=PairingStatus.PROPOSED
        ).count(),
        reminders_cancelled=_unsent(program).count(),
    )


def _unsent(program: Program) -> QuerySet[Notification]:
    """The program's emails still waiting to go out that closing cancels:
    all but the feedback requests, which closing itself sets off."""
    return Notification.objects.filter(program=program, status=NotificationStatus.PENDING).exclude(
        kind="pairing_feedback"
    )


def program_close(*, program: Program, by: Person | None) -> Closing:
    """Close an open program: its live pairings are completed (and, as at
    any completion, both sides are asked for their feedback), those whose
    first day is still ahead are ended (no feedback asked), proposals
    still waiting are declined, and reminders not yet sent are cancelled.
    Nobody can join it afterwards; its history stays."""

    with transaction.atomic():
        locked = _locked_in(program, by, ProgramStatus.ACTIVE, "Only an open program can be closed")
        now = timezone.now()
        cancelled = _unsent(locked).update(
            status=NotificationStatus.CANCELLED,
            last_error="Not sent: the program closed first.",
        )
        completed = ended = 0
        for pairing in _live_in(locked):
            if _not_started(pairing):
                pairing_end(
                    pairing=pairing,
                    by=by,
                    reason="The program closed before the pairing started.",
                    when=now,
                )
                ended += 1
            else:
                pairing_complete(pairing=pairing, by=by, when=now)
                completed += 1
        declined = Pairing.objects.filter(program=locked, status=PairingStatus.PROPOSED).update(
            status=PairingStatus.DECLINED,
            closed_at=now,
            close_reason="The program closed.",
            updated_at=now,
        )
        locked.status = ProgramStatus.CLOSED
        locked.closed_at = now
        locked.save(update_fields=["status", "closed_at", "updated_at"])
        closing = Closing(completed, ended, declined, cancelled)
        audit_record(
            actor=by,
            action="program.closed",
            target=locked,
            program=locked,
            data={
                "pairings_completed": completed,
                "pairings_ended": ended,
                "proposals_declined": declined,
                "reminders_cancelled": cancelled,
            },
        )
    program.refresh_from_db()
    return closing


def program_copy(
    *,
    program: Program,
    by: Person,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    with_mentors: bool = False,
) -> Program:
    """The start of the next cohort: a new draft with this program's plan
    (its current version), cadence, lead time, pairing length, weights and
    admins; with ``with_mentors``, its mentors enrolled again with their
    capacities. Mentees and pairings are not copied."""
    access.require_administers(by, program)
    program = Program.objects.select_related("plan").get(pk=program.pk)
    plan = program.plan
    if plan is not None and plan.is_archived:
        plan = (
            OnboardingPlan.objects.filter(lineage=plan.lineage, is_archived=False)
            .order_by("-version")
            .first()
        )
    with transaction.atomic():
        copy = program_create(
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            by=by,
            plan=plan,
            description=program.description,
            admins=list(program.admins.all()),
            **{field: getattr(program, field) for field in SETTINGS if field not in SKIP_ON_COPY},
        )
        mentors = 0
        if with_mentors:
            for enrollment in Enrollment.objects.filter(
                program=program,
                role=EnrollmentRole.MENTOR,
                status=EnrollmentStatus.ACTIVE,
                person__is_active=True,
            ).select_related("person"):
                enrollment_create(
                    program=copy,
                    person=enrollment.person,
                    role=EnrollmentRole.MENTOR,
                    by=by,
                    capacity=enrollment.capacity,
                )
                mentors += 1
        audit_record(
            actor=by,
            action="program.copied",
            target=copy,
            program=copy,
            data={"from": program.pk, "mentors": mentors},
        )
    return copy

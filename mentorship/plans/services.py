"""Writes to onboarding plans.

Plans are versioned. Editing a plan nobody uses changes it in place. Editing
a plan in use (a program runs on it, or a pairing got milestones from it)
creates the next version in the same lineage: programs still open move to
it for the pairings they start from now on, while pairings under way keep the
milestones they were given, and the old version is archived, unchanged, as
the record of what they got.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from mentorship import access
from mentorship.audit.services import audit_record
from mentorship.pairings.models import Milestone
from mentorship.people.models import Competency, Person
from mentorship.plans.models import OnboardingPlan, PlanStep, StepAnchor, StepKind, StepOwner
from mentorship.plans.schedule import step_due_on
from mentorship.programs.models import Program, ProgramStatus


@dataclass(frozen=True)
class StepSpec:
    title: str
    offset_days: int
    description: str = ""
    competency: Competency | None = None
    owner: str = StepOwner.MENTEE
    kind: str = StepKind.MILESTONE
    anchor: str = StepAnchor.PAIRING_START
    # The step's place in the plan; None means "in the order given".
    position: int | None = None


def _build_steps(plan: OnboardingPlan, steps: Sequence[StepSpec]) -> list[PlanStep]:
    """Validate every step before anything is written. Errors are keyed
    ``steps[i].field`` (i: the step's index in what was sent), so a form or
    an API client can show each next to its field."""
    if not steps:
        raise ValidationError({"steps": "A plan needs at least one step."})
    positions = [
        spec.position if spec.position is not None else i for i, spec in enumerate(steps, 1)
    ]
    repeated = {p for p, n in Counter(positions).items() if n > 1}
    built: list[PlanStep] = []
    errors: dict[str, list[str]] = {}
    for index, (spec, position) in enumerate(zip(steps, positions, strict=True)):
        step = PlanStep(
            plan=plan,
            position=position,
            title=spec.title.strip(),
            description=spec.description.strip(),
            competency=spec.competency,
            owner=spec.owner,
            kind=spec.kind,
            offset_days=spec.offset_days,
            anchor=spec.anchor,
        )
        step_errors: dict[str, list[str]] = {}
        try:
            step.full_clean(exclude=["plan"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            step_errors.update(exc.message_dict)
        if spec.offset_days < 0:
            step_errors["offset_days"] = [
                "A step comes on or after its anchor date: use 0 or more days."
            ]
        if position in repeated:
            step_errors.setdefault("position", []).append(
                f"Another step also has position {position}; each step needs its own."
            )
        if position < 1:
            step_errors.setdefault("position", []).append("Positions start at 1.")
        for field, messages in step_errors.items():
            errors[f"steps[{index}].{field}"] = messages
        built.append(step)
    if errors:
        raise ValidationError(errors)
    return sorted(built, key=lambda s: s.position)


PLAN_NAME_MAX = OnboardingPlan._meta.get_field("name").max_length or 200


def _plan_fields(*, name: str, description: str) -> tuple[str, str]:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the plan a name."})
    if len(name) > PLAN_NAME_MAX:
        raise ValidationError({"name": f"Keep the name to {PLAN_NAME_MAX} characters."})
    return name, description.strip()


def _copy_name(name: str) -> str:
    """ "Copy of …", shortened with an ellipsis to fit a plan's name."""
    copy = f"Copy of {name}"
    return copy if len(copy) <= PLAN_NAME_MAX else copy[: PLAN_NAME_MAX - 1].rstrip() + "…"


def plan_create(
    *, name: str, steps: Sequence[StepSpec], by: Person | None, description: str = ""
) -> OnboardingPlan:
    name, description = _plan_fields(name=name, description=description)
    plan = OnboardingPlan(name=name, description=description, created_by=by)
    step_rows = _build_steps(plan, steps)
    with transaction.atomic():
        plan.save()
        for step in step_rows:
            step.plan = plan
        PlanStep.objects.bulk_create(step_rows)
        audit_record(actor=by, action="plan.created", target=plan, data={"steps": len(step_rows)})
    return plan


def plan_in_use(plan: OnboardingPlan) -> bool:

    return (
        Program.objects.filter(plan=plan).exists()
        or Milestone.objects.filter(plan_step__plan=plan).exists()
    )


def plan_update(
    *,
    plan: OnboardingPlan,
    name: str,
    steps: Sequence[StepSpec],
    by: Person | None,
    description: str = "",
) -> OnboardingPlan:
    """Replace a plan's name, description and steps. Returns the plan as it
    now stands: the same row, or the new version if the plan was in use."""

    name, description = _plan_fields(name=name, description=description)
    with transaction.atomic():
        locked = OnboardingPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.is_archived:
            raise ValidationError(
                {"plan": "This is an archived version; edit the current version of the plan."}
            )
        if not plan_in_use(locked):
            step_rows = _build_steps(locked, steps)
            locked.name, locked.description = name, description
            locked.save(update_fields=["name", "description", "updated_at"])
            locked.steps.all().delete()
            PlanStep.objects.bulk_create(step_rows)
            audit_record(
                actor=by, action="plan.edited", target=locked, data={"steps": len(step_rows)}
            )
            return locked

        # A new version moves every open program on the plan: only someone
        # who runs them all (or HR) may do that.
        if by is not None:
            not_theirs = list(
                Program.objects.filter(plan=locked)
                .exclude(status=ProgramStatus.CLOSED)
                .exclude(access.administers_q(by))
                .order_by("name")
                .values_list("name", flat=True)
            )
            if not_theirs:
                raise PermissionDenied(
                    "This plan is used by programs you do not run "
                    f"({', '.join(not_theirs)}): duplicate it to make your own, "
                    "or ask HR to change it."
                )
        successor = OnboardingPlan(
            name=name,
            description=description,
            lineage=locked.lineage,
            version=locked.version + 1,
            created_by=by,
        )
        step_rows = _build_steps(successor, steps)
        successor.save()
        for step in step_rows:
            step.plan = successor
        PlanStep.objects.bulk_create(step_rows)
        locked.is_archived = True
        locked.save(update_fields=["is_archived", "updated_at"])
        moved = list(
            Program.objects.filter(plan=locked)
            .exclude(status=ProgramStatus.CLOSED)
            .values_list("pk", flat=True)
        )
        Program.objects.filter(pk__in=moved).update(plan=successor)
        audit_record(
            actor=by,
            action="plan.versioned",
            target=successor,
            data={
                "previous": locked.pk,
                "version": successor.version,
                "steps": len(step_rows),
                "programs_moved": moved,
            },
        )
    return successor


def plan_duplicate(
    *, plan: OnboardingPlan, by: Person | None, name: str | None = None
) -> OnboardingPlan:
    """A new plan (its own lineage, version 1) with the same steps."""
    steps = [
        StepSpec(
            title=s.title,
            description=s.description,
            competency=s.competency,
            owner=s.owner,
            kind=s.kind,
            offset_days=s.offset_days,
            anchor=s.anchor,
            position=s.position,
        )
        for s in plan.steps.select_related("competency").order_by("position")
    ]
    copy = plan_create(
        name=name or _copy_name(plan.name), description=plan.description, steps=steps, by=by
    )
    audit_record(actor=by, action="plan.duplicated", target=copy, data={"from": plan.pk})
    return copy


@dataclass(frozen=True)
class PreviewRow:
    step: PlanStep
    due_on: dt.date


def plan_preview(
    plan: OnboardingPlan, *, starts_on: dt.date, promoted_on: dt.date | None = None
) -> list[PreviewRow]:
    """The due dates a pairing starting on ``starts_on`` would get."""
    rows = [
        PreviewRow(
            step=step, due_on=step_due_on(step, starts_on=starts_on, promoted_on=promoted_on)
        )
        for step in plan.steps.select_related("competency").order_by("position")
    ]
    return sorted(rows, key=lambda row: (row.due_on, row.step.position))

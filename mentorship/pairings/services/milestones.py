"""Milestones: a plan copied onto a pairing, and what the pair does with
its steps."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentorship import access
from mentorship.audit.services import audit_record
from mentorship.core.text_limits import text_too_long
from mentorship.core.timezones import today_for
from mentorship.notifications.links import ActionLink
from mentorship.notifications.models import SignedLinkUse
from mentorship.pairings.models import (
    Milestone,
    MilestoneStatus,
    Pairing,
)
from mentorship.pairings.summaries import tally_milestone_moved, tally_milestones_added, tally_state
from mentorship.people.models import Person
from mentorship.plans.models import SELF_COMPLETING_STEPS, PlanStep, StepKind
from mentorship.plans.schedule import step_due_on


def milestones_instantiate(*, pairing: Pairing) -> list[Milestone]:
    """Copy the program's plan onto the pairing. Idempotent: steps already
    copied are left alone, so running it twice creates nothing new."""
    plan_id = pairing.program.plan_id
    if plan_id is None or pairing.starts_on is None:
        return []
    promoted_on = pairing.mentee.became_manager_on
    # The caller holds the pairing's lock (pairing_activate), so no one
    # copies the plan beside us: what is not here yet is ours to add.
    copied = pairing.milestones.filter(plan_step__isnull=False).values("plan_step_id")
    steps = PlanStep.objects.filter(plan_id=plan_id).exclude(pk__in=copied).order_by("position")
    rows = [
        Milestone(
            pairing=pairing,
            plan_step=step,
            position=step.position,
            title=step.title,
            description=step.description,
            competency_id=step.competency_id,
            owner=step.owner,
            kind=step.kind,
            due_on=step_due_on(step, starts_on=pairing.starts_on, promoted_on=promoted_on),
        )
        for step in steps
    ]
    Milestone.objects.bulk_create(rows)
    tally_milestones_added(pairing, rows)
    return list(pairing.milestones.order_by("due_on", "position"))


# The longest note for the pair a closed milestone keeps (a TextField: the
# limit lives here, and forms and serializers say the same).
NOTE_MAX_LENGTH = 2000

SELF_COMPLETING_MESSAGE: dict[str, str] = {
    StepKind.UPWARD: "This step is done when its round of feedback opens, on its day.",
    StepKind.AGREEMENT: "This step is done when the new manager confirms the agreement.",
    StepKind.AGREEMENT_REVIEW: "This step is done when either side records the review.",
}


def _milestone_close(
    milestone: Milestone, status: str, *, by: Person | None, note: str, when: dt.datetime | None
) -> Milestone:
    if too_long := text_too_long("The note", note, NOTE_MAX_LENGTH):
        # Refused whole: the milestone stays open rather than lose the note.
        raise ValidationError({"note": too_long})
    with transaction.atomic():
        locked = (
            Milestone.objects.select_for_update()
            .select_related("pairing__program")
            .get(pk=milestone.pk)
        )
        if locked.status != MilestoneStatus.OPEN:
            raise ValidationError(
                {"status": f"This milestone is already {locked.get_status_display().lower()}."}
            )
        if (
            by is not None
            and status == MilestoneStatus.DONE
            and locked.kind in SELF_COMPLETING_STEPS
        ):
            raise ValidationError({"status": SELF_COMPLETING_MESSAGE[locked.kind]})
        was = tally_state(locked.status, locked.completed_at, locked.due_on)
        locked.status = status
        locked.completed_at = when or timezone.now()
        locked.completed_by = by
        locked.note = note.strip()
        locked.revision += 1
        locked.save(
            update_fields=[
                "status",
                "completed_at",
                "completed_by",
                "note",
                "revision",
                "updated_at",
            ]
        )
        tally_milestone_moved(locked, was=was)
        audit_record(
            actor=by,
            action=f"milestone.{'completed' if status == MilestoneStatus.DONE else 'skipped'}",
            target=locked,
            program=locked.pairing.program,
            data={"pairing": locked.pairing_id, "has_note": bool(locked.note)},
        )
    return locked


def milestone_complete(
    *, milestone: Milestone, by: Person | None, note: str = "", when: dt.datetime | None = None
) -> Milestone:
    return _milestone_close(milestone, MilestoneStatus.DONE, by=by, note=note, when=when)


def milestone_skip(
    *, milestone: Milestone, by: Person | None, note: str = "", when: dt.datetime | None = None
) -> Milestone:
    return _milestone_close(milestone, MilestoneStatus.SKIPPED, by=by, note=note, when=when)


def milestone_reopen(*, milestone: Milestone, by: Person | None) -> Milestone:
    with transaction.atomic():
        locked = (
            Milestone.objects.select_for_update()
            .select_related("pairing__program")
            .get(pk=milestone.pk)
        )
        if locked.status == MilestoneStatus.OPEN:
            raise ValidationError({"status": "This milestone is already open."})
        if locked.kind in SELF_COMPLETING_STEPS and locked.status == MilestoneStatus.DONE:
            raise ValidationError(
                {"status": "This step completed itself; there is nothing to do again."}
            )
        before = locked.status
        was = tally_state(locked.status, locked.completed_at, locked.due_on)
        locked.status = MilestoneStatus.OPEN
        locked.completed_at = None
        locked.completed_by = None
        locked.revision += 1
        locked.save(
            update_fields=["status", "completed_at", "completed_by", "revision", "updated_at"]
        )
        tally_milestone_moved(locked, was=was)
        audit_record(
            actor=by,
            action="milestone.reopened",
            target=locked,
            program=locked.pairing.program,
            data={"pairing": locked.pairing_id, "from": before},
        )
    return locked


SNOOZE_DAYS = 7


def milestone_snooze(
    *, milestone: Milestone, by: Person | None, days: int = SNOOZE_DAYS
) -> Milestone:
    """Hold this milestone's reminders for ``days`` days (from the snoozer's
    today). The due date does not move: the plan stays honest."""

    with transaction.atomic():
        locked = (
            Milestone.objects.select_for_update()
            .select_related("pairing__program")
            .get(pk=milestone.pk)
        )
        if locked.status != MilestoneStatus.OPEN:
            state = locked.get_status_display().lower()
            raise ValidationError({"status": f"This milestone is {state}; nothing to snooze."})
        locked.snoozed_until = today_for(by) + dt.timedelta(days=days)
        locked.save(update_fields=["snoozed_until", "updated_at"])
        audit_record(
            actor=by,
            action="milestone.snoozed",
            target=locked,
            program=locked.pairing.program,
            data={"pairing": locked.pairing_id, "until": locked.snoozed_until.isoformat()},
        )
    return locked


def milestone_require_member(*, milestone: Milestone, person: Person) -> None:
    """Only the pair acts on their milestones."""
    pairing = milestone.pairing
    access.require_member(
        person, pairing, "Only the mentor and the mentee act on their milestones."
    )
    if not pairing.is_live:
        state = pairing.get_status_display().lower()
        raise ValidationError({"pairing": f"This pairing is {state}; its plan is closed."})


class LinkAlreadyUsed(Exception):  # noqa: N818 -- names the page it leads to
    pass


def milestone_act_from_email(
    *, link: ActionLink, person: Person, milestone: Milestone, note: str = ""
) -> Milestone:
    """A one-click link from a reminder: mark done or snooze, as the person
    it was sent to. Works once; a second use raises LinkAlreadyUsed."""

    if link.person_id != person.pk or link.object_id != milestone.pk:
        raise PermissionDenied("This link is for someone else.")
    with transaction.atomic():
        try:
            with transaction.atomic():
                SignedLinkUse.objects.create(digest=link.digest, person=person)
        except IntegrityError:
            raise LinkAlreadyUsed from None
        milestone_require_member(milestone=milestone, person=person)
        if link.action == "milestone_done":
            return milestone_complete(milestone=milestone, by=person, note=note)
        return milestone_snooze(milestone=milestone, by=person)

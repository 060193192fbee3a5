"""Writes to pairings and their milestones.

The pairing state machine lives here and only here: ``TRANSITIONS`` says
which moves are legal, and every move goes through ``_transition``, which
locks the row, refuses an illegal move with a message a person can act on,
and writes the audit event.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from mentorship.audit.services import audit_record
from mentorship.notifications.links import ActionLink
from mentorship.pairings.matching import assign_cohort
from mentorship.pairings.models import (
    OPEN_PAIRING_STATUSES,
    REPLACED_BY_MATCHING,
    UNFINISHED_RUN_STATUSES,
    ChangeRequestKind,
    ChangeRequestStatus,
    Feedback,
    MatchingRun,
    MatchingRunStatus,
    Milestone,
    MilestoneStatus,
    Pairing,
    PairingChangeRequest,
    PairingOutcome,
    PairingSource,
    PairingStatus,
)
from mentorship.people.models import Person
from mentorship.people.selectors import managers_above
from mentorship.plans.models import PlanStep
from mentorship.plans.schedule import step_due_on
from mentorship.programs.models import (
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    Program,
    ProgramStatus,
)
from mentorship.programs.services import enrollment_capacity

logger = logging.getLogger(__name__)

TRANSITIONS: dict[str, set[str]] = {
    PairingStatus.PROPOSED: {PairingStatus.ACTIVE, PairingStatus.DECLINED},
    PairingStatus.ACTIVE: {PairingStatus.PAUSED, PairingStatus.COMPLETED, PairingStatus.ENDED},
    PairingStatus.PAUSED: {PairingStatus.ACTIVE, PairingStatus.COMPLETED, PairingStatus.ENDED},
    PairingStatus.COMPLETED: set(),
    PairingStatus.ENDED: set(),
    PairingStatus.DECLINED: set(),
}


# --------------------------------------------------------------------------
# Hard rules


def _active_enrollment(program: Program, person: Person, role: str) -> Enrollment | None:
    return Enrollment.objects.filter(
        program=program, person=person, role=role, status=EnrollmentStatus.ACTIVE
    ).first()


def pairing_rule_violations(*, program: Program, mentee: Person, mentor: Person) -> list[str]:
    """Every hard rule this pair would break, in words; empty if allowed.
    (Capacity is checked separately, under a lock.)"""
    problems = []
    if mentee.pk == mentor.pk:
        problems.append("A person cannot mentor themselves.")
        return problems
    if not mentee.is_active or not mentor.is_active:
        problems.append("Both people need active accounts.")
    if _active_enrollment(program, mentee, EnrollmentRole.MENTEE) is None:
        problems.append(f"{mentee} is not enrolled as a mentee in {program}.")
    if _active_enrollment(program, mentor, EnrollmentRole.MENTOR) is None:
        problems.append(f"{mentor} is not enrolled as a mentor in {program}.")
    if mentor.pk in managers_above(mentee):
        problems.append(f"{mentor} is in {mentee}'s management chain.")
    if mentee.pk in managers_above(mentor):
        problems.append(f"{mentee} is in {mentor}'s management chain.")
    return problems


def _lock_mentor_capacity(*, program: Program, mentor: Person, exclude: Pairing | None) -> None:
    """Lock the mentor's enrollment row, then count. Two approvals for the
    same mentor queue on the lock, so capacity holds under concurrency."""
    enrollment = (
        Enrollment.objects.select_for_update()
        .select_related("person")
        .filter(program=program, person=mentor, role=EnrollmentRole.MENTOR)
        .first()
    )
    if enrollment is None:
        raise ValidationError({"mentor": f"{mentor} is not enrolled as a mentor in {program}."})
    taken = Pairing.objects.filter(program=program, mentor=mentor, status__in=OPEN_PAIRING_STATUSES)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    capacity = enrollment_capacity(enrollment)
    if taken.count() >= capacity:
        raise ValidationError(
            {
                "mentor": (
                    f"{mentor} is at capacity: {capacity} mentee{pluralize(capacity)} "
                    "in this program."
                )
            }
        )


# --------------------------------------------------------------------------
# Lifecycle


def pairing_propose(
    *,
    program: Program,
    mentee: Person,
    mentor: Person,
    by: Person | None,
    source: str = PairingSource.MANUAL,
    match_score: float | None = None,
    match_explanation: list[dict[str, Any]] | None = None,
) -> Pairing:
    if program.status != ProgramStatus.ACTIVE:
        raise ValidationError({"program": "Pairings can only be made in an active program."})
    problems = pairing_rule_violations(program=program, mentee=mentee, mentor=mentor)
    if problems:
        raise ValidationError({"mentor": problems})
    with transaction.atomic():
        _lock_mentor_capacity(program=program, mentor=mentor, exclude=None)
        if Pairing.objects.filter(
            program=program, mentee=mentee, status__in=OPEN_PAIRING_STATUSES
        ).exists():
            raise ValidationError(
                {"mentee": f"{mentee} already has an open pairing in this program."}
            )
        pairing = Pairing.objects.create(
            program=program,
            mentee=mentee,
            mentor=mentor,
            source=source,
            match_score=match_score,
            match_explanation=match_explanation or [],
            requested_by=by,
        )
        audit_record(
            actor=by,
            action="pairing.proposed",
            target=pairing,
            program=program,
            data={"mentee": mentee.pk, "mentor": mentor.pk, "source": source},
        )
    return pairing


def _cancel_pending_reminders(pairing: Pairing) -> int:
    """A closed pairing needs no more milestone reminders; say so in the log
    rather than leave them pending until their turn."""
    from mentorship.notifications.models import Notification, NotificationStatus

    return (
        Notification.objects.filter(pairing=pairing, status=NotificationStatus.PENDING)
        .exclude(kind="pairing_feedback")
        .update(
            status=NotificationStatus.CANCELLED,
            last_error="Not sent: the pairing closed first.",
        )
    )


def _with_article(word: str) -> str:
    return f"{'An' if word[:1] in 'aeiou' else 'A'} {word}"


def _transition(
    pairing: Pairing,
    to: str,
    *,
    by: Person | None,
    data: dict[str, Any] | None = None,
    **fields: Any,
) -> Pairing:
    with transaction.atomic():
        locked = Pairing.objects.select_for_update().get(pk=pairing.pk)
        if to not in TRANSITIONS[locked.status]:
            raise ValidationError(
                {
                    "status": (
                        f"{_with_article(locked.get_status_display().lower())} pairing "
                        f"cannot become {PairingStatus(to).label.lower()}."
                    )
                }
            )
        before = locked.status
        locked.status = to
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=["status", "updated_at", *fields])
        if to in (PairingStatus.COMPLETED, PairingStatus.ENDED):
            _cancel_pending_reminders(locked)
        audit_record(
            actor=by,
            action=f"pairing.{to}",
            target=locked,
            program=locked.program,
            data={"from": before, "to": to, **(data or {})},
        )
    return locked


def pairing_activate(
    *,
    pairing: Pairing,
    by: Person | None,
    starts_on: dt.date | None = None,
    when: dt.datetime | None = None,
) -> Pairing:
    """Approve a proposal: the pairing starts, and its plan is copied onto
    it. The welcome email follows from the next reminder sweep."""
    starts_on = starts_on or timezone.localdate()
    with transaction.atomic():
        if pairing.status == PairingStatus.PROPOSED:
            # Proposals already hold their slot; re-check in case capacity shrank.
            _lock_mentor_capacity(program=pairing.program, mentor=pairing.mentor, exclude=pairing)
        ends_on = starts_on + dt.timedelta(days=pairing.program.pairing_length_days)
        activated = _transition(
            pairing,
            PairingStatus.ACTIVE,
            by=by,
            starts_on=starts_on,
            ends_on=ends_on,
            activated_at=when or timezone.now(),
        )
        milestones_instantiate(pairing=activated)
    return activated


def pairing_decline(*, pairing: Pairing, by: Person | None, reason: str) -> Pairing:
    if not reason.strip():
        raise ValidationError({"reason": "Say why you decline this proposal."})
    return _transition(
        pairing,
        PairingStatus.DECLINED,
        by=by,
        close_reason=reason.strip(),
        closed_at=timezone.now(),
    )


def pairing_pause(*, pairing: Pairing, by: Person | None, reason: str) -> Pairing:
    return _transition(pairing, PairingStatus.PAUSED, by=by, close_reason=reason)


def pairing_resume(*, pairing: Pairing, by: Person | None) -> Pairing:
    return _transition(
        pairing, PairingStatus.ACTIVE, by=by, close_reason="", resumed_at=timezone.now()
    )


def pairing_complete(
    *, pairing: Pairing, by: Person | None, outcome: str = "", when: dt.datetime | None = None
) -> Pairing:
    _check_outcome(outcome)
    return _transition(
        pairing,
        PairingStatus.COMPLETED,
        by=by,
        data={"outcome": outcome},
        outcome=outcome,
        closed_at=when or timezone.now(),
    )


def pairing_end(
    *,
    pairing: Pairing,
    by: Person | None,
    reason: str,
    outcome: str = "",
    when: dt.datetime | None = None,
) -> Pairing:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the pairing ends early."})
    _check_outcome(outcome)
    return _transition(
        pairing,
        PairingStatus.ENDED,
        by=by,
        data={"outcome": outcome},
        outcome=outcome,
        close_reason=reason.strip(),
        closed_at=when or timezone.now(),
    )


def _check_outcome(outcome: str) -> None:
    if outcome and outcome not in PairingOutcome.values:
        raise ValidationError({"outcome": f"Choose one of: {', '.join(PairingOutcome.values)}."})


# --------------------------------------------------------------------------
# Milestones


def milestones_instantiate(*, pairing: Pairing) -> list[Milestone]:
    """Copy the program's plan onto the pairing. Idempotent: steps already
    copied are left alone, so running it twice creates nothing new."""
    plan_id = pairing.program.plan_id
    if plan_id is None or pairing.starts_on is None:
        return []
    promoted_on = pairing.mentee.became_manager_on
    steps = PlanStep.objects.filter(plan_id=plan_id).order_by("position")
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
    # The (pairing, plan_step) constraint turns a second run into no-ops.
    Milestone.objects.bulk_create(rows, ignore_conflicts=True)
    return list(pairing.milestones.order_by("due_on", "position"))


def _milestone_close(
    milestone: Milestone, status: str, *, by: Person | None, note: str, when: dt.datetime | None
) -> Milestone:
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
        before = locked.status
        locked.status = MilestoneStatus.OPEN
        locked.completed_at = None
        locked.completed_by = None
        locked.revision += 1
        locked.save(
            update_fields=["status", "completed_at", "completed_by", "revision", "updated_at"]
        )
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
    from mentorship.core.timezones import today_for

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
    if person.pk not in (pairing.mentee_id, pairing.mentor_id):
        raise PermissionDenied("Only the mentor and the mentee act on their milestones.")
    if pairing.status not in (PairingStatus.ACTIVE, PairingStatus.PAUSED):
        state = pairing.get_status_display().lower()
        raise ValidationError({"pairing": f"This pairing is {state}; its plan is closed."})


class LinkAlreadyUsed(Exception):  # noqa: N818 -- names the page it leads to
    pass


def milestone_act_from_email(
    *, link: ActionLink, person: Person, milestone: Milestone, note: str = ""
) -> Milestone:
    """A one-click link from a reminder: mark done or snooze, as the person
    it was sent to. Works once; a second use raises LinkAlreadyUsed."""
    from mentorship.notifications.models import SignedLinkUse

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


# --------------------------------------------------------------------------
# Matching

# How many mentors a waiting mentee is offered to choose from.
RECOMMENDATIONS = 3
# A run still unfinished after this long lost its worker without a redelivery.
MATCHING_RUN_STALE_AFTER = dt.timedelta(minutes=15)


def require_program_admin(program: Program, by: Person) -> None:
    from mentorship.programs.selectors import programs_administered_by

    if not programs_administered_by(by).filter(pk=program.pk).exists():
        raise PermissionDenied("Only the admins of this program can do that.")


def matching_request(*, program: Program, by: Person) -> MatchingRun:
    """Queue a matching run for the program; a worker does the work."""
    require_program_admin(program, by)
    if program.status != ProgramStatus.ACTIVE:
        raise ValidationError({"program": "Matching runs only in an active program."})
    with transaction.atomic():
        MatchingRun.objects.filter(
            program=program,
            status__in=UNFINISHED_RUN_STATUSES,
            created_at__lt=timezone.now() - MATCHING_RUN_STALE_AFTER,
        ).update(
            status=MatchingRunStatus.FAILED,
            finished_at=timezone.now(),
            error="The worker running it stopped; start a new run.",
        )
        try:
            with transaction.atomic():
                run = MatchingRun.objects.create(program=program, requested_by=by)
        except IntegrityError:
            raise ValidationError(
                {"program": "Matching is already running for this program; wait for it."}
            ) from None
        audit_record(actor=by, action="matching.requested", target=run, program=program)
        from mentorship.core.tasks import enqueue_after_commit
        from mentorship.pairings.tasks import run_matching

        enqueue_after_commit(run_matching, run.pk)
    return run


def _stage(run: MatchingRun, stage: str) -> None:
    # Written outside the run's transaction so the page can show it.
    MatchingRun.objects.filter(pk=run.pk).update(stage=stage, updated_at=timezone.now())


def matching_execute(*, run: MatchingRun, now: dt.datetime | None = None) -> MatchingRun:
    """Run the engine over the program's cohort and write its proposals.

    Everything is one transaction that locks the program's mentor
    enrollments first, so approvals and manual proposals wait for it and
    capacity holds. Proposals of an earlier run that are still waiting for
    approval are replaced; approved pairings are never touched.
    """
    from mentorship.pairings.selectors import matching_cohort

    if run.status in (MatchingRunStatus.DONE, MatchingRunStatus.FAILED):
        return run
    now = now or timezone.now()
    MatchingRun.objects.filter(pk=run.pk).update(
        status=MatchingRunStatus.RUNNING, started_at=now, stage="Loading the cohort"
    )
    program = run.program
    started = dt.datetime.now(dt.UTC)
    try:
        with transaction.atomic():
            list(
                Enrollment.objects.select_for_update()
                .filter(program=program, role=EnrollmentRole.MENTOR)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            replaced = Pairing.objects.filter(
                program=program, status=PairingStatus.PROPOSED, source=PairingSource.MATCHING
            ).update(
                status=PairingStatus.DECLINED,
                closed_at=now,
                close_reason=REPLACED_BY_MATCHING,
                updated_at=now,
            )
            cohort = matching_cohort(program, now=now)
            _stage(
                run, f"Matching {len(cohort.mentees)} mentees with {len(cohort.mentors)} mentors"
            )
            result = assign_cohort(
                cohort.mentees, cohort.mentors, cohort.weights, cohort.competency_names
            )
            _stage(run, f"Saving {len(result.proposals)} proposals")
            Pairing.objects.bulk_create(
                [
                    Pairing(
                        program=program,
                        mentee_id=proposal.mentee_id,
                        mentor_id=proposal.mentor_id,
                        source=PairingSource.MATCHING,
                        match_score=proposal.score,
                        match_explanation=[part.as_dict() for part in proposal.parts],
                        requested_by=run.requested_by,
                    )
                    for proposal in result.proposals
                ],
                batch_size=1000,
            )
            names = {mentee.id: mentee.name for mentee in cohort.mentees}
            run.status = MatchingRunStatus.DONE
            run.stage = ""
            run.started_at = now
            run.finished_at = timezone.now()
            run.mentees_considered = len(cohort.mentees)
            run.mentors_considered = len(cohort.mentors)
            run.proposals_made = len(result.proposals)
            run.proposals_replaced = replaced
            run.total_score = round(result.total_score, 4)
            run.unmatched = [
                {"mentee": u.mentee_id, "name": names[u.mentee_id], "reason": u.reason}
                for u in result.unmatched
            ]
            run.save()
            audit_record(
                actor=run.requested_by,
                action="matching.done",
                target=run,
                program=program,
                data={
                    "proposals": run.proposals_made,
                    "replaced": replaced,
                    "unmatched": len(run.unmatched),
                    "seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 3),
                },
            )
    except Exception as exc:
        logger.exception("Matching run %s failed", run.pk)
        MatchingRun.objects.filter(pk=run.pk).update(
            status=MatchingRunStatus.FAILED,
            finished_at=timezone.now(),
            stage="",
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        run.refresh_from_db()
    return run


def pairing_approve(*, pairing: Pairing, by: Person, starts_on: dt.date | None = None) -> Pairing:
    """A program admin approves a proposal (from matching or a mentee's
    request): it becomes active, its plan is copied and the welcome follows."""
    require_program_admin(pairing.program, by)
    return pairing_activate(pairing=pairing, by=by, starts_on=starts_on)


def proposals_approve_all(
    *, program: Program, by: Person, starts_on: dt.date | None = None
) -> tuple[int, list[str]]:
    """Approve every waiting proposal; each on its own, so one that breaks a
    rule (say, a capacity lowered since) is reported and the rest go ahead."""
    require_program_admin(program, by)
    approved, problems = 0, []
    waiting = Pairing.objects.filter(program=program, status=PairingStatus.PROPOSED).select_related(
        "program", "mentee", "mentor"
    )
    for pairing in waiting.order_by("pk"):
        try:
            pairing_activate(pairing=pairing, by=by, starts_on=starts_on)
        except ValidationError as exc:
            problems.append(f"{pairing.mentee} with {pairing.mentor}: {'; '.join(exc.messages)}")
        else:
            approved += 1
    return approved, problems


def pairing_replace_mentor(*, pairing: Pairing, mentor: Person, by: Person) -> Pairing:
    """Give a proposal another mentor, chosen from the feasible alternatives;
    the score and explanation are those of the new pair."""
    from mentorship.pairings.selectors import mentor_alternatives

    require_program_admin(pairing.program, by)
    if pairing.status != PairingStatus.PROPOSED:
        raise ValidationError({"status": "Only a proposal can get another mentor."})
    if mentor.pk == pairing.mentor_id:
        return pairing
    problems = pairing_rule_violations(
        program=pairing.program, mentee=pairing.mentee, mentor=mentor
    )
    if problems:
        raise ValidationError({"mentor": problems})
    with transaction.atomic():
        _lock_mentor_capacity(program=pairing.program, mentor=mentor, exclude=pairing)
        locked = Pairing.objects.select_for_update().get(pk=pairing.pk)
        if locked.status != PairingStatus.PROPOSED:
            raise ValidationError({"status": "Only a proposal can get another mentor."})
        scored = {p.mentor_id: p for p in mentor_alternatives(locked, limit=None)}
        proposal = scored.get(mentor.pk)
        before = locked.mentor_id
        locked.mentor = mentor
        # HR's own choice now: a later matching run leaves it in place.
        locked.source = PairingSource.MANUAL
        locked.match_score = proposal.score if proposal else None
        locked.match_explanation = [part.as_dict() for part in proposal.parts] if proposal else []
        locked.save(
            update_fields=["mentor", "source", "match_score", "match_explanation", "updated_at"]
        )
        audit_record(
            actor=by,
            action="pairing.mentor_replaced",
            target=locked,
            program=locked.program,
            data={"from": before, "to": mentor.pk},
        )
    return locked


# --------------------------------------------------------------------------
# End of a pairing


def pairings_complete_past_end(*, now: dt.datetime | None = None) -> int:
    """Beat: complete every live pairing whose last day has passed. Each is
    its own audited transition; the feedback request email follows from the
    next reminder sweep."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    finished = Pairing.objects.filter(
        status__in=[PairingStatus.ACTIVE, PairingStatus.PAUSED], ends_on__lt=today
    ).order_by("pk")
    done = 0
    for pairing in finished.iterator(chunk_size=500):
        try:
            pairing_complete(pairing=pairing, by=None, when=now)
        except ValidationError:
            continue  # changed by someone else meanwhile: nothing to do
        done += 1
    if done:
        logger.info("Completed %s pairing(s) past their end date", done)
    return done


def feedback_submit(*, pairing: Pairing, author: Person, rating: int, comment: str) -> Feedback:
    """One side's end-of-pairing rating (1–5) and comment, once."""
    if author.pk not in (pairing.mentee_id, pairing.mentor_id):
        raise PermissionDenied("Only the mentor and the mentee rate their pairing.")
    if pairing.status not in (PairingStatus.COMPLETED, PairingStatus.ENDED):
        raise ValidationError({"pairing": "Feedback opens when the pairing has ended."})
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": "Rate the pairing from 1 to 5."})
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                pairing=pairing, author=author, rating=rating, comment=comment.strip()
            )
            audit_record(
                actor=author,
                action="pairing.feedback",
                target=pairing,
                program=pairing.program,
                data={"rating": rating},
            )
    except IntegrityError:
        raise ValidationError({"rating": "You have already rated this pairing."}) from None
    return feedback


# --------------------------------------------------------------------------
# Requests from the pair, and the outcome


def change_request_open(
    *, pairing: Pairing, by: Person, kind: str, reason: str
) -> PairingChangeRequest:
    """The mentor or the mentee asks the program admins to pause or end
    their pairing; the admins decide."""
    if by.pk not in (pairing.mentee_id, pairing.mentor_id):
        raise PermissionDenied("Only the mentor and the mentee can ask for this.")
    if kind not in ChangeRequestKind.values:
        raise ValidationError({"kind": "Ask to pause or to end the pairing."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why, so the program admins can help."})
    allowed_from = {
        ChangeRequestKind.PAUSE: (PairingStatus.ACTIVE,),
        ChangeRequestKind.END: (PairingStatus.ACTIVE, PairingStatus.PAUSED),
    }[ChangeRequestKind(kind)]
    if pairing.status not in allowed_from:
        raise ValidationError(
            {
                "kind": f"{_with_article(pairing.get_status_display().lower())} pairing "
                f"cannot be {'paused' if kind == ChangeRequestKind.PAUSE else 'ended'}."
            }
        )
    try:
        with transaction.atomic():
            request = PairingChangeRequest.objects.create(
                pairing=pairing, kind=kind, requested_by=by, reason=reason.strip()
            )
            audit_record(
                actor=by,
                action=f"pairing.{kind}_requested",
                target=pairing,
                program=pairing.program,
                data={"request": request.pk},
            )
    except IntegrityError:
        raise ValidationError(
            {"kind": "There is already an open request of this kind for this pairing."}
        ) from None
    return request


def change_request_decide(
    *, change_request: PairingChangeRequest, by: Person, approve: bool, note: str = ""
) -> PairingChangeRequest:
    """A program admin approves (the pairing is paused or ended, with the
    requester's reason) or declines (with a note) a request from the pair."""
    pairing = change_request.pairing
    require_program_admin(pairing.program, by)
    if not approve and not note.strip():
        raise ValidationError({"note": "Say why you decline, for the person who asked."})
    with transaction.atomic():
        locked = PairingChangeRequest.objects.select_for_update().get(pk=change_request.pk)
        if locked.status != ChangeRequestStatus.OPEN:
            raise ValidationError(
                {"status": f"This request is already {locked.get_status_display().lower()}."}
            )
        if approve:
            if locked.kind == ChangeRequestKind.PAUSE:
                pairing_pause(pairing=pairing, by=by, reason=locked.reason)
            else:
                pairing_end(pairing=pairing, by=by, reason=locked.reason)
        locked.status = ChangeRequestStatus.APPROVED if approve else ChangeRequestStatus.DECLINED
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.decision_note = note.strip()
        locked.save(
            update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"]
        )
        audit_record(
            actor=by,
            action=f"pairing.{locked.kind}_request_{locked.status}",
            target=pairing,
            program=pairing.program,
            data={"request": locked.pk},
        )
    return locked


def pairing_record_outcome(*, pairing: Pairing, by: Person, outcome: str) -> Pairing:
    """HR records how a closed pairing turned out."""
    require_program_admin(pairing.program, by)
    if pairing.status not in (PairingStatus.COMPLETED, PairingStatus.ENDED):
        raise ValidationError({"outcome": "The outcome is recorded once the pairing has closed."})
    if outcome not in PairingOutcome.values:
        raise ValidationError({"outcome": f"Choose one of: {', '.join(PairingOutcome.values)}."})
    with transaction.atomic():
        before = pairing.outcome
        pairing.outcome = outcome
        pairing.save(update_fields=["outcome", "updated_at"])
        audit_record(
            actor=by,
            action="pairing.outcome_recorded",
            target=pairing,
            program=pairing.program,
            data={"from": before, "to": outcome},
        )
    return pairing


def pairing_request(*, program: Program, mentee: Person, mentor: Person) -> Pairing:
    """A mentee asks for one of their recommended mentors. The request is a
    proposal like any other: a program admin approves or declines it."""
    from mentorship.pairings.selectors import mentor_recommendations

    recommended = {
        p.mentor_id: p for p in mentor_recommendations(mentee, program, limit=RECOMMENDATIONS)
    }
    proposal = recommended.get(mentor.pk)
    if proposal is None:
        raise ValidationError(
            {"mentor": f"{mentor} is not among the mentors recommended for you in {program}."}
        )
    return pairing_propose(
        program=program,
        mentee=mentee,
        mentor=mentor,
        by=mentee,
        source=PairingSource.REQUEST,
        match_score=proposal.score,
        match_explanation=[part.as_dict() for part in proposal.parts],
    )

"""Matching runs, their proposals and the approvals that start pairings;
a waiting mentee's own request."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentorship import access
from mentorship.audit.services import audit_record
from mentorship.core.tasks import enqueue_after_commit
from mentorship.core.timezones import today_for
from mentorship.pairings import tasks as pairing_tasks
from mentorship.pairings.matching import assign_cohort
from mentorship.pairings.models import (
    REPLACED_BY_MATCHING,
    UNFINISHED_RUN_STATUSES,
    MatchingRun,
    MatchingRunStatus,
    Pairing,
    PairingSource,
    PairingStatus,
)
from mentorship.pairings.selectors import (
    matching_cohort,
    mentor_alternatives,
    mentor_recommendations,
)
from mentorship.pairings.services.lifecycle import (
    lock_mentor_capacity,
    pairing_activate,
    pairing_end,
    pairing_propose,
    pairing_rule_violations,
)
from mentorship.people.models import Person
from mentorship.programs.models import (
    Enrollment,
    EnrollmentRole,
    Program,
    ProgramStatus,
)

logger = logging.getLogger(__name__)


# How many mentors a waiting mentee is offered to choose from.
RECOMMENDATIONS = 3
# A run still unfinished after this long lost its worker without a redelivery.
MATCHING_RUN_STALE_AFTER = dt.timedelta(minutes=15)


def matching_request(*, program: Program, by: Person) -> MatchingRun:
    """Queue a matching run for the program; a worker does the work."""
    access.require_administers(by, program)
    if program.status == ProgramStatus.CLOSED:
        raise ValidationError({"program": "This program is closed; matching is over."})
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

        enqueue_after_commit(
            pairing_tasks.run_matching, run.pk, on_refused=partial(_run_not_started, run.pk)
        )
    return run


def _run_not_started(run_id: int) -> None:
    """The broker would not take the run: it is over before it began, so
    it holds no program's place and a new run can start at once."""
    MatchingRun.objects.filter(pk=run_id, status=MatchingRunStatus.QUEUED).update(
        status=MatchingRunStatus.FAILED,
        finished_at=timezone.now(),
        error="It could not be started: the task queue did not answer. Start a new run.",
    )


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

    if run.is_finished:
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
            replaced = (
                Pairing.objects.waiting_for_approval()
                .filter(program=program, source=PairingSource.MATCHING)
                .update(
                    status=PairingStatus.DECLINED,
                    closed_at=now,
                    close_reason=REPLACED_BY_MATCHING,
                    updated_at=now,
                )
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


def first_day_bounds(program: Program, by: Person) -> tuple[dt.date, dt.date]:
    """The first days a pairing approved now may have: from the later of the
    approver's today and the program's start, to the program's end."""
    return max(today_for(by), program.starts_on), program.ends_on


def _first_day(program: Program, by: Person, starts_on: dt.date | None) -> dt.date:
    earliest, latest = first_day_bounds(program, by)
    if starts_on is None:
        return earliest
    if starts_on < today_for(by):
        raise ValidationError(
            {
                "starts_on": "The first day cannot be in the past; "
                f"pick {earliest:%-d %B %Y} or later."
            }
        )
    if starts_on < program.starts_on:
        raise ValidationError(
            {
                "starts_on": (
                    f"The program starts on {program.starts_on:%-d %B %Y}; "
                    "a pairing cannot start before it."
                )
            }
        )
    if starts_on > latest:
        raise ValidationError(
            {"starts_on": f"The program ends on {latest:%-d %B %Y}; pick an earlier first day."}
        )
    return starts_on


def pairing_approve(*, pairing: Pairing, by: Person, starts_on: dt.date | None = None) -> Pairing:
    """A program admin approves a proposal (from matching or a mentee's
    request), with its first day (never in the past, nor outside the
    program). In an open program it starts: its plan is copied and the
    welcome follows. In a draft it is held for the day the program opens,
    and nothing is announced before."""
    program = pairing.program
    access.require_administers(by, program)
    first_day = _first_day(program, by, starts_on)
    if program.status == ProgramStatus.DRAFT:
        return _approve_to_start(pairing, by=by, starts_on=first_day)
    return pairing_activate(pairing=pairing, by=by, starts_on=first_day)


def _approve_to_start(pairing: Pairing, *, by: Person, starts_on: dt.date) -> Pairing:
    with transaction.atomic():
        lock_mentor_capacity(program=pairing.program, mentor=pairing.mentor, exclude=pairing)
        locked = Pairing.objects.select_for_update().get(pk=pairing.pk)
        if locked.status != PairingStatus.PROPOSED:
            raise ValidationError({"status": "Only a proposal can be approved."})
        if locked.approved_at is not None:
            raise ValidationError({"status": "This proposal is approved already."})
        locked.approved_at = timezone.now()
        locked.approved_by = by
        locked.starts_on = starts_on
        # It keeps its source (matching stays matching): a new matching run
        # replaces only proposals nobody has approved.
        locked.save(update_fields=["approved_at", "approved_by", "starts_on", "updated_at"])
        audit_record(
            actor=by,
            action="pairing.approved",
            target=locked,
            program=locked.program,
            data={"starts_on": starts_on.isoformat()},
        )
    return locked


def proposals_approve_all(
    *, program: Program, by: Person, starts_on: dt.date | None = None
) -> tuple[int, list[str]]:
    """Approve every waiting proposal; each on its own, so one that breaks a
    rule (say, a capacity lowered since) is reported and the rest go ahead."""
    access.require_administers(by, program)
    first_day = _first_day(program, by, starts_on)
    approved, problems = 0, []
    waiting = (
        Pairing.objects.waiting_for_approval()
        .filter(program=program)
        .select_related("program", "mentee", "mentor")
    )
    for pairing in waiting.order_by("pk"):
        try:
            pairing_approve(pairing=pairing, by=by, starts_on=first_day)
        except ValidationError as exc:
            problems.append(f"{pairing.mentee} with {pairing.mentor}: {'; '.join(exc.messages)}")
        else:
            approved += 1
    return approved, problems


def pairing_replace_mentor(*, pairing: Pairing, mentor: Person, by: Person) -> Pairing:
    """Give a proposal another mentor, chosen from the feasible alternatives;
    the score and explanation are those of the new pair."""

    access.require_administers(by, pairing.program)
    if pairing.status != PairingStatus.PROPOSED:
        raise ValidationError({"status": "Only a proposal can get another mentor."})
    if pairing.approved_at is not None:
        raise ValidationError(
            {"status": "This proposal is approved; decline it to choose another mentor."}
        )
    if mentor.pk == pairing.mentor_id:
        return pairing
    problems = pairing_rule_violations(
        program=pairing.program, mentee=pairing.mentee, mentor=mentor
    )
    if problems:
        raise ValidationError({"mentor": problems})
    with transaction.atomic():
        lock_mentor_capacity(program=pairing.program, mentor=mentor, exclude=pairing)
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


def pairing_request(*, program: Program, mentee: Person, mentor_id: int) -> Pairing:
    """A mentee asks for one of their recommended mentors, by id. The request
    is a proposal like any other: a program admin approves or declines it.

    Any id but a recommended mentor's gets the same answer, naming nobody:
    the answer must not tell a mentee who else works here."""

    recommended = {
        p.mentor_id: p for p in mentor_recommendations(mentee, program, limit=RECOMMENDATIONS)
    }
    proposal = recommended.get(mentor_id)
    mentor = Person.objects.filter(pk=mentor_id, is_active=True).first() if proposal else None
    if proposal is None or mentor is None:
        raise ValidationError(
            {"mentor": f"Choose one of the mentors recommended for you in {program}."}
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


def pairing_rematch(*, pairing: Pairing, by: Person, reason: str) -> Pairing | None:
    """A pairing that is not working ends (with the reason), and the mentee
    goes back to the pool: the best mentor with room (never this one again)
    is proposed at once for a program admin to review, and returned. None
    when no mentor fits now: the mentee waits for the next matching run."""
    program = pairing.program
    access.require_administers(by, program)
    if not reason.strip():
        raise ValidationError({"reason": "Say why this pairing ends, for the record."})
    if program.status != ProgramStatus.ACTIVE:
        raise ValidationError({"program": "Rematching happens in an open program."})
    with transaction.atomic():
        ended = pairing_end(pairing=pairing, by=by, reason=reason)
        Pairing.objects.filter(pk=ended.pk).update(ended_for_rematch=True)
        best = mentor_recommendations(pairing.mentee, program, limit=1)
        proposal = None
        if best:
            proposal = pairing_propose(
                program=program,
                mentee=pairing.mentee,
                mentor=Person.objects.get(pk=best[0].mentor_id),
                by=by,
                source=PairingSource.MATCHING,
                match_score=best[0].score,
                match_explanation=[part.as_dict() for part in best[0].parts],
            )
        audit_record(
            actor=by,
            action="pairing.rematched",
            target=ended,
            program=program,
            data={"proposal": proposal.pk if proposal else None},
        )
    return proposal

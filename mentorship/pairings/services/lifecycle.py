"""The pairing state machine, and the rules every pairing obeys.

``PAIRING_TRANSITIONS`` (next to the statuses, in the models) says which
moves are legal, and every move goes through
``_transition``, which locks the row, refuses an illegal move with a message
a person can act on, and writes the audit event.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from mentorship import access
from mentorship.audit.services import audit_record
from mentorship.core.text_limits import text_too_long
from mentorship.notifications.models import Notification, NotificationStatus
from mentorship.pairings.models import (
    PAIRING_TRANSITIONS,
    Feedback,
    Pairing,
    PairingOutcome,
    PairingSource,
    PairingStatus,
)
from mentorship.pairings.reminders import pairing_welcome_queue
from mentorship.pairings.services.milestones import milestones_instantiate
from mentorship.people.models import Person
from mentorship.people.selectors import managers_above
from mentorship.programs.models import (
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    Program,
    ProgramStatus,
)
from mentorship.programs.selectors import enrollment_capacity

logger = logging.getLogger(__name__)


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


def lock_mentor_capacity(*, program: Program, mentor: Person, exclude: Pairing | None) -> None:
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
    taken = Pairing.objects.open().filter(program=program, mentor=mentor)
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
    if program.status == ProgramStatus.CLOSED:
        raise ValidationError({"program": "This program is closed; no new pairings."})
    problems = pairing_rule_violations(program=program, mentee=mentee, mentor=mentor)
    if problems:
        raise ValidationError({"mentor": problems})
    with transaction.atomic():
        lock_mentor_capacity(program=program, mentor=mentor, exclude=None)
        if Pairing.objects.open().filter(program=program, mentee=mentee).exists():
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

    return (
        Notification.objects.filter(pairing=pairing, status=NotificationStatus.PENDING)
        .exclude(kind="pairing_feedback")
        .update(
            status=NotificationStatus.CANCELLED,
            last_error="Not sent: the pairing closed first.",
        )
    )


def with_article(word: str) -> str:
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
        if to not in PAIRING_TRANSITIONS[locked.status]:
            raise ValidationError(
                {
                    "status": (
                        f"{with_article(locked.get_status_display().lower())} pairing "
                        f"cannot become {PairingStatus(to).label.lower()}."
                    )
                }
            )
        before = locked.status
        locked.status = to
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=["status", "updated_at", *fields])
        if locked.is_closed:
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
    """The pairing starts: its plan is copied onto it, and the welcome email
    follows. Only in an open program (a draft holds approved proposals until
    it opens)."""
    starts_on = starts_on or timezone.localdate()
    if pairing.program.status != ProgramStatus.ACTIVE:
        raise ValidationError(
            {"program": f"{pairing.program} is not open; pairings start when it opens."}
        )
    with transaction.atomic():
        if pairing.status == PairingStatus.PROPOSED:
            # Proposals already hold their slot; re-check in case capacity shrank.
            lock_mentor_capacity(program=pairing.program, mentor=pairing.mentor, exclude=pairing)
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
        pairing_welcome_queue(pairing=activated)
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


def pairings_complete_past_end(*, now: dt.datetime | None = None) -> int:
    """Beat: complete every live pairing whose last day has passed. Each is
    its own audited transition; the feedback request email follows from the
    next reminder sweep."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    finished = Pairing.objects.live().filter(ends_on__lt=today).order_by("pk")
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


# The longest end-of-pairing comment kept (a TextField: the limit lives here).
FEEDBACK_COMMENT_MAX_LENGTH = 4000


def feedback_submit(*, pairing: Pairing, author: Person, rating: int, comment: str) -> Feedback:
    """One side's end-of-pairing rating (1–5) and comment, once."""
    access.require_member(author, pairing, "Only the mentor and the mentee rate their pairing.")
    if not pairing.is_closed:
        raise ValidationError({"pairing": "Feedback opens when the pairing has ended."})
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": "Rate the pairing from 1 to 5."})
    if too_long := text_too_long("Your comment", comment, FEEDBACK_COMMENT_MAX_LENGTH):
        raise ValidationError({"comment": too_long})
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


def pairing_record_outcome(*, pairing: Pairing, by: Person, outcome: str) -> Pairing:
    """HR records how a closed pairing turned out."""
    access.require_administers(by, pairing.program)
    if not pairing.is_closed:
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

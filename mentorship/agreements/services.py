"""The agreement between a new manager and their own line manager: asked
for by a plan step, written by the line manager, confirmed by the mentee,
reviewed near day 90. The audit trail records who did what, never the text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorship.agreements.models import QUESTIONS, ManagerAgreement, ReviewAnswer
from mentorship.audit.services import audit_record
from mentorship.core.text_limits import text_too_long
from mentorship.core.timezones import local_today
from mentorship.pairings.models import Milestone, MilestoneStatus, Pairing, PairingStatus
from mentorship.pairings.services.milestones import milestone_complete
from mentorship.people.models import Person
from mentorship.plans.models import StepKind

TEXT_MAX_LENGTH = 2000


@dataclass(frozen=True)
class AgreementText:
    success: str
    decisions: str
    handoffs: str
    handoffs_by: dt.date | None = None


def _open_step(pairing: Pairing, kind: str) -> Milestone | None:
    return (
        Milestone.objects.filter(pairing=pairing, kind=kind, status=MilestoneStatus.OPEN)
        .order_by("due_on")
        .first()
    )


def _complete_step(pairing: Pairing, kind: str) -> None:
    """The step completes itself (by nobody: the audit has who confirmed)."""
    step = _open_step(pairing, kind)
    if step is not None:
        milestone_complete(milestone=step, by=None)


def is_line_manager_of(person: Person, agreement: ManagerAgreement) -> bool:
    return person.pk is not None and person.pk == agreement.line_manager_id


def agreement_ask(*, pairing: Pairing, now: dt.datetime | None = None) -> ManagerAgreement | None:
    """Ask the mentee's line manager for the agreement (the email follows,
    ``AgreementRequest``). None when the mentee has no manager in Scaffold:
    the pairing page says so and who can set one."""
    with transaction.atomic():
        locked = Pairing.objects.select_for_update().select_related("mentee").get(pk=pairing.pk)
        existing = ManagerAgreement.objects.filter(pairing=locked).first()
        if existing is not None:
            return existing
        if locked.mentee.manager_id is None:
            return None
        agreement = ManagerAgreement.objects.create(
            pairing=locked, line_manager_id=locked.mentee.manager_id
        )
        audit_record(
            actor=None,
            action="agreement.asked",
            target=agreement,
            program=locked.program,
            data={"pairing": locked.pk},
        )
    return agreement


def agreements_ask_due(*, now: dt.datetime) -> list[ManagerAgreement]:
    """Every agreement step whose day has come where the mentee is, on an
    active pairing without an agreement yet."""
    utc_today = now.astimezone(dt.UTC).date()
    steps = Milestone.objects.filter(
        kind=StepKind.AGREEMENT,
        status=MilestoneStatus.OPEN,
        pairing__status=PairingStatus.ACTIVE,
        pairing__agreement__isnull=True,
        pairing__mentee__manager__isnull=False,
        due_on__lte=utc_today + dt.timedelta(days=1),
    ).select_related("pairing__mentee")
    asked = []
    for step in steps:
        if step.due_on <= local_today(now, step.pairing.mentee.time_zone):
            found = agreement_ask(pairing=step.pairing, now=now)
            if found is not None:
                asked.append(found)
    return asked


def _locked(agreement: ManagerAgreement) -> ManagerAgreement:
    return (
        ManagerAgreement.objects.select_for_update()
        .select_related("pairing__program", "pairing__mentee")
        .get(pk=agreement.pk)
    )


def _live(agreement: ManagerAgreement, field: str) -> None:
    if not agreement.pairing.is_live:
        raise ValidationError(
            {field: "The pairing is over; the agreement stays as it was, to read."}
        )


def agreement_write(
    *,
    agreement: ManagerAgreement,
    by: Person,
    text: AgreementText,
    when: dt.datetime | None = None,
) -> ManagerAgreement:
    """The line manager writes (or rewrites) their side, until the mentee
    confirms it; after that it stays as agreed, for the review."""
    errors: dict[str, str] = {}
    for name, _question, _review in QUESTIONS:
        value = getattr(text, name).strip()
        if not value:
            errors[name] = "Write a sentence or two: this is what the two of you will look back on."
        elif too_long := text_too_long("This answer", value, TEXT_MAX_LENGTH):
            errors[name] = too_long
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(agreement)
        if not is_line_manager_of(by, locked):
            raise ValidationError({"success": "Only their line manager writes this side."})
        _live(locked, "success")
        if locked.confirmed_at is not None:
            raise ValidationError(
                {"success": "It is agreed: it stays as confirmed, to look back on at the review."}
            )
        new = {name: getattr(text, name).strip() for name, _q, _r in QUESTIONS}
        changed = any(getattr(locked, k) != v for k, v in new.items()) or (
            locked.handoffs_by != text.handoffs_by
        )
        for key, value in new.items():
            setattr(locked, key, value)
        locked.handoffs_by = text.handoffs_by
        if changed or locked.written_at is None:
            locked.written_at = when or timezone.now()
            locked.confirmed_at = None
        locked.save()
        audit_record(
            actor=by,
            action="agreement.written",
            target=locked,
            program=locked.pairing.program,
            data={"pairing": locked.pairing_id, "changed": changed},
        )
    return locked


def agreement_confirm(
    *, agreement: ManagerAgreement, by: Person, when: dt.datetime | None = None
) -> ManagerAgreement:
    """The mentee says: yes, this is what we agreed. Their plan step is done."""
    with transaction.atomic():
        locked = _locked(agreement)
        if by.pk != locked.pairing.mentee_id:
            raise ValidationError({"confirm": "Only the new manager confirms the agreement."})
        _live(locked, "confirm")
        if locked.written_at is None:
            raise ValidationError(
                {"confirm": "Nothing to confirm yet: their line manager has not written it."}
            )
        if locked.confirmed_at is None:
            locked.confirmed_at = when or timezone.now()
            locked.save(update_fields=["confirmed_at", "updated_at"])
            _complete_step(locked.pairing, StepKind.AGREEMENT)
            audit_record(
                actor=by,
                action="agreement.confirmed",
                target=locked,
                program=locked.pairing.program,
                data={"pairing": locked.pairing_id},
            )
    return locked


def agreement_share(*, agreement: ManagerAgreement, by: Person, shared: bool) -> ManagerAgreement:
    with transaction.atomic():
        locked = _locked(agreement)
        if by.pk != locked.pairing.mentee_id:
            raise ValidationError({"shared_with_mentor": "Only the new manager shares it."})
        locked.shared_with_mentor = shared
        locked.save(update_fields=["shared_with_mentor", "updated_at"])
        audit_record(
            actor=by,
            action="agreement.shared" if shared else "agreement.unshared",
            target=locked,
            program=locked.pairing.program,
            data={"pairing": locked.pairing_id},
        )
    return locked


def review_is_open(agreement: ManagerAgreement, today: dt.date) -> bool:
    """The review comes back with its plan step (near day 90), once agreed."""
    if agreement.confirmed_at is None:
        return False
    step = (
        Milestone.objects.filter(pairing_id=agreement.pairing_id, kind=StepKind.AGREEMENT_REVIEW)
        .order_by("due_on")
        .first()
    )
    return agreement.reviewed_at is not None or (step is not None and step.due_on <= today)


def agreement_review(
    *,
    agreement: ManagerAgreement,
    by: Person,
    answers: dict[str, Any],
    when: dt.datetime | None = None,
) -> ManagerAgreement:
    """Done, partly or not yet, for each of the three: the mentee or their
    line manager, once the review is due; a second review replaces the first."""
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for _name, _question, review in QUESTIONS:
        value = answers.get(review)
        if value not in ReviewAnswer.values:
            errors[review] = "Say done, partly or not yet."
        else:
            clean[review] = value
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(agreement)
        if by.pk != locked.pairing.mentee_id and not is_line_manager_of(by, locked):
            raise ValidationError({"review_success": "Only the two who agreed it review it."})
        _live(locked, "review_success")
        if not review_is_open(locked, local_today(timezone.now(), locked.pairing.mentee.time_zone)):
            raise ValidationError(
                {"review_success": "The review opens near day 90, once the agreement is confirmed."}
            )
        for key, value in clean.items():
            setattr(locked, key, value)
        locked.reviewed_at = when or timezone.now()
        locked.reviewed_by = by
        locked.save()
        _complete_step(locked.pairing, StepKind.AGREEMENT_REVIEW)
        audit_record(
            actor=by,
            action="agreement.reviewed",
            target=locked,
            program=locked.pairing.program,
            data={"pairing": locked.pairing_id},
        )
    return locked


def sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    return {"asked": len(agreements_ask_due(now=now or timezone.now()))}

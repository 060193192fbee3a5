"""Writes to check-ins, action items and self-assessments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentorship.audit.services import audit_record
from mentorship.checkins.models import (
    ActionItem,
    Assessment,
    AssessmentOccasion,
    AssessmentRating,
    CheckIn,
    CheckInKind,
    CheckInPrivateNote,
    Reflection,
)
from mentorship.core.timezones import today_for
from mentorship.pairings.models import LIVE_PAIRING_STATUSES, Pairing
from mentorship.people.models import Competency, Person


@dataclass(frozen=True)
class ActionItemSpec:
    text: str
    owner: Person
    due_on: dt.date | None = None


def _require_member(pairing: Pairing, person: Person) -> None:
    if person.pk not in (pairing.mentee_id, pairing.mentor_id):
        raise ValidationError({"pairing": "Only the mentor and the mentee can log here."})


def checkin_log(
    *,
    pairing: Pairing,
    by: Person,
    occurred_on: dt.date,
    duration_minutes: int,
    kind: str = CheckInKind.MEETING,
    topics: Iterable[Competency] = (),
    shared_notes: str = "",
    private_note: str = "",
    confidence_pulse: int | None = None,
    action_items: Sequence[ActionItemSpec] = (),
    close_action_items: Iterable[ActionItem] = (),
) -> CheckIn:
    _require_member(pairing, by)
    errors: dict[str, str] = {}
    if pairing.status not in LIVE_PAIRING_STATUSES:
        errors["pairing"] = (
            f"This pairing is {pairing.get_status_display().lower()}; check-ins can be logged "
            "only while it is active or paused."
        )
    if occurred_on > today_for(by):
        errors["occurred_on"] = "A check-in cannot be in the future."
    elif pairing.starts_on and occurred_on < pairing.starts_on:
        errors["occurred_on"] = (
            f"The pairing started on {pairing.starts_on:%-d %B %Y}; pick that day or later."
        )
    if confidence_pulse is not None and by.pk != pairing.mentee_id:
        errors["confidence_pulse"] = "Only the mentee rates their own confidence."
    for spec in action_items:
        if spec.owner.pk not in (pairing.mentee_id, pairing.mentor_id):
            errors["action_items"] = "Action items belong to the mentor or the mentee."
    if errors:
        raise ValidationError(errors)

    checkin = CheckIn(
        pairing=pairing,
        occurred_on=occurred_on,
        duration_minutes=duration_minutes,
        kind=kind,
        logged_by=by,
        shared_notes=shared_notes.strip(),
        confidence_pulse=confidence_pulse,
    )
    checkin.full_clean()
    items = [
        ActionItem(pairing=pairing, text=spec.text.strip(), owner=spec.owner, due_on=spec.due_on)
        for spec in action_items
    ]
    for item in items:
        item.full_clean(exclude=["created_in"])

    with transaction.atomic():
        checkin.save()
        checkin.topics.set(topics)
        if private_note.strip():
            CheckInPrivateNote.objects.create(checkin=checkin, author=by, body=private_note.strip())
        for item in items:
            item.created_in = checkin
        ActionItem.objects.bulk_create(items)
        closing = [item.pk for item in close_action_items if item.pairing_id == pairing.pk]
        ActionItem.objects.filter(pk__in=closing, done_at__isnull=True).update(
            done_at=timezone.now(), done_in=checkin
        )
        audit_record(
            actor=by,
            action="checkin.logged",
            target=checkin,
            program=pairing.program,
            data={
                "pairing": pairing.pk,
                "action_items_added": len(items),
                "action_items_closed": len(closing),
            },
        )
    return checkin


def assessment_record(
    *,
    pairing: Pairing,
    by: Person,
    occasion: str,
    ratings: Mapping[Competency, int],
    taken_on: dt.date | None = None,
    shared_with_mentor: bool = False,
    reflection: str = "",
) -> Assessment:
    if by.pk != pairing.mentee_id:
        raise ValidationError({"pairing": "Only the mentee assesses their own confidence."})
    errors: dict[str, str] = {}
    if occasion not in AssessmentOccasion.values:
        errors["occasion"] = f"Choose one of: {', '.join(AssessmentOccasion.values)}."
    if not ratings:
        errors["ratings"] = "Rate at least one competency."
    bad = [c.name for c, score in ratings.items() if not 1 <= score <= 5]
    if bad:
        errors["ratings"] = f"Ratings go from 1 to 5 ({', '.join(bad)})."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            pairing=pairing,
            mentee=by,
            occasion=occasion,
            taken_on=taken_on or today_for(by),
            shared_with_mentor=shared_with_mentor,
        )
        AssessmentRating.objects.bulk_create(
            AssessmentRating(assessment=assessment, competency=competency, score=score)
            for competency, score in ratings.items()
        )
        if reflection.strip():
            Reflection.objects.create(assessment=assessment, author=by, body=reflection.strip())
        audit_record(
            actor=by,
            action="assessment.recorded",
            target=assessment,
            program=pairing.program,
            data={"pairing": pairing.pk, "occasion": occasion, "competencies": len(ratings)},
        )
    return assessment

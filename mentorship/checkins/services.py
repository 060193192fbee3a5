"""Writes to check-ins, action items and self-assessments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentorship import access
from mentorship.audit.services import audit_record
from mentorship.checkins.models import (
    ACTION_ITEM_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    ActionItem,
    Assessment,
    AssessmentOccasion,
    AssessmentRating,
    CheckIn,
    CheckInKind,
    CheckInPrivateNote,
    Reflection,
    WeekPart,
    WeekSplit,
)
from mentorship.checkins.selectors import EDIT_WINDOW, plan_competencies, scheduled_assessments
from mentorship.checkins.summaries import summaries_checkin_saved, summaries_split_saved
from mentorship.core.text_limits import text_too_long
from mentorship.core.timezones import today_for
from mentorship.pairings.models import MilestoneStatus, Pairing
from mentorship.pairings.services.milestones import milestone_complete
from mentorship.people.models import Competency, Person


@dataclass(frozen=True)
class ActionItemSpec:
    text: str
    owner: Person
    due_on: dt.date | None = None


@dataclass(frozen=True)
class Split:
    """Where a week went, in percent: the four parts of ``WeekPart``."""

    individual: int
    people: int
    direction: int
    other: int

    @property
    def total(self) -> int:
        return self.individual + self.people + self.direction + self.other


def week_of(day: dt.date) -> dt.date:
    """The Monday of the week ``day`` falls in."""
    return day - dt.timedelta(days=day.weekday())


def _check_split(pairing: Pairing, by: Person, split: Split) -> str | None:
    """What is wrong with a week split, in words a person can act on."""
    if by.pk != pairing.mentee_id:
        return "Only the mentee says where their week went."
    for part in WeekPart:
        value = getattr(split, part.value)
        if not 0 <= value <= 100:
            return f"{part.label}: give a share from 0 to 100 %."
    if split.total != 100:
        return (
            f"The four parts add up to {split.total} %; make them 100 % "
            "(roughly is fine: round to the nearest 5 or 10)."
        )
    return None


def _write_split(
    pairing: Pairing, split: Split, day: dt.date, checkin: CheckIn | None = None
) -> WeekSplit:
    """The week's split, new or replacing the week's earlier answer; and the
    pairing's summary row. Inside the caller's transaction."""
    values = {part.value: getattr(split, part.value) for part in WeekPart}
    if checkin is not None:
        values["checkin"] = checkin
    row, _ = WeekSplit.objects.update_or_create(
        pairing=pairing, week_of=week_of(day), defaults=values
    )
    summaries_split_saved(pairing.pk)
    return row


def week_split_record(
    *, pairing: Pairing, by: Person, split: Split, on: dt.date | None = None
) -> WeekSplit:
    """The mentee says how their week split (``on``: a day of that week, by
    default today where they are). A second answer in a week replaces the
    first; the pairing must be live."""
    on = on or today_for(by)
    errors: dict[str, str] = {}
    if not pairing.is_live:
        errors["pairing"] = (
            f"This pairing is {pairing.get_status_display().lower()}; "
            "weeks are recorded only while it is active or paused."
        )
    if on > today_for(by):
        errors["on"] = "That week has not begun yet."
    elif pairing.starts_on and week_of(on) < week_of(pairing.starts_on):
        errors["on"] = f"The pairing started on {pairing.starts_on:%-d %B %Y}."
    problem = _check_split(pairing, by, split)
    if problem:
        errors["week_split"] = problem
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = _write_split(pairing, split, on)
        # Structure only: the week, never the figures.
        audit_record(
            actor=by,
            action="checkin.week_split_recorded",
            target=row,
            program=pairing.program,
            data={"pairing": pairing.pk, "week_of": row.week_of.isoformat()},
        )
    return row


def _require_member(pairing: Pairing, person: Person) -> None:
    if not access.is_member(person, pairing):
        raise ValidationError({"pairing": "Only the mentor and the mentee can log here."})


def _check_when_and_pulse(
    pairing: Pairing, by: Person, occurred_on: dt.date, confidence_pulse: int | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not pairing.is_live:
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
    if confidence_pulse is not None:
        if by.pk != pairing.mentee_id:
            errors["confidence_pulse"] = "Only the mentee rates their own confidence."
        elif not 1 <= confidence_pulse <= 5:
            errors["confidence_pulse"] = "Confidence goes from 1 (not at all) to 5 (very)."
    return errors


def _check_action_items(
    pairing: Pairing, occurred_on: dt.date, action_items: Sequence[ActionItemSpec]
) -> str | None:
    """The first problem with the new action items, naming its row: an item
    is never dropped, or cut, quietly."""
    for number, spec in enumerate(action_items, start=1):
        if not access.is_member(spec.owner, pairing):
            return f"Action item {number}: it belongs to the mentor or the mentee."
        if not spec.text.strip():
            return f"Action item {number}: say what is to be done, or clear its due date and owner."
        too_long = text_too_long(f"Action item {number}", spec.text, ACTION_ITEM_MAX_LENGTH)
        if too_long:
            return too_long
        if spec.due_on is not None and spec.due_on < occurred_on:
            return f"Action item {number}: the due date is before the check-in."
    return None


def _check_notes(
    *, shared_notes: str = "", private_note: str = "", reflection: str = ""
) -> dict[str, str]:
    """Notes over their limit, by field: refused whole, never cut."""
    problems = {
        "shared_notes": text_too_long(
            "Notes for the two of you", shared_notes, NOTE_MAX_LENGTH, plural=True
        ),
        "private_note": text_too_long("Your private note", private_note, NOTE_MAX_LENGTH),
        "reflection": text_too_long("Your reflection", reflection, NOTE_MAX_LENGTH),
    }
    return {field: problem for field, problem in problems.items() if problem}


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
    week_split: Split | None = None,
) -> CheckIn:
    """Log a check-in of a live pairing, by the mentor or the mentee: its
    new action items are added and the ticked-off ones closed, all at once;
    with the mentee's ``week_split``, the split of the check-in's week."""
    _require_member(pairing, by)
    errors = _check_when_and_pulse(pairing, by, occurred_on, confidence_pulse)
    errors |= _check_notes(shared_notes=shared_notes, private_note=private_note)
    problem = _check_action_items(pairing, occurred_on, action_items)
    if problem:
        errors["action_items"] = problem
    closing = list(close_action_items)
    if any(item.pairing_id != pairing.pk or item.done_at is not None for item in closing):
        errors["close_action_items"] = "Only this pairing's open action items can be ticked off."
    if week_split is not None and (problem := _check_split(pairing, by, week_split)):
        errors["week_split"] = problem
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

    with transaction.atomic():
        checkin.save()
        checkin.topics.set(topics)
        if private_note.strip():
            CheckInPrivateNote.objects.create(checkin=checkin, author=by, body=private_note.strip())
        for item in items:
            item.created_in = checkin
        ActionItem.objects.bulk_create(items)
        summaries_checkin_saved(checkin)
        if week_split is not None:
            _write_split(pairing, week_split, occurred_on, checkin)
        closed = ActionItem.objects.filter(
            pk__in=[item.pk for item in closing], done_at__isnull=True
        ).update(done_at=timezone.now(), done_in=checkin)
        audit_record(
            actor=by,
            action="checkin.logged",
            target=checkin,
            program=pairing.program,
            data={
                "pairing": pairing.pk,
                "action_items_added": len(items),
                "action_items_closed": closed,
                "week_split": week_split is not None,
            },
        )
    return checkin


def checkin_edit(
    *,
    checkin: CheckIn,
    by: Person,
    occurred_on: dt.date,
    duration_minutes: int,
    kind: str,
    topics: Iterable[Competency],
    shared_notes: str,
    private_note: str,
    confidence_pulse: int | None,
    now: dt.datetime | None = None,
) -> CheckIn:
    """Change a check-in: by its author, within a week of logging it. The
    audit trail records which fields changed, never what they say."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            CheckIn.objects.select_for_update(of=("self",))
            .select_related("pairing__program")
            .get(pk=checkin.pk)
        )
        pairing = locked.pairing
        if locked.logged_by_id != by.pk:
            raise ValidationError({"checkin": "Only the person who logged a check-in edits it."})
        if now - locked.created_at > EDIT_WINDOW:
            logged_on = timezone.localtime(locked.created_at, ZoneInfo(by.time_zone))
            raise ValidationError(
                {
                    "checkin": (
                        f"Check-ins can be changed for {EDIT_WINDOW.days} days after they are "
                        f"logged; this one was logged on {logged_on:%-d %B %Y}."
                    )
                }
            )
        errors = _check_when_and_pulse(pairing, by, occurred_on, confidence_pulse)
        errors |= _check_notes(shared_notes=shared_notes, private_note=private_note)
        if errors:
            raise ValidationError(errors)
        topics = list(topics)
        before_topics = set(locked.topics.values_list("pk", flat=True))
        changes = {
            "occurred_on": occurred_on,
            "duration_minutes": duration_minutes,
            "kind": kind,
            "shared_notes": shared_notes.strip(),
            "confidence_pulse": confidence_pulse,
        }
        changed = [name for name, value in changes.items() if getattr(locked, name) != value]
        was = (pairing.program_id, locked.occurred_on)
        for name in changed:
            setattr(locked, name, changes[name])
        locked.full_clean()
        locked.save(update_fields=[*changed, "updated_at"])
        summaries_checkin_saved(locked, was=was, pulse_changed="confidence_pulse" in changed)
        if {c.pk for c in topics} != before_topics:
            locked.topics.set(topics)
            changed.append("topics")
        if _write_private_note(locked, by, private_note):
            changed.append("private_note")
        if changed:
            audit_record(
                actor=by,
                action="checkin.edited",
                target=locked,
                program=pairing.program,
                data={"pairing": pairing.pk, "fields": sorted(changed)},
            )
    return locked


def _write_private_note(checkin: CheckIn, author: Person, text: str) -> bool:
    """Set, change or (with empty text) remove ``author``'s own note on a
    check-in. Returns whether anything changed."""
    body = text.strip()
    note = CheckInPrivateNote.objects.filter(checkin=checkin, author=author).first()
    if body == (note.body if note else ""):
        return False
    if note and body:
        note.body = body
        note.save(update_fields=["body", "updated_at"])
    elif note:
        note.delete()
    else:
        CheckInPrivateNote.objects.create(checkin=checkin, author=author, body=body)
    return True


def private_note_write(*, checkin: CheckIn, by: Person, text: str) -> bool:
    """Either side of the pair keeps a private note on any of their check-ins,
    whoever logged it and however long ago: it is the author's notebook, not
    the shared record, so the edit window does not apply. Empty text removes
    it. The audit trail records that the writer's note changed, never its text."""
    pairing = checkin.pairing
    if not access.is_member(by, pairing):
        raise ValidationError({"checkin": "Only the mentor and the mentee keep notes here."})
    if errors := _check_notes(private_note=text):
        raise ValidationError(errors)
    with transaction.atomic():
        changed = _write_private_note(checkin, by, text)
        if changed:
            audit_record(
                actor=by,
                action="checkin.private_note_saved",
                target=checkin,
                program=pairing.program,
                data={"pairing": pairing.pk},
            )
    return changed


def action_item_complete(*, item: ActionItem, by: Person) -> ActionItem:
    """Tick an action item off outside a check-in."""
    with transaction.atomic():
        locked = (
            ActionItem.objects.select_for_update(of=("self",))
            .select_related("pairing__program")
            .get(pk=item.pk)
        )
        _require_member(locked.pairing, by)
        if not locked.pairing.is_live:
            raise ValidationError(
                {"pairing": "This pairing is closed; its action items stay as they were."}
            )
        if locked.done_at is not None:
            raise ValidationError({"done_at": "This action item is already done."})
        locked.done_at = timezone.now()
        locked.save(update_fields=["done_at", "updated_at"])
        audit_record(
            actor=by,
            action="action_item.done",
            target=locked,
            program=locked.pairing.program,
            data={"pairing": locked.pairing_id},
        )
    return locked


def _check_assessment(
    *,
    pairing: Pairing,
    by: Person,
    occasion: str,
    ratings: Mapping[Competency, int],
    taken_on: dt.date,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not pairing.is_live:
        errors["pairing"] = (
            f"This pairing is {pairing.get_status_display().lower()}; self-assessments are "
            "taken while it is active or paused."
        )
    if occasion not in AssessmentOccasion.values:
        errors["occasion"] = f"Choose one of: {', '.join(AssessmentOccasion.values)}."
    elif occasion != AssessmentOccasion.AD_HOC:
        taken = Assessment.objects.filter(pairing=pairing, occasion=occasion).first()
        if taken is not None:
            errors["occasion"] = (
                f"You took your {taken.get_occasion_display().lower()} self-assessment on "
                f"{taken.taken_on:%-d %B %Y}; take an ad hoc one instead."
            )
    if taken_on > today_for(by):
        errors["taken_on"] = "A self-assessment cannot be in the future."
    elif pairing.starts_on and taken_on < pairing.starts_on:
        errors["taken_on"] = (
            f"The pairing started on {pairing.starts_on:%-d %B %Y}; pick that day or later."
        )
    plan = plan_competencies(pairing)
    bad = sorted(c.name for c, score in ratings.items() if not 1 <= score <= 5)
    foreign = sorted(c.name for c in ratings if c not in plan)
    missing = [c.name for c in plan if c not in ratings]
    if not ratings:
        errors["ratings"] = "Rate at least one competency."
    elif bad:
        errors["ratings"] = f"Ratings go from 1 to 5 ({', '.join(bad)})."
    elif foreign:
        errors["ratings"] = f"Not in this pairing's plan: {', '.join(foreign)}."
    elif missing and occasion != AssessmentOccasion.AD_HOC:
        errors["ratings"] = f"Rate every competency of the plan; missing: {', '.join(missing)}."
    return errors


def assessment_record(
    *,
    pairing: Pairing,
    by: Person,
    occasion: str,
    ratings: Mapping[Competency, int],
    taken_on: dt.date | None = None,
    shared_with_mentor: bool = False,
    reflection: str = "",
    when: dt.datetime | None = None,
) -> Assessment:
    """The mentee rates their confidence. A scheduled one (day 0, 30, 60,
    90) also completes the plan step that asked for it."""
    if by.pk != pairing.mentee_id:
        raise ValidationError({"pairing": "Only the mentee assesses their own confidence."})
    taken_on = taken_on or today_for(by)
    errors = _check_assessment(
        pairing=pairing, by=by, occasion=occasion, ratings=ratings, taken_on=taken_on
    )
    errors |= _check_notes(reflection=reflection)
    if errors:
        raise ValidationError(errors)
    step = scheduled_assessments(pairing).get(occasion)
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                pairing=pairing,
                mentee=by,
                occasion=occasion,
                milestone=step,
                taken_on=taken_on,
                shared_with_mentor=shared_with_mentor,
            )
            AssessmentRating.objects.bulk_create(
                AssessmentRating(assessment=assessment, competency=competency, score=score)
                for competency, score in ratings.items()
            )
            if reflection.strip():
                Reflection.objects.create(assessment=assessment, author=by, body=reflection.strip())
            if step is not None and step.status == MilestoneStatus.OPEN:
                milestone_complete(milestone=step, by=by, when=when)
            audit_record(
                actor=by,
                action="assessment.recorded",
                target=assessment,
                program=pairing.program,
                data={"pairing": pairing.pk, "occasion": occasion, "competencies": len(ratings)},
            )
    except IntegrityError:
        # Two submissions of the same scheduled assessment at once.
        raise ValidationError(
            {"occasion": "This self-assessment was just recorded; take an ad hoc one instead."}
        ) from None
    return assessment


def assessment_share(*, assessment: Assessment, by: Person, shared: bool) -> Assessment:
    """The mentee decides whether their mentor sees these ratings (never the
    reflection)."""
    if by.pk != assessment.mentee_id:
        raise PermissionDenied("Only the mentee decides who sees these ratings.")
    if assessment.shared_with_mentor != shared:
        with transaction.atomic():
            assessment.shared_with_mentor = shared
            assessment.save(update_fields=["shared_with_mentor", "updated_at"])
            audit_record(
                actor=by,
                action="assessment.shared" if shared else "assessment.unshared",
                target=assessment,
                program=assessment.pairing.program,
                data={"pairing": assessment.pairing_id},
            )
    return assessment

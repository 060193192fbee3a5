"""The audit trail says which fields changed, never what anyone wrote: not
shared or private notes, action items, reflections, reasons or feedback."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mentorship.audit.models import AuditEvent
from mentorship.checkins.models import CheckIn, CheckInPrivateNote
from mentorship.checkins.selectors import plan_competencies
from mentorship.checkins.services import (
    ActionItemSpec,
    assessment_record,
    checkin_edit,
    checkin_log,
    private_note_write,
)
from mentorship.core.timezones import today_for
from mentorship.pairings.services.change_requests import change_request_decide, change_request_open
from mentorship.pairings.services.lifecycle import feedback_submit, pairing_end, pairing_pause
from mentorship.pairings.services.milestones import milestone_complete
from mentorship.programs.models import Enrollment
from mentorship.programs.services.enrollments import enrollment_update, enrollment_withdraw
from tests.factories import EnrollmentFactory, competency
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db

SECRET = "WRITTEN-BY-A-PERSON-4417"


def everything_recorded() -> str:
    return "\n".join(
        f"{event} {event.target_repr} {json.dumps(event.data)}"
        for event in AuditEvent.objects.all()
    )


def log(personas: Personas, **written: Any) -> CheckIn:
    return checkin_log(
        pairing=personas.pairing,
        by=personas.mentee,
        occurred_on=today_for(personas.mentee),
        duration_minutes=30,
        **written,
    )


def test_editing_a_check_in_records_the_fields_that_changed(personas: Personas) -> None:
    checkin = log(personas, shared_notes="Agenda", private_note="Mine")
    checkin_edit(
        checkin=checkin,
        by=personas.mentee,
        occurred_on=checkin.occurred_on,
        duration_minutes=45,
        kind=checkin.kind,
        topics=[],
        shared_notes=f"Agenda, {SECRET}",
        private_note=f"Mine, {SECRET}",
        confidence_pulse=None,
    )
    event = AuditEvent.objects.get(action="checkin.edited")
    assert event.data == {
        "pairing": personas.pairing.pk,
        "fields": ["duration_minutes", "private_note", "shared_notes"],
    }
    assert SECRET not in everything_recorded()


def test_changing_focus_areas_records_the_field_not_the_choice(personas: Personas) -> None:
    enrollment = Enrollment.objects.get(person=personas.mentee, role="mentee")
    enrollment_update(
        enrollment=enrollment,
        by=personas.mentee,
        focus_competencies=[competency("conflict-resolution")],
    )
    event = AuditEvent.objects.get(action="enrollment.updated")
    assert event.data == {"person": personas.mentee.pk, "fields": ["focus_competencies"]}


def test_nothing_anyone_writes_reaches_the_trail(personas: Personas) -> None:
    pairing, mentee, mentor = personas.pairing, personas.mentee, personas.mentor
    checkin = log(
        personas,
        shared_notes=f"shared {SECRET}",
        private_note=f"private {SECRET}",
        action_items=[ActionItemSpec(text=f"item {SECRET}", owner=mentee)],
    )
    private_note_write(checkin=checkin, by=mentor, text=f"mentor's own {SECRET}")
    milestone = pairing.milestones.order_by("position").first()
    assert milestone is not None
    milestone_complete(milestone=milestone, by=mentee, note=f"note {SECRET}")
    assessment_record(
        pairing=pairing,
        by=mentee,
        occasion="ad_hoc",
        ratings=dict.fromkeys(plan_competencies(pairing), 3),
        reflection=f"reflection {SECRET}",
    )
    asked = change_request_open(pairing=pairing, by=mentee, kind="pause", reason=f"why {SECRET}")
    change_request_decide(
        change_request=asked, by=personas.program_admin, approve=False, note=f"no {SECRET}"
    )
    pairing_pause(pairing=pairing, by=personas.program_admin, reason=f"pause {SECRET}")
    ended = pairing_end(pairing=pairing, by=personas.program_admin, reason=f"end {SECRET}")
    feedback_submit(pairing=ended, author=mentee, rating=4, comment=f"comment {SECRET}")
    waiting = EnrollmentFactory.create(program=personas.program)
    enrollment_withdraw(enrollment=waiting, by=personas.program_admin, reason=f"left {SECRET}")

    # The text was written where it belongs…
    assert SECRET in CheckIn.objects.get(pk=checkin.pk).shared_notes
    assert CheckInPrivateNote.objects.filter(body__contains=SECRET).count() == 2
    # …and every one of these actions was audited, without it.
    assert {
        "checkin.logged",
        "checkin.private_note_saved",
        "milestone.completed",
        "assessment.recorded",
        "pairing.pause_requested",
        "pairing.pause_request_declined",
        "pairing.paused",
        "pairing.ended",
        "pairing.feedback",
        "enrollment.withdrawn",
    } <= set(AuditEvent.objects.values_list("action", flat=True))
    assert SECRET not in everything_recorded()

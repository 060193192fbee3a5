"""A program from nothing to closed, through its services: create (a
draft), change, approve pairings while it is a draft, open, close, copy —
each rule refused with a message a person can act on, each step audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mentorship.audit.models import AuditEvent
from mentorship.core.timezones import today_for
from mentorship.notifications.models import Notification, NotificationStatus
from mentorship.pairings.models import MatchingRun, Pairing, PairingSource, PairingStatus
from mentorship.pairings.services.matching import (
    matching_execute,
    pairing_approve,
    proposals_approve_all,
)
from mentorship.people.models import Person
from mentorship.programs.models import Enrollment, EnrollmentRole, Program, ProgramStatus
from mentorship.programs.services.enrollments import enrollment_create
from mentorship.programs.services.programs import (
    program_activate,
    program_close,
    program_closing,
    program_copy,
    program_create,
    program_update,
)
from tests.factories import PersonFactory, competency
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def draft(personas: Personas, **options: Any) -> Program:
    return program_create(
        name="Spring cohort",
        starts_on=today() + dt.timedelta(days=7),
        ends_on=today() + dt.timedelta(days=140),
        plan=personas.plan,
        by=personas.program_admin,
        **options,
    )


def messages_of(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def test_a_program_starts_as_a_draft_run_by_whoever_created_it(personas: Personas) -> None:
    program = draft(personas)

    assert program.status == ProgramStatus.DRAFT
    assert list(program.admins.all()) == [personas.program_admin]
    assert AuditEvent.objects.filter(action="program.created", target_id=program.pk).exists()
    with pytest.raises(PermissionDenied):
        program_create(
            name="Mine",
            starts_on=today(),
            ends_on=today() + dt.timedelta(days=30),
            by=personas.mentee,
        )


def test_every_bad_setting_is_refused_at_once_in_words(personas: Personas) -> None:
    with pytest.raises(ValidationError) as refused:
        program_create(
            name="  ",
            starts_on=today(),
            ends_on=today(),
            by=personas.hr,
            checkin_cadence_days=0,
            reminder_lead_days=45,
            pairing_length_days=3,
            weight_competency=0,
            weight_department=0,
            weight_time_zone=0,
            weight_experience=0,
        )
    errors = messages_of(refused)
    assert errors == {
        "name": ["Give the program a name."],
        "ends_on": ["The program must end after it starts."],
        "checkin_cadence_days": ["A check-in cadence is from 1 to 90 days."],
        "reminder_lead_days": ["Reminders go out from 0 to 30 days before a milestone."],
        "pairing_length_days": ["A pairing lasts from 7 days to two years."],
        "weight_competency": ["Give at least one matching weight above zero."],
    }
    assert (
        not AuditEvent.objects.filter(action="program.created")
        .exclude(target_id=personas.program.pk)
        .exists()
    )


def test_a_weight_out_of_range_or_an_old_plan_version_is_refused(personas: Personas) -> None:
    with pytest.raises(ValidationError) as weights:
        draft(personas, weight_time_zone=1.5)
    assert messages_of(weights)["weight_competency"] == ["Each matching weight is between 0 and 1."]
    personas.plan.is_archived = True
    personas.plan.save()
    with pytest.raises(ValidationError) as old:
        draft(personas)
    assert "has a newer version" in messages_of(old)["plan"][0]


def test_changing_a_program_records_which_settings_changed(personas: Personas) -> None:
    program = draft(personas)
    colleague = PersonFactory.create()

    program_update(
        program=program,
        by=personas.program_admin,
        name="Spring cohort 2027",
        checkin_cadence_days=21,
        admins=[personas.program_admin, colleague],
    )

    program.refresh_from_db()
    assert (program.name, program.checkin_cadence_days) == ("Spring cohort 2027", 21)
    assert set(program.admins.all()) == {personas.program_admin, colleague}
    event = AuditEvent.objects.get(action="program.updated", target_id=program.pk)
    assert event.data == {"fields": ["name", "checkin_cadence_days", "admins"]}
    with pytest.raises(ValidationError) as dates:
        program_update(program=program, by=personas.program_admin, ends_on=program.starts_on)
    assert messages_of(dates) == {"ends_on": ["The program must end after it starts."]}
    with pytest.raises(ValidationError) as leaving:
        program_update(program=program, by=personas.program_admin, admins=[colleague])
    assert "cannot take yourself off" in messages_of(leaving)["admins"][0]
    with pytest.raises(PermissionDenied):
        program_update(program=program, by=personas.mentor, name="Taken over")


def enroll_pair(personas: Personas, program: Program) -> tuple[Person, Person]:
    mentee = PersonFactory.create(full_name="Dana Draft")
    mentor = PersonFactory.create(full_name="Eli Early", became_manager_on=today())
    enrollment_create(
        program=program,
        person=mentee,
        role=EnrollmentRole.MENTEE,
        by=personas.hr,
        focus_competencies=[competency("coaching-and-feedback")],
    )
    enrollment_create(program=program, person=mentor, role=EnrollmentRole.MENTOR, by=personas.hr)
    return mentee, mentor


def test_pairings_approved_in_a_draft_start_when_it_opens(personas: Personas) -> None:
    program = draft(personas)
    enroll_pair(personas, program)
    matching_execute(run=MatchingRun.objects.create(program=program, requested_by=personas.hr))
    proposal = Pairing.objects.get(program=program, status=PairingStatus.PROPOSED)

    approved = pairing_approve(pairing=proposal, by=personas.program_admin)

    # Held, not started: no plan copied, nothing announced, the first day planned.
    assert approved.status == PairingStatus.PROPOSED
    assert approved.approved_at is not None
    assert approved.starts_on == program.starts_on
    assert not approved.milestones.exists()
    assert not Notification.objects.filter(pairing=approved).exists()
    # A new matching run leaves an approved pair alone, and it is still
    # known to have come from matching.
    matching_execute(run=MatchingRun.objects.create(program=program, requested_by=personas.hr))
    kept = Pairing.objects.get(pk=approved.pk)
    assert (kept.status, kept.source) == (PairingStatus.PROPOSED, PairingSource.MATCHING)

    program_activate(program=program, by=personas.program_admin)

    started = Pairing.objects.get(pk=approved.pk)
    assert started.status == PairingStatus.ACTIVE
    assert started.starts_on == program.starts_on
    assert started.milestones.count() == personas.plan.steps.count()
    assert program.status == ProgramStatus.ACTIVE
    assert program.opened_at is not None
    event = AuditEvent.objects.get(action="program.activated", target_id=program.pk)
    assert event.data == {"pairings_started": 1}


def test_a_first_day_in_the_past_or_outside_the_program_is_refused(personas: Personas) -> None:
    program = draft(personas)
    enroll_pair(personas, program)
    matching_execute(run=MatchingRun.objects.create(program=program, requested_by=personas.hr))
    proposal = Pairing.objects.get(program=program, status=PairingStatus.PROPOSED)

    for starts_on, message in [
        (today() - dt.timedelta(days=1), "cannot be in the past"),
        (program.starts_on - dt.timedelta(days=1), "cannot start before it"),
        (program.ends_on + dt.timedelta(days=1), "pick an earlier first day"),
    ]:
        with pytest.raises(ValidationError, match=message):
            pairing_approve(pairing=proposal, by=personas.hr, starts_on=starts_on)
        with pytest.raises(ValidationError, match=message):
            proposals_approve_all(program=program, by=personas.hr, starts_on=starts_on)
    assert Pairing.objects.get(pk=proposal.pk).approved_at is None


def test_an_open_program_refuses_a_first_day_in_the_past(personas: Personas) -> None:
    newcomer = PersonFactory.create()
    enrollment_create(
        program=personas.program, person=newcomer, role=EnrollmentRole.MENTEE, by=personas.hr
    )
    run = MatchingRun.objects.create(program=personas.program, requested_by=personas.hr)
    matching_execute(run=run)
    proposal = Pairing.objects.get(mentee=newcomer, status=PairingStatus.PROPOSED)

    # "Today" is the approver's: late in the UTC evening it is already
    # tomorrow in Berlin, where HR is.
    hr_today = today_for(personas.hr)
    with pytest.raises(ValidationError, match="cannot be in the past"):
        pairing_approve(pairing=proposal, by=personas.hr, starts_on=hr_today - dt.timedelta(days=3))
    started = pairing_approve(pairing=proposal, by=personas.hr)
    assert (started.status, started.starts_on) == (PairingStatus.ACTIVE, hr_today)


def test_opening_needs_a_plan_and_dates_still_ahead(personas: Personas) -> None:
    program = program_create(
        name="No plan",
        starts_on=today(),
        ends_on=today() + dt.timedelta(days=60),
        by=personas.hr,
    )
    with pytest.raises(ValidationError, match="Choose an onboarding plan"):
        program_activate(program=program, by=personas.hr)
    program_update(
        program=program,
        by=personas.hr,
        plan=personas.plan,
        starts_on=today() - dt.timedelta(days=90),
        ends_on=today() - dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError, match="move its dates"):
        program_activate(program=program, by=personas.hr)
    with pytest.raises(PermissionDenied):
        program_activate(program=program, by=personas.program_admin)


def test_closing_says_what_it_will_do_then_does_it(personas: Personas) -> None:
    program = personas.program
    waiting = PersonFactory.create()
    enrollment_create(program=program, person=waiting, role=EnrollmentRole.MENTEE, by=personas.hr)
    matching_execute(run=MatchingRun.objects.create(program=program, requested_by=personas.hr))
    Notification.objects.create(
        kind="milestone_due_soon",
        recipient=personas.mentee,
        dedup_key="closing:test",
        send_after=timezone.now() + dt.timedelta(days=1),
        program=program,
        pairing=personas.pairing,
    )

    preview = program_closing(program)
    assert (preview.pairings_completed, preview.proposals_declined) == (2, 1)
    assert preview.reminders_cancelled >= 1

    done = program_close(program=program, by=personas.program_admin)

    assert done == preview
    program.refresh_from_db()
    assert (program.status, program.closed_at is not None) == (ProgramStatus.CLOSED, True)
    statuses = set(Pairing.objects.filter(program=program).values_list("status", flat=True))
    assert statuses == {PairingStatus.COMPLETED, PairingStatus.DECLINED}
    assert (
        not Notification.objects.filter(program=program, status=NotificationStatus.PENDING)
        .exclude(kind="pairing_feedback")
        .exists()
    )
    event = AuditEvent.objects.get(action="program.closed", target_id=program.pk)
    assert event.data["pairings_completed"] == 2
    with pytest.raises(ValidationError, match="closed; nobody can join"):
        enrollment_create(
            program=program, person=PersonFactory.create(), role="mentee", by=personas.hr
        )
    with pytest.raises(ValidationError, match="copy it to start the next cohort"):
        program_update(program=program, by=personas.hr, name="Again")
    with pytest.raises(ValidationError, match="Only an open program can be closed"):
        program_close(program=program, by=personas.hr)


def test_closing_ends_a_pairing_whose_first_day_is_still_ahead(personas: Personas) -> None:
    from mentorship.core.timezones import today_for
    from mentorship.pairings.services.lifecycle import pairing_propose

    program = personas.program
    newcomer, mentor = PersonFactory.create(), PersonFactory.create()
    enrollment_create(program=program, person=newcomer, role=EnrollmentRole.MENTEE, by=personas.hr)
    enrollment_create(program=program, person=mentor, role=EnrollmentRole.MENTOR, by=personas.hr)
    proposal = pairing_propose(program=program, mentee=newcomer, mentor=mentor, by=personas.hr)
    later = pairing_approve(
        pairing=proposal, by=personas.hr, starts_on=today_for(personas.hr) + dt.timedelta(days=3)
    )

    preview = program_closing(program)
    assert (preview.pairings_completed, preview.pairings_ended) == (2, 1)
    assert program_close(program=program, by=personas.hr) == preview

    later.refresh_from_db()
    assert later.status == PairingStatus.ENDED
    assert later.close_reason == "The program closed before the pairing started."
    personas.pairing.refresh_from_db()
    assert personas.pairing.status == PairingStatus.COMPLETED


def test_a_copy_starts_the_next_cohort_with_the_settings_and_the_mentors(
    personas: Personas,
) -> None:
    program = personas.program
    program_update(program=program, by=personas.hr, checkin_cadence_days=10, weight_experience=0)
    Enrollment.objects.filter(program=program, person=personas.mentor).update(capacity=3)

    copy = program_copy(
        program=program,
        by=personas.program_admin,
        name="Autumn cohort",
        starts_on=today() + dt.timedelta(days=30),
        ends_on=today() + dt.timedelta(days=150),
        with_mentors=True,
    )

    assert copy.status == ProgramStatus.DRAFT
    assert (copy.plan, copy.checkin_cadence_days, copy.weight_experience) == (
        personas.plan,
        10,
        0,
    )
    assert set(copy.admins.all()) == set(program.admins.all())
    enrolled = {(e.person, e.role, e.capacity) for e in Enrollment.objects.filter(program=copy)}
    assert enrolled == {
        (personas.mentor, EnrollmentRole.MENTOR, 3),
        (personas.other_mentor, EnrollmentRole.MENTOR, None),
    }
    assert not Pairing.objects.filter(program=copy).exists()
    event = AuditEvent.objects.get(action="program.copied", target_id=copy.pk)
    assert event.data == {"from": program.pk, "mentors": 2}

"""Matching a program's cohort: runs, proposals, approval, replacement."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mentorship.audit.models import AuditEvent
from mentorship.pairings import selectors
from mentorship.pairings.models import (
    MatchingRun,
    MatchingRunStatus,
    Pairing,
    PairingSource,
    PairingStatus,
)
from mentorship.pairings.services.lifecycle import pairing_decline
from mentorship.pairings.services.matching import (
    matching_execute,
    matching_request,
    pairing_approve,
    pairing_replace_mentor,
    proposals_approve_all,
)
from mentorship.people.models import Person
from mentorship.programs.models import Enrollment, EnrollmentRole
from mentorship.programs.services.enrollments import enrollment_create
from tests.factories import PersonFactory, competency
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def enroll_mentees(personas: Personas) -> dict[str, Person]:
    """Three new managers waiting for a mentor. The mentor and the other
    mentor have one free slot each, so one of the three cannot be placed;
    Nina reports to the mentor, who therefore cannot mentor her."""
    coaching = competency("coaching-and-feedback")
    conflict = competency("conflict-resolution")
    people = {
        "nina": PersonFactory.create(full_name="Nina New", manager=personas.mentor),
        "omar": PersonFactory.create(full_name="Omar New", time_zone="Europe/Berlin"),
        "pia": PersonFactory.create(full_name="Pia New", time_zone="Asia/Kolkata"),
    }
    for person in people.values():
        enrollment_create(
            program=personas.program,
            person=person,
            role=EnrollmentRole.MENTEE,
            by=personas.hr,
            focus_competencies=[coaching, conflict],
        )
    return people


def run_matching(personas: Personas, by: Person | None = None) -> MatchingRun:
    run = MatchingRun.objects.create(program=personas.program, requested_by=by or personas.hr)
    return matching_execute(run=run)


def test_a_run_proposes_the_best_feasible_pairs_and_explains_them(personas: Personas) -> None:
    people = enroll_mentees(personas)
    run = run_matching(personas)

    assert run.status == MatchingRunStatus.DONE
    assert (run.mentees_considered, run.mentors_considered, run.proposals_made) == (3, 2, 2)
    proposals = {p.mentee_id: p for p in Pairing.objects.filter(status=PairingStatus.PROPOSED)}
    assert len(proposals) == 2
    # Nina's manager is the mentor: never proposed to each other.
    assert not any(
        p.mentee_id == people["nina"].pk and p.mentor_id == personas.mentor.pk
        for p in proposals.values()
    )
    assert {p.mentor_id for p in proposals.values()} == {
        personas.mentor.pk,
        personas.other_mentor.pk,
    }
    placed = next(p for p in proposals.values() if p.mentor_id == personas.mentor.pk)
    sentences = [part["sentence"] for part in placed.match_explanation]
    assert sentences[0] == ("Shares 2 of 2 focus areas: Coaching and feedback, Conflict resolution")
    (left_out,) = run.unmatched
    assert left_out["mentee"] not in proposals
    assert "went to other mentees" in left_out["reason"]
    assert AuditEvent.objects.filter(action="matching.done").count() == 1


def test_a_second_run_replaces_waiting_proposals_and_keeps_approved_pairings(
    personas: Personas,
) -> None:
    enroll_mentees(personas)
    run_matching(personas)
    first = set(Pairing.objects.filter(status=PairingStatus.PROPOSED).values_list("pk", flat=True))
    second = run_matching(personas)

    assert second.proposals_replaced == 2
    assert second.proposals_made == 2
    assert Pairing.objects.filter(pk__in=first, status=PairingStatus.DECLINED).count() == 2
    assert Pairing.objects.filter(status=PairingStatus.PROPOSED).count() == 2
    # The personas' approved pairings are untouched.
    personas.pairing.refresh_from_db()
    assert personas.pairing.status == PairingStatus.ACTIVE


def test_only_program_admins_start_matching_and_one_run_at_a_time(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    with pytest.raises(PermissionDenied):
        matching_request(program=personas.program, by=personas.mentor)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        run = matching_request(program=personas.program, by=personas.program_admin)
    assert run.status == MatchingRunStatus.QUEUED
    assert len(queued) == 1
    with pytest.raises(ValidationError, match="already running"):
        matching_request(program=personas.program, by=personas.hr)


def test_a_run_with_nobody_to_place_says_so(personas: Personas) -> None:
    run = run_matching(personas)
    assert run.status == MatchingRunStatus.DONE
    assert (run.mentees_considered, run.proposals_made, run.unmatched) == (0, 0, [])


def test_approving_starts_the_pairing_with_its_milestones(personas: Personas) -> None:
    enroll_mentees(personas)
    run_matching(personas)
    proposal = Pairing.objects.filter(status=PairingStatus.PROPOSED).first()
    assert proposal is not None
    with pytest.raises(PermissionDenied):
        pairing_approve(pairing=proposal, by=personas.mentor)

    approved = pairing_approve(pairing=proposal, by=personas.program_admin)
    assert approved.status == PairingStatus.ACTIVE
    assert approved.milestones.count() == 4


def test_approve_all_reports_what_it_could_not_approve(personas: Personas) -> None:
    enroll_mentees(personas)
    run_matching(personas)
    # Capacity lowered after matching: the mentor's proposal no longer fits.
    Enrollment.objects.filter(person=personas.mentor, role=EnrollmentRole.MENTOR).update(capacity=1)
    approved, problems = proposals_approve_all(program=personas.program, by=personas.hr)
    assert approved == 1
    assert len(problems) == 1
    assert "is at capacity: 1 mentee in this program." in problems[0]


def test_replacing_a_mentor_rescores_and_respects_the_rules(personas: Personas) -> None:
    enroll_mentees(personas)
    run_matching(personas)
    omar_or_pia = Pairing.objects.get(status=PairingStatus.PROPOSED, mentor=personas.mentor)
    extra = PersonFactory.create(
        full_name="Xavier Extra", expertise=[competency("coaching-and-feedback")]
    )
    enrollment_create(
        program=personas.program, person=extra, role=EnrollmentRole.MENTOR, by=personas.hr
    )
    alternatives = selectors.mentor_alternatives(omar_or_pia, limit=None)
    # The current mentor (its own slot counts as free) and the new one; the
    # other mentor's only slot is taken by Nina's proposal.
    assert {a.mentor_id for a in alternatives} == {personas.mentor.pk, extra.pk}

    replaced = pairing_replace_mentor(pairing=omar_or_pia, mentor=extra, by=personas.program_admin)
    assert replaced.mentor_id == extra.pk
    assert replaced.match_explanation[0]["sentence"] == (
        "Shares 1 of 2 focus areas: Coaching and feedback"
    )
    assert AuditEvent.objects.filter(action="pairing.mentor_replaced").count() == 1

    # Rules before capacity: the other mentor manages this mentee now.
    Person.objects.filter(pk=replaced.mentee_id).update(manager=personas.other_mentor)
    replaced.refresh_from_db()
    with pytest.raises(ValidationError, match="management chain"):
        pairing_replace_mentor(pairing=replaced, mentor=personas.other_mentor, by=personas.hr)
    Person.objects.filter(pk=replaced.mentee_id).update(manager=None)
    replaced.refresh_from_db()
    with pytest.raises(ValidationError, match="at capacity"):
        pairing_replace_mentor(pairing=replaced, mentor=personas.other_mentor, by=personas.hr)
    with pytest.raises(ValidationError, match="not enrolled as a mentor"):
        pairing_replace_mentor(pairing=replaced, mentor=personas.outsider, by=personas.hr)


def test_a_rerun_respects_what_hr_decided(personas: Personas) -> None:
    """Declined pairs are not proposed again; a mentor HR chose by hand stays;
    a mentee whose pairing has finished is not matched again."""

    people = enroll_mentees(personas)
    run_matching(personas)
    proposals = list(Pairing.objects.filter(status=PairingStatus.PROPOSED).order_by("pk"))
    declined, kept = proposals
    pairing_decline(pairing=declined, by=personas.hr, reason="They already know each other")
    extra = PersonFactory.create(full_name="Xena Extra")
    enrollment_create(
        program=personas.program, person=extra, role=EnrollmentRole.MENTOR, by=personas.hr
    )
    kept = pairing_replace_mentor(pairing=kept, mentor=extra, by=personas.hr)
    assert kept.source == PairingSource.MANUAL
    personas.pairing.status = PairingStatus.COMPLETED
    personas.pairing.save()

    run_matching(personas)
    kept.refresh_from_db()
    assert (kept.status, kept.mentor_id) == (PairingStatus.PROPOSED, extra.pk)
    again = Pairing.objects.filter(
        mentee=declined.mentee, mentor=declined.mentor, status=PairingStatus.PROPOSED
    )
    assert not again.exists()
    # The personas' mentee finished her pairing: not proposed anyone new.
    assert not Pairing.objects.filter(
        mentee=personas.mentee, status=PairingStatus.PROPOSED
    ).exists()
    assert people  # the three newcomers were the cohort


def test_one_role_per_program_in_an_import(personas: Personas) -> None:
    from mentorship.people.imports.services import person_import_check, person_import_start

    data = (f"email,full_name,role\n{personas.mentor.email},Marco Mentor,mentee\n").encode()
    person_import = person_import_start(
        uploaded_by=personas.hr, filename="x.csv", content=data, program=personas.program
    )
    checked = person_import_check(person_import=person_import)
    assert checked.errors == [
        {
            "row": 2,
            "column": "role",
            "message": "Already a mentor in this program; a person has one role per program.",
        }
    ]

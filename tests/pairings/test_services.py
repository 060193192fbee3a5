from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from mentorship.audit.models import AuditEvent
from mentorship.pairings.models import (
    Milestone,
    MilestoneStatus,
    Pairing,
    PairingOutcome,
    PairingStatus,
)
from mentorship.pairings.services.lifecycle import (
    pairing_end,
    pairing_pause,
    pairing_propose,
    pairing_resume,
    pairing_rule_violations,
)
from mentorship.pairings.services.milestones import milestone_complete, milestones_instantiate
from mentorship.people.services import person_create
from mentorship.plans.models import StepAnchor
from mentorship.plans.schedule import step_due_on
from mentorship.programs.models import EnrollmentRole
from mentorship.programs.services.enrollments import enrollment_create
from tests.factories import EnrollmentFactory
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def enroll(personas: Personas, email: str, role: str, **fields: object) -> object:
    person = person_create(email=email, full_name=email.split("@", maxsplit=1)[0], **fields)  # type: ignore[arg-type]
    enrollment_create(program=personas.program, person=person, role=role, by=personas.hr)
    return person


def test_it_refuses_to_pair_a_person_with_themselves(personas: Personas) -> None:
    # One role per program: the service refuses a mentor as a mentee too.
    with pytest.raises(ValidationError, match="already a mentor in Test program"):
        enrollment_create(
            program=personas.program,
            person=personas.mentor,
            role=EnrollmentRole.MENTEE,
            by=personas.hr,
        )
    # Data from before that rule (written directly) still cannot pair them.
    EnrollmentFactory.create(
        program=personas.program, person=personas.mentor, role=EnrollmentRole.MENTEE
    )
    with pytest.raises(ValidationError, match="cannot mentor themselves"):
        pairing_propose(
            program=personas.program, mentee=personas.mentor, mentor=personas.mentor, by=personas.hr
        )


def test_it_refuses_a_mentor_from_the_mentees_management_chain(personas: Personas) -> None:
    enrollment_create(
        program=personas.program,
        person=personas.line_manager,
        role=EnrollmentRole.MENTOR,
        by=personas.hr,
    )
    newcomer = enroll(personas, "new@scaffold.test", EnrollmentRole.MENTEE, manager=personas.mentee)

    # The mentee's own manager, and (for the newcomer) the manager's manager.
    with pytest.raises(ValidationError, match="management chain"):
        pairing_propose(
            program=personas.program,
            mentee=newcomer,  # type: ignore[arg-type]
            mentor=personas.line_manager,
            by=personas.hr,
        )


def test_it_refuses_a_mentee_above_the_mentor(personas: Personas) -> None:
    junior_mentor = enroll(
        personas, "junior@scaffold.test", EnrollmentRole.MENTOR, manager=personas.other_mentee
    )
    newcomer = enroll(personas, "newbie@scaffold.test", EnrollmentRole.MENTEE)
    pairing_rule_violations(
        program=personas.program,
        mentee=newcomer,  # type: ignore[arg-type]
        mentor=junior_mentor,  # type: ignore[arg-type]
    )
    problems = pairing_rule_violations(
        program=personas.program,
        mentee=personas.other_mentee,
        mentor=junior_mentor,  # type: ignore[arg-type]
    )
    assert any("management chain" in p for p in problems)


def test_it_refuses_people_who_are_not_enrolled(personas: Personas) -> None:
    with pytest.raises(ValidationError) as error:
        pairing_propose(
            program=personas.program,
            mentee=personas.outsider,
            mentor=personas.mentor,
            by=personas.hr,
        )
    assert "is not enrolled as a mentee" in str(error.value)


def test_it_never_exceeds_a_mentors_capacity(personas: Personas) -> None:
    personas.mentor.default_mentor_capacity = 1
    personas.mentor.save()
    newcomer = enroll(personas, "third@scaffold.test", EnrollmentRole.MENTEE)

    with pytest.raises(ValidationError, match="at capacity"):
        pairing_propose(
            program=personas.program,
            mentee=newcomer,  # type: ignore[arg-type]
            mentor=personas.mentor,
            by=personas.hr,
        )


def test_it_allows_one_open_pairing_per_mentee(personas: Personas) -> None:
    with pytest.raises(ValidationError, match="already has an open pairing"):
        pairing_propose(
            program=personas.program,
            mentee=personas.mentee,
            mentor=personas.other_mentor,
            by=personas.hr,
        )


def test_activation_copies_the_plan_with_due_dates(personas: Personas) -> None:
    pairing = personas.pairing
    assert pairing.starts_on is not None
    milestones = list(pairing.milestones.order_by("position"))

    assert [m.title for m in milestones] == [
        "Kickoff",
        "First 1:1s",
        "Read past reviews",
        "Day-30 self-assessment",
    ]
    assert milestones[0].due_on == pairing.starts_on
    assert milestones[1].due_on == pairing.starts_on + dt.timedelta(days=7)
    assert milestones[3].due_on == pairing.starts_on + dt.timedelta(days=30)
    assert pairing.ends_on == pairing.starts_on + dt.timedelta(days=90)


def test_a_step_anchored_on_promotion_is_never_due_before_the_pairing(personas: Personas) -> None:
    # The mentee became a manager 30 days ago and the pairing started 10 days
    # ago: "promotion + 14 days" was 16 days ago, before the start.
    milestone = personas.pairing.milestones.get(title="Read past reviews")
    assert milestone.due_on == personas.pairing.starts_on


def test_promotion_anchor_counts_from_the_promotion_when_that_is_later(personas: Personas) -> None:
    step = personas.plan.steps.get(anchor=StepAnchor.PROMOTION_DATE)
    starts_on = dt.date(2026, 3, 1)
    assert step_due_on(step, starts_on=starts_on, promoted_on=dt.date(2026, 2, 25)) == dt.date(
        2026, 3, 11
    )
    assert step_due_on(step, starts_on=starts_on, promoted_on=None) == dt.date(2026, 3, 15)


def test_instantiating_milestones_twice_creates_nothing_new(personas: Personas) -> None:
    before = Milestone.objects.filter(pairing=personas.pairing).count()

    milestones_instantiate(pairing=personas.pairing)

    assert Milestone.objects.filter(pairing=personas.pairing).count() == before == 4


def test_editing_the_plan_later_does_not_change_milestones_under_way(personas: Personas) -> None:
    step = personas.plan.steps.get(title="First 1:1s")
    step.title = "Renamed step"
    step.offset_days = 20
    step.save()

    milestone = personas.pairing.milestones.get(plan_step=step)
    assert milestone.title == "First 1:1s"


@pytest.mark.parametrize(
    ("start", "move", "allowed"),
    [
        (PairingStatus.ACTIVE, "pause", True),
        (PairingStatus.PAUSED, "resume", True),
        (PairingStatus.ACTIVE, "resume", False),
        (PairingStatus.COMPLETED, "pause", False),
        (PairingStatus.ENDED, "resume", False),
    ],
)
def test_only_legal_transitions_happen(
    personas: Personas, start: str, move: str, allowed: bool
) -> None:
    pairing = personas.pairing
    pairing.status = start
    pairing.save()
    action = {
        "pause": lambda: pairing_pause(pairing=pairing, by=personas.hr, reason="Leave"),
        "resume": lambda: pairing_resume(pairing=pairing, by=personas.hr),
    }[move]

    if allowed:
        action()
    else:
        with pytest.raises(ValidationError, match="cannot become"):
            action()
        pairing.refresh_from_db()
        assert pairing.status == start


def test_every_transition_is_audited(personas: Personas) -> None:
    pairing_pause(pairing=personas.pairing, by=personas.hr, reason="Leave")
    pairing_end(
        pairing=personas.pairing,
        by=personas.hr,
        reason="Moved teams",
        outcome=PairingOutcome.IC_TRACK,
    )

    actions = list(
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(Pairing),
            target_id=str(personas.pairing.pk),
        )
        .order_by("at", "id")
        .values_list("action", "data")
    )
    assert [a for a, _ in actions] == [
        "pairing.proposed",
        "pairing.active",
        "pairing.paused",
        "pairing.ended",
    ]
    assert actions[-1][1] == {"from": "paused", "to": "ended", "outcome": "ic_track"}


def test_ending_early_needs_a_reason(personas: Personas) -> None:
    with pytest.raises(ValidationError, match="Say why"):
        pairing_end(pairing=personas.pairing, by=personas.hr, reason="  ")


def test_a_milestone_is_completed_once(personas: Personas) -> None:
    milestone = personas.pairing.milestones.first()
    assert milestone is not None
    milestone_complete(milestone=milestone, by=personas.mentee, note="Went well")
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.DONE
    assert milestone.completed_by == personas.mentee

    with pytest.raises(ValidationError, match="already done"):
        milestone_complete(milestone=milestone, by=personas.mentor)

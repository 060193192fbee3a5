"""No N+1: every list runs the same number of queries for 1 row and for 50."""

from __future__ import annotations

from typing import Any

import pytest

from mentorship.pairings.models import PairingStatus
from mentorship.programs.models import EnrollmentRole
from tests.factories import (
    CheckInFactory,
    DepartmentFactory,
    EnrollmentFactory,
    PairingFactory,
    PersonFactory,
    PlanStepFactory,
    ProgramFactory,
    competency,
)
from tests.fixtures.personas import Personas
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


def ok(client: Any, url: str) -> Any:
    def action() -> None:
        response = client.get(url)
        assert response.status_code == 200

    return action


def test_people(personas: Personas, client_for: Any) -> None:
    skills = [competency("coaching-and-feedback"), competency("conflict-resolution")]

    def grow(n: int) -> None:
        for _ in range(n):
            PersonFactory.create(expertise=skills)

    assert_constant_queries(ok(client_for(personas.hr), "/api/v1/people/"), grow, at_most=6)


def test_programs(personas: Personas, client_for: Any) -> None:
    def grow(n: int) -> None:
        for _ in range(n):
            ProgramFactory.create(admins=[personas.program_admin, personas.hr])

    assert_constant_queries(ok(client_for(personas.hr), "/api/v1/programs/"), grow, at_most=6)


def test_plans(personas: Personas, client_for: Any) -> None:
    def grow(n: int) -> None:
        for _ in range(n):
            PlanStepFactory.create_batch(3, competency=competency("coaching-and-feedback"))

    assert_constant_queries(ok(client_for(personas.hr), "/api/v1/plans/"), grow, at_most=6)


def test_departments(personas: Personas, client_for: Any) -> None:
    assert_constant_queries(
        ok(client_for(personas.mentee), "/api/v1/departments/"),
        DepartmentFactory.create_batch,
        at_most=4,
    )


def test_tokens(personas: Personas, client_for: Any) -> None:
    from mentorship.people.services import api_token_create

    def grow(n: int) -> None:
        for _ in range(n):
            api_token_create(person=personas.mentee, name="t")

    assert_constant_queries(
        ok(client_for(personas.mentee), "/api/v1/auth/tokens/"), grow, at_most=4
    )


def test_home_for_a_mentor_with_many_mentees(personas: Personas, client: Any) -> None:
    def grow(n: int) -> None:
        for _ in range(n):
            pairing = PairingFactory.create(program=personas.program, mentor=personas.mentor)
            EnrollmentFactory.create(
                program=personas.program, person=pairing.mentee, role=EnrollmentRole.MENTEE
            )

    client.force_login(personas.mentor)
    assert_constant_queries(ok(client, "/"), grow, at_most=8)


def test_home_for_hr_with_many_programs(personas: Personas, client: Any) -> None:
    def grow(n: int) -> None:
        for _ in range(n):
            program = ProgramFactory.create()
            PairingFactory.create(program=program, status=PairingStatus.ACTIVE)

    client.force_login(personas.hr)
    assert_constant_queries(ok(client, "/"), grow, at_most=8)


def test_home_for_a_line_manager_with_many_reports(personas: Personas, client: Any) -> None:
    def grow(n: int) -> None:
        for _ in range(n):
            report = PersonFactory.create(manager=personas.line_manager)
            EnrollmentFactory.create(
                program=personas.program, person=report, role=EnrollmentRole.MENTEE
            )
            PairingFactory.create(program=personas.program, mentee=report)

    client.force_login(personas.line_manager)
    assert_constant_queries(ok(client, "/"), grow, at_most=8)


def test_milestones(personas: Personas, client_for: Any) -> None:
    from tests.factories import MilestoneFactory

    def grow(n: int) -> None:
        for _ in range(n):
            MilestoneFactory.create(
                pairing=personas.pairing, competency=competency("coaching-and-feedback")
            )

    assert_constant_queries(
        ok(client_for(personas.mentee), f"/api/v1/milestones/?pairing={personas.pairing.pk}"),
        grow,
        at_most=6,
    )


def test_notifications(personas: Personas, client_for: Any) -> None:
    import datetime as dt

    from mentorship.notifications.models import Notification

    def grow(n: int) -> None:
        for _ in range(n):
            person = PersonFactory.create()
            Notification.objects.create(
                kind="pairing_welcome",
                recipient=person,
                dedup_key=f"grow:{person.pk}",
                send_after=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
                program=personas.program,
            )

    assert_constant_queries(
        ok(client_for(personas.program_admin), "/api/v1/notifications/"), grow, at_most=6
    )


def test_pairing_page(personas: Personas, client: Any) -> None:
    from mentorship.checkins.models import ActionItem
    from tests.factories import MilestoneFactory

    def grow(n: int) -> None:
        for _ in range(n):
            MilestoneFactory.create(
                pairing=personas.pairing,
                competency=competency("conflict-resolution"),
                description="Guidance",
            )
            checkin = CheckInFactory.create(pairing=personas.pairing, shared_notes="Talked")
            checkin.topics.set([competency("conflict-resolution")])
            ActionItem.objects.create(
                pairing=personas.pairing,
                created_in=checkin,
                text="Try it",
                owner=personas.mentor,
            )

    client.force_login(personas.mentee)
    assert_constant_queries(ok(client, f"/pairings/{personas.pairing.pk}/"), grow, at_most=13)


def test_email_log_and_my_emails(personas: Personas, client: Any) -> None:
    import datetime as dt

    from mentorship.notifications.models import Notification

    def grow(n: int) -> None:
        for _ in range(n):
            Notification.objects.create(
                kind="milestone_overdue",
                recipient=personas.mentee,
                dedup_key=f"grow:{Notification.objects.count()}",
                send_after=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
                program=personas.program,
            )

    client.force_login(personas.hr)
    assert_constant_queries(ok(client, "/mail/log/"), grow, at_most=8)
    client.force_login(personas.mentee)
    assert_constant_queries(ok(client, "/mail/"), grow, at_most=8)


def test_plans_page(personas: Personas, client: Any) -> None:
    def grow(n: int) -> None:
        for _ in range(n):
            PlanStepFactory.create_batch(2)

    client.force_login(personas.hr)
    assert_constant_queries(ok(client, "/plans/"), grow, at_most=8)


def _log_checkins(personas: Personas, n: int) -> None:
    from mentorship.checkins.selectors import plan_competencies
    from mentorship.checkins.services import ActionItemSpec, assessment_record, checkin_log
    from mentorship.core.timezones import today_for

    topics = plan_competencies(personas.pairing)
    for _ in range(n):
        checkin_log(
            pairing=personas.pairing,
            by=personas.mentee,
            occurred_on=today_for(personas.mentee),
            duration_minutes=30,
            topics=topics,
            shared_notes="Shared",
            private_note="Mine",
            action_items=[ActionItemSpec(text="Do it", owner=personas.mentor)],
        )
        assessment_record(
            pairing=personas.pairing,
            by=personas.mentee,
            occasion="ad_hoc",
            ratings=dict.fromkeys(topics, 3),
            shared_with_mentor=True,
            reflection="Why",
        )


@pytest.mark.parametrize("persona", ["mentee", "mentor", "hr"])
def test_checkins(personas: Personas, client_for: Any, persona: str) -> None:
    client = client_for(getattr(personas, persona))
    assert_constant_queries(
        ok(client, "/api/v1/check-ins/"), lambda n: _log_checkins(personas, n), at_most=9
    )


def test_action_items(personas: Personas, client_for: Any) -> None:
    client = client_for(personas.mentor)
    assert_constant_queries(
        ok(client, "/api/v1/action-items/"), lambda n: _log_checkins(personas, n), at_most=5
    )


@pytest.mark.parametrize("persona", ["mentee", "mentor"])
def test_assessments(personas: Personas, client_for: Any, persona: str) -> None:
    client = client_for(getattr(personas, persona))
    assert_constant_queries(
        ok(client, "/api/v1/assessments/"), lambda n: _log_checkins(personas, n), at_most=6
    )


def test_confidence_summary(personas: Personas, client_for: Any) -> None:
    client = client_for(personas.hr)
    url = f"/api/v1/assessments/summary/?program={personas.program.pk}"
    assert_constant_queries(ok(client, url), lambda n: _log_checkins(personas, n), at_most=6)

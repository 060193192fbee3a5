from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mentorship.core.timezones import today_for
from mentorship.pairings.models import Milestone
from mentorship.pairings.services.milestones import milestone_complete
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def home(client: Client, person: Any) -> str:
    client.force_login(person)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_mentee_sees_their_mentor_and_what_comes_next(client: Client, personas: Personas) -> None:
    milestone_complete(
        milestone=personas.pairing.milestones.get(title="Kickoff"), by=personas.mentee
    )

    html = home(client, personas.mentee)

    assert "Marco Mentor</strong> is your mentor in <em>Test program</em>" in html
    assert "Plan progress: 1 of 4 milestones done" in html
    assert "First 1:1s" in html
    assert "Otto Othermentee" not in html
    assert "Programs you run" not in html


def test_a_mentor_sees_their_mentees_only(client: Client, personas: Personas) -> None:
    html = home(client, personas.mentor)

    assert "People you mentor" in html
    assert "Mira Mentee" in html
    assert "Otto Othermentee" not in html


def test_overdue_milestones_are_counted_for_the_mentor(client: Client, personas: Personas) -> None:
    # The pairing started 10 days ago: the kickoff (day 0), the step anchored on
    # the promotion (held to day 0) and the first 1:1s (day 7) are past due.
    overdue = Milestone.objects.filter(
        pairing=personas.pairing, due_on__lt=today_for(personas.mentor)
    ).count()
    assert overdue == 3

    assert "3 overdue" in home(client, personas.mentor)


def test_a_line_manager_sees_their_reports_progress(client: Client, personas: Personas) -> None:
    html = home(client, personas.line_manager)

    assert "Your reports in a program" in html
    assert "Mira Mentee" in html
    assert "Marco Mentor" not in html


def test_a_program_admin_sees_the_programs_they_run(client: Client, personas: Personas) -> None:
    html = home(client, personas.program_admin)

    assert "Programs you run" in html
    assert "Test program" in html
    assert "2 active" in html


def test_someone_in_no_program_is_told_what_comes(client: Client, personas: Personas) -> None:
    html = home(client, personas.outsider)

    assert "You are not in a program yet" in html


def test_a_mentee_with_a_proposal_not_yet_approved_knows_a_mentor_is_coming(
    client: Client, personas: Personas
) -> None:
    from mentorship.pairings.services.lifecycle import pairing_propose
    from mentorship.programs.models import EnrollmentRole
    from mentorship.programs.services.enrollments import enrollment_create
    from tests.factories import PersonFactory

    newcomer = PersonFactory.create(full_name="Nadia Newlead")
    enrollment_create(
        program=personas.program, person=newcomer, role=EnrollmentRole.MENTEE, by=personas.hr
    )
    pairing_propose(
        program=personas.program, mentee=newcomer, mentor=personas.other_mentor, by=personas.hr
    )

    html = home(client, newcomer)

    assert "You are not in a program yet" not in html
    assert "The program admins are choosing your mentor" in html
    assert personas.other_mentor.full_name not in html  # not named before it is approved


def test_each_side_sees_what_to_do_next(client: Client, personas: Personas) -> None:
    import datetime as dt

    from mentorship.checkins.services import ActionItemSpec, checkin_log

    today = today_for(personas.mentee)
    checkin_log(
        pairing=personas.pairing,
        by=personas.mentee,
        occurred_on=today - dt.timedelta(days=3),
        duration_minutes=30,
        action_items=[
            ActionItemSpec(
                text="Draft the team charter",
                owner=personas.mentee,
                due_on=today - dt.timedelta(days=1),
            ),
            ActionItemSpec(text="Share the hiring rubric", owner=personas.mentor),
        ],
    )

    mentee = home(client, personas.mentee)
    assert "What to do next" in mentee
    assert "last check-in on" in mentee
    assert "3 days ago" in mentee
    assert f'href="/pairings/{personas.pairing.pk}/check-ins/new/"' in mentee
    assert "Draft the team charter" in mentee
    assert "status-overdue" in mentee
    assert "Share the hiring rubric" not in mentee  # the mentor's to do, not hers

    mentor = home(Client(), personas.mentor)
    assert "Share the hiring rubric" in mentor
    assert "Draft the team charter" not in mentor
    # Another pair's items never show.
    assert "Draft the team charter" not in home(Client(), personas.other_mentee)


def test_a_check_in_logged_today_says_today(client: Client, personas: Personas) -> None:
    from mentorship.checkins.services import checkin_log

    checkin_log(
        pairing=personas.pairing,
        by=personas.mentee,
        occurred_on=today_for(personas.mentee),
        duration_minutes=30,
    )

    html = home(client, personas.mentee)

    assert "last check-in today" in html
    assert "minutes ago" not in html


def test_a_pair_without_a_check_in_is_told_so(client: Client, personas: Personas) -> None:
    html = home(client, personas.mentor)
    assert "With <strong>Mira Mentee</strong>:" in html
    assert "no check-in yet" in html
    assert "Log a check-in" in html


def test_a_pairing_approved_to_start_later_says_when_and_offers_nothing_to_log_yet(
    client: Client, personas: Personas
) -> None:
    import datetime as dt

    from mentorship.pairings.services.lifecycle import pairing_propose
    from mentorship.pairings.services.matching import pairing_approve
    from mentorship.programs.models import EnrollmentRole
    from mentorship.programs.services.enrollments import enrollment_create
    from tests.factories import PersonFactory

    newcomer, mentor = PersonFactory.create(), PersonFactory.create()
    for person, role in ((newcomer, EnrollmentRole.MENTEE), (mentor, EnrollmentRole.MENTOR)):
        enrollment_create(program=personas.program, person=person, role=role, by=personas.hr)
    first_day = today_for(personas.hr) + dt.timedelta(days=4)
    pairing = pairing_approve(
        pairing=pairing_propose(
            program=personas.program, mentee=newcomer, mentor=mentor, by=personas.hr
        ),
        by=personas.hr,
        starts_on=first_day,
    )

    html = home(client, newcomer)
    assert f"your pairing starts on {first_day:%a %-d %b}" in html
    assert f"/pairings/{pairing.pk}/check-ins/new/" not in html
    detail = client.get(f"/pairings/{pairing.pk}/").content.decode()
    assert "check-ins and self-ratings open that day" in detail
    assert "Log a check-in" not in detail
    refused = client.get(f"/pairings/{pairing.pk}/check-ins/new/", follow=True)
    assert refused.redirect_chain[-1][0] == f"/pairings/{pairing.pk}/"

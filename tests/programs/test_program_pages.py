"""A program's own pages: HR and its admins create, change, open, close and
copy it on the web; everyone else gets a 404; bad input is explained on the
form and nothing is saved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mentorship.pairings.models import MatchingRun, Pairing, PairingStatus
from mentorship.pairings.services.matching import matching_execute
from mentorship.programs.models import EnrollmentRole, Program, ProgramStatus
from mentorship.programs.services.enrollments import enrollment_create
from mentorship.programs.services.programs import program_create
from tests.factories import PersonFactory
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def day(offset: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=offset)).isoformat()


def form(**extra: Any) -> dict[str, Any]:
    return {
        "name": "Autumn cohort",
        "description": "For managers promoted this summer.",
        "starts_on": day(10),
        "ends_on": day(130),
        "pairing_length_days": 90,
        "checkin_cadence_days": 14,
        "reminder_lead_days": 3,
        "weight_competency": 0.4,
        "weight_department": 0.2,
        "weight_time_zone": 0.2,
        "weight_experience": 0.2,
        "admins": "",
        **extra,
    }


def signed_in(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_hr_creates_a_program_on_the_web(personas: Personas) -> None:
    client = signed_in(personas.hr)
    assert "New program" in client.get("/programs/").content.decode()

    response = client.post(
        "/programs/new/",
        form(plan=personas.plan.pk, admins=f"{personas.program_admin.email}\n"),
    )

    program = Program.objects.get(name="Autumn cohort")
    assert response.status_code == 302
    assert response["Location"] == f"/programs/{program.pk}/"
    assert program.status == ProgramStatus.DRAFT
    assert list(program.admins.all()) == [personas.program_admin]
    page = client.get(response["Location"]).content.decode()
    assert "Getting it ready" in page
    assert "Open the program" in page


def test_bad_input_is_explained_on_the_form_and_nothing_is_saved(personas: Personas) -> None:
    client = signed_in(personas.program_admin)

    response = client.post(
        "/programs/new/",
        form(
            ends_on=day(10),
            weight_competency=0,
            weight_department=0,
            weight_time_zone=0,
            weight_experience=0,
            admins="nobody@nowhere.test",
        ),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "The program must end after it starts." in html
    assert "Give at least one matching weight above zero." in html
    assert "Nobody works here with the address nobody@nowhere.test" in html
    assert "program_ends_after_start" not in html  # never a constraint's name
    assert Program.objects.count() == 1

    out_of_range = client.post(
        "/programs/new/", form(checkin_cadence_days=0, reminder_lead_days=31)
    ).content.decode()
    assert "Check in every 1 to 90 days." in out_of_range
    assert "Send reminders 0 to 30 days before a milestone is due." in out_of_range
    assert "Ensure this value" not in out_of_range

    two = client.post("/programs/new/", form(admins="a@nowhere.test, garbage")).content.decode()
    assert "“garbage” is not an email address." in two
    # A name typed where an address goes is named once, not word by word.
    named = client.post(
        "/programs/new/", form(admins="Ada Lovelace, Bob; c@nowhere.test d@nowhere.test")
    ).content.decode()
    assert "“Ada Lovelace”, “Bob” are not email addresses." in named
    assert "“Lovelace”" not in named
    assert "c@nowhere.test" not in named.split("are not email addresses")[0][-80:]
    both = client.post("/programs/new/", form(admins="a@nowhere.test\nb@nowhere.test"))
    assert "these addresses: a@nowhere.test; b@nowhere.test." in both.content.decode()


@pytest.mark.parametrize(
    "persona", ["mentor", "mentee", "line_manager", "other_mentor", "other_mentee", "outsider"]
)
def test_only_those_who_run_a_program_reach_its_pages(personas: Personas, persona: str) -> None:
    client = signed_in(getattr(personas, persona))
    program = personas.program
    for url in (
        "/programs/",
        "/programs/new/",
        f"/programs/{program.pk}/",
        f"/programs/{program.pk}/edit/",
        f"/programs/{program.pk}/close/",
        f"/programs/{program.pk}/copy/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/programs/{program.pk}/open/").status_code == 404
    assert client.post(f"/programs/{program.pk}/close/").status_code == 404
    program.refresh_from_db()
    assert program.status == ProgramStatus.ACTIVE


def test_an_admin_changes_the_settings(personas: Personas) -> None:
    client = signed_in(personas.program_admin)
    program = personas.program
    page = client.get(f"/programs/{program.pk}/edit/").content.decode()
    assert 'value="Test program"' in page

    response = client.post(
        f"/programs/{program.pk}/edit/",
        form(
            name="Test program, renamed",
            starts_on=program.starts_on.isoformat(),
            ends_on=program.ends_on.isoformat(),
            plan=personas.plan.pk,
            admins=personas.program_admin.email,
            checkin_cadence_days=7,
        ),
    )

    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.name, program.checkin_cadence_days) == ("Test program, renamed", 7)


def test_a_draft_opens_and_its_approved_pairings_start(personas: Personas) -> None:
    program = program_create(
        name="Spring cohort",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=120),
        plan=personas.plan,
        by=personas.program_admin,
    )
    mentee, mentor = PersonFactory.create(), PersonFactory.create()
    enrollment_create(program=program, person=mentee, role=EnrollmentRole.MENTEE, by=personas.hr)
    enrollment_create(program=program, person=mentor, role=EnrollmentRole.MENTOR, by=personas.hr)
    matching_execute(run=MatchingRun.objects.create(program=program, requested_by=personas.hr))
    client = signed_in(personas.program_admin)

    matching = client.get(f"/programs/{program.pk}/matching/").content.decode()
    assert "is still a draft" in matching
    assert f'min="{day(0)}"' in matching
    approved = client.post(f"/programs/{program.pk}/matching/approve-all/", {"starts_on": ""})
    assert approved.status_code == 302
    followed = client.get(f"/programs/{program.pk}/matching/").content.decode()
    assert "Approved, starting when the program opens (1)" in followed

    opened = client.post(f"/programs/{program.pk}/open/", follow=True)

    assert "is open. 1 approved pairing started" in opened.content.decode()
    assert Pairing.objects.get(program=program).status == PairingStatus.ACTIVE


def test_a_draft_without_a_plan_offers_no_open_to_confirm(personas: Personas) -> None:
    """Opening needs a plan: the button says so before anyone confirms."""
    program = program_create(
        name="No plan yet",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=120),
        by=personas.program_admin,
    )
    page = signed_in(personas.program_admin).get(f"/programs/{program.pk}/").content.decode()

    assert f'action="/programs/{program.pk}/open/"' not in page
    assert "It opens once it has an onboarding plan." in page
    assert "disabled" in page


def test_closing_shows_what_will_happen_before_it_happens(personas: Personas) -> None:
    client = signed_in(personas.hr)
    url = f"/programs/{personas.program.pk}/close/"

    page = client.get(url).content.decode()
    assert "2</strong> live pairings are completed" in page
    assert personas.program.status == ProgramStatus.ACTIVE

    done = client.post(url, follow=True).content.decode()
    assert "is closed: 2 pairings completed" in done
    personas.program.refresh_from_db()
    assert personas.program.status == ProgramStatus.CLOSED
    assert client.get(f"/programs/{personas.program.pk}/edit/", follow=True).status_code == 200


def test_a_copy_is_offered_with_dates_after_this_one(personas: Personas) -> None:
    client = signed_in(personas.hr)
    program = personas.program
    page = client.get(f"/programs/{program.pk}/copy/").content.decode()
    assert "Test program (next cohort)" in page

    response = client.post(
        f"/programs/{program.pk}/copy/",
        {
            "name": "Test program 2",
            "starts_on": day(200),
            "ends_on": day(320),
            "with_mentors": "on",
        },
    )

    copy = Program.objects.get(name="Test program 2")
    assert response["Location"] == f"/programs/{copy.pk}/"
    assert copy.enrollments.filter(role=EnrollmentRole.MENTOR).count() == 2
    refused = client.post(
        f"/programs/{program.pk}/copy/",
        {"name": "Backwards", "starts_on": day(200), "ends_on": day(100)},
    )
    assert refused.status_code == 400
    assert "The program must end after it starts." in refused.content.decode()

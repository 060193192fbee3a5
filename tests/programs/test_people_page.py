"""The people of a program, for its admins: enroll, see who waits, withdraw."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mentorship.programs.models import Enrollment, EnrollmentStatus
from tests.factories import EnrollmentFactory, PersonFactory, competency
from tests.fixtures.personas import Personas
from tests.helpers import assert_constant_queries, occurrences

pytestmark = pytest.mark.django_db


def signed_in(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.mark.parametrize(
    "persona", ["hr", "program_admin", "mentor", "mentee", "line_manager", "outsider"]
)
def test_only_program_admins_see_the_roster(personas: Personas, persona: str) -> None:
    url = f"/programs/{personas.program.pk}/people/"
    response = signed_in(getattr(personas, persona)).get(url)
    if persona in ("hr", "program_admin"):
        assert response.status_code == 200
        html = response.content.decode()
        assert "Mira Mentee" in html
        assert "1 of 2" in html  # the mentor's load against capacity
    else:
        assert response.status_code == 404


def test_enroll_with_clear_errors_then_withdraw(personas: Personas) -> None:
    client = signed_in(personas.program_admin)
    url = f"/programs/{personas.program.pk}/people/"
    empty = client.post(url, {"email": "", "focus_competencies": [], "capacity": ""})
    assert empty.status_code == 400
    assert "Give the email address of the person to enroll." in empty.content.decode()
    assert "Choose whether they join as a mentee or as a mentor." in empty.content.decode()
    unknown = client.post(url, {"email": "nobody@x.io", "role": "mentee"})
    assert unknown.status_code == 400
    assert (
        "Nobody with the address nobody@x.io works here: check the spelling, "
        "or have them added to Scaffold first."
    ) in (unknown.content.decode())
    twice = client.post(url, {"email": personas.mentee.email, "role": "mentee"})
    assert twice.status_code == 400
    assert "is already enrolled" in twice.content.decode()

    newcomer = PersonFactory.create(email="nia@x.io", full_name="Nia New")
    done = client.post(
        url,
        {
            "email": "NIA@x.io",
            "role": "mentee",
            "focus_competencies": [competency("conflict-resolution").pk],
        },
        follow=True,
    )
    assert "Nia New is enrolled as a mentee." in done.content.decode()
    enrollment = Enrollment.objects.get(person=newcomer)
    assert list(enrollment.focus_competencies.values_list("slug", flat=True)) == [
        "conflict-resolution"
    ]
    assert "<strong>waiting</strong>" in done.content.decode()

    no_reason = client.post(f"{url}{enrollment.pk}/withdraw/", {"reason": ""}, follow=True)
    assert "Say why they leave the program." in no_reason.content.decode()
    withdrawn = client.post(f"{url}{enrollment.pk}/withdraw/", {"reason": "Moved"}, follow=True)
    html = withdrawn.content.decode()
    assert "Nia New is withdrawn as a mentee from" in html
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.WITHDRAWN
    # Counted apart, and listed after everyone taking part.
    mentees = html.split('id="mentee-roster"')[1].split("</table>")[0]
    assert "Mentees (2, and 1 withdrawn)" in html
    assert mentees.index("Mira Mentee") < mentees.index("Nia New")


def test_withdraw_is_offered_only_to_those_with_no_live_pairing_and_asks_first(
    personas: Personas,
) -> None:
    """Someone in a live pairing cannot be withdrawn (the pairing ends
    first, deliberately): the roster says so and links to the pairing,
    instead of a form that is refused once a reason is typed. The others'
    Withdraw asks before it acts."""
    waiting = EnrollmentFactory.create(
        program=personas.program, person=PersonFactory.create(full_name="Wes Waiting")
    )
    roster = signed_in(personas.program_admin).get(f"/programs/{personas.program.pk}/people/")
    html = roster.content.decode()
    mentee = Enrollment.objects.get(person=personas.mentee, role="mentee")
    mentor = Enrollment.objects.get(person=personas.mentor, role="mentor")
    assert roster.status_code == 200
    assert '<th scope="col">Leave the program</th>' in html
    for live in (mentee, mentor):
        assert f"/people/{live.pk}/withdraw/" not in html
    assert (
        f'In 1 live pairing: <a href="/pairings/{personas.pairing.pk}/#lifecycle">end it</a> first'
        in html
    )
    assert "In 1 live pairing: end it first</small>" in html  # the mentor
    assert f"/people/{waiting.pk}/withdraw/" in html
    assert f'data-confirm="Withdraw Wes Waiting as mentee from “{personas.program.name}”?' in html


def test_roster_queries_do_not_grow(personas: Personas) -> None:
    client = signed_in(personas.hr)

    def grow(n: int) -> None:
        for _ in range(n):
            enrollment = EnrollmentFactory.create(program=personas.program)
            enrollment.focus_competencies.set([competency("coaching-and-feedback")])

    assert_constant_queries(
        lambda: client.get(f"/programs/{personas.program.pk}/people/"),
        grow,
        served=occurrences('aria-label="Change the focus areas of '),
        at_most=12,
    )


def test_admins_change_focus_areas_and_capacity_from_the_roster(personas: Personas) -> None:
    client = signed_in(personas.program_admin)
    roster = client.get(f"/programs/{personas.program.pk}/people/").content.decode()
    mentee = Enrollment.objects.get(person=personas.mentee, role="mentee")
    mentor = Enrollment.objects.get(person=personas.mentor, role="mentor")
    assert f"/programs/{personas.program.pk}/people/{mentee.pk}/edit/" in roster
    assert f"/programs/{personas.program.pk}/people/{mentor.pk}/edit/" in roster

    saved = client.post(
        f"/programs/{personas.program.pk}/people/{mentee.pk}/edit/",
        {"focus_competencies": [competency("prioritization-and-delegation").pk]},
        follow=True,
    )
    assert "Focus areas of Mira Mentee saved." in saved.content.decode()
    assert list(mentee.focus_competencies.values_list("slug", flat=True)) == [
        "prioritization-and-delegation"
    ]

    edit_mentor = f"/programs/{personas.program.pk}/people/{mentor.pk}/edit/"
    assert "usual: 2" in client.get(edit_mentor).content.decode()
    refused = client.post(edit_mentor, {"capacity": "0"})
    assert refused.status_code == 400
    assert "the capacity cannot go below 1." in refused.content.decode()
    assert client.post(edit_mentor, {"capacity": "21"}).status_code == 400
    client.post(edit_mentor, {"capacity": "4"})
    mentor.refresh_from_db()
    assert mentor.capacity == 4
    assert "1 of 4" in client.get(f"/programs/{personas.program.pk}/people/").content.decode()


def test_a_waiting_mentee_changes_their_own_focus_areas(personas: Personas) -> None:
    newcomer = PersonFactory.create(full_name="Nia New")
    enrollment = EnrollmentFactory.create(program=personas.program, person=newcomer)
    client = signed_in(newcomer)
    home = client.get("/").content.decode()
    assert "Your focus areas: none chosen yet" in home
    url = f"/programs/{personas.program.pk}/people/{enrollment.pk}/edit/"
    assert url in home

    saved = client.post(
        url, {"focus_competencies": [competency("conflict-resolution").pk]}, follow=True
    )
    page = saved.content.decode()
    assert "Focus areas saved." in page
    assert "Your focus areas: Conflict resolution" in page
    # Someone else's enrollment, or one in a program they do not run: not found.
    for person in (personas.mentee, personas.mentor, personas.outsider):
        assert signed_in(person).get(url).status_code == 404
        assert signed_in(person).post(url, {"focus_competencies": []}).status_code == 404
    assert enrollment.focus_competencies.count() == 1


def test_a_mentor_changes_their_own_capacity_from_home(personas: Personas) -> None:
    mentor = Enrollment.objects.get(person=personas.mentor, role="mentor")
    client = signed_in(personas.mentor)
    home = client.get("/").content.decode()
    assert f"{personas.program.name}: 1 of 2 places taken" in home
    url = f"/programs/{personas.program.pk}/people/{mentor.pk}/edit/"
    assert url in home

    refused = client.post(url, {"capacity": "0"})
    assert "You have 1 mentee here now, counting proposals; your capacity cannot go below 1." in (
        refused.content.decode()
    )
    saved = client.post(url, {"capacity": "3"}, follow=True).content.decode()
    assert "Capacity saved." in saved
    assert f"{personas.program.name}: 1 of 3 places taken" in saved

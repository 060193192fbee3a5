"""A waiting mentee sees the three mentors who fit best, with the reasons,
and asks for one; HR decides like any proposal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from mentorship.pairings.models import Pairing, PairingSource, PairingStatus
from mentorship.programs.models import EnrollmentRole
from mentorship.programs.services.enrollments import enrollment_create
from tests.factories import PersonFactory, competency
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def waiting_mentee(personas: Personas) -> Any:
    newcomer = PersonFactory.create(full_name="Wanda Waiting", manager=personas.other_mentor)
    enrollment_create(
        program=personas.program,
        person=newcomer,
        role=EnrollmentRole.MENTEE,
        by=personas.hr,
        focus_competencies=[competency("conflict-resolution")],
    )
    for index in range(3):
        mentor = PersonFactory.create(full_name=f"Extra Mentor {index}")
        enrollment_create(
            program=personas.program, person=mentor, role=EnrollmentRole.MENTOR, by=personas.hr
        )
    return newcomer


def test_recommendations_and_a_request_by_api(
    personas: Personas, client_for: Callable[..., Any]
) -> None:
    wanda = waiting_mentee(personas)
    client = client_for(wanda)
    url = f"/api/v1/matching/recommendations/?program={personas.program.pk}"
    rows = client.get(url).json()
    assert len(rows) == 3
    names = [row["mentor"]["full_name"] for row in rows]
    # The mentor shares her focus area; her own manager is never offered.
    assert names[0] == "Marco Mentor"
    assert "Olga Othermentor" not in names
    assert rows[0]["explanation"].startswith("Shares 1 of 1 focus areas: Conflict resolution")
    assert rows[0]["score"] >= rows[1]["score"] >= rows[2]["score"]

    # Someone who is not recommended, and an id nobody has, get one answer
    # that names nobody: no way to read names by id.
    answers = []
    for mentor_id in (personas.other_mentor.pk, personas.outsider.pk, 10**9):
        refused = client.post(
            "/api/v1/matching/requests/",
            {"program": personas.program.pk, "mentor": mentor_id},
            format="json",
        )
        assert refused.status_code == 400
        answers.append(refused.json())
    assert answers[0] == answers[1] == answers[2]
    assert answers[0]["error"]["fields"]["mentor"] == [
        f"Choose one of the mentors recommended for you in {personas.program.name}."
    ]
    assert personas.other_mentor.full_name not in str(answers)
    asked = client.post(
        "/api/v1/matching/requests/",
        {"program": personas.program.pk, "mentor": personas.mentor.pk},
        format="json",
    )
    assert asked.status_code == 201, asked.content
    pairing = Pairing.objects.get(mentee=wanda)
    assert (pairing.status, pairing.source, pairing.requested_by) == (
        PairingStatus.PROPOSED,
        PairingSource.REQUEST,
        wanda,
    )
    # Now that she has asked, she waits: no more recommendations.
    assert client.get(url).status_code == 400


@pytest.mark.parametrize("persona", ["hr", "mentor", "mentee", "outsider"])
def test_only_waiting_mentees_get_recommendations(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    waiting_mentee(personas)
    client = client_for(getattr(personas, persona))
    response = client.get(f"/api/v1/matching/recommendations/?program={personas.program.pk}")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["program"] == [
        "You are not waiting for a mentor in this program."
    ]
    assert client_for(None).get("/api/v1/matching/recommendations/?program=1").status_code == 401


def test_on_the_home_page(personas: Personas) -> None:
    wanda = waiting_mentee(personas)
    client = Client()
    client.force_login(wanda)
    page = client.get("/").content.decode()
    assert f"Your mentor in {personas.program.name}" in page
    assert "Ask for Marco" in page
    response = client.post(
        "/pairings/request-a-mentor/",
        {"program": personas.program.pk, "mentor": personas.mentor.pk},
        follow=True,
    )
    html = response.content.decode()
    assert "You asked for Marco Mentor. The program admins will confirm." in html
    assert "You asked for <strong>Marco Mentor</strong>" in html
    nonsense = client.post(
        "/pairings/request-a-mentor/", {"program": "x", "mentor": "1"}, follow=True
    )
    assert "Choose one of the mentors recommended to you." in nonsense.content.decode()

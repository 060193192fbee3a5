"""Matching matches a mentee's focus areas against mentors' expertise: a
program's People page says which waiting mentees have none, before matching
runs."""

from __future__ import annotations

import pytest
from django.test import Client

from mentorship.programs.models import EnrollmentRole
from mentorship.programs.services.enrollments import enrollment_create, enrollment_update
from tests.factories import PersonFactory, competency
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db

SENTENCE = "no focus areas: matching can only use department, time zone and experience for them."


def people_page(personas: Personas) -> str:
    client = Client()
    client.force_login(personas.program_admin)
    response = client.get(f"/programs/{personas.program.pk}/people/")
    assert response.status_code == 200
    return response.content.decode()


def test_waiting_mentees_without_focus_areas_are_named(personas: Personas) -> None:
    # The personas' mentees are paired and have focus areas: nothing to say.
    assert SENTENCE not in people_page(personas)

    waiting = [
        enrollment_create(
            program=personas.program,
            person=PersonFactory.create(full_name=name),
            role=EnrollmentRole.MENTEE,
            by=personas.hr,
        )
        for name in ("Wes Waiting", "Wanda Waiting")
    ]
    html = people_page(personas)
    assert f"2 mentees have {SENTENCE}" in html
    assert "Wes Waiting" in html
    assert f"/programs/{personas.program.pk}/people/{waiting[0].pk}/edit/" in html

    enrollment_update(
        enrollment=waiting[0],
        by=personas.program_admin,
        focus_competencies=[competency("conflict-resolution")],
    )
    html = people_page(personas)
    assert f"1 mentee has {SENTENCE}" in html
    assert "Choose focus areas for Wes Waiting" not in html
    assert "Choose focus areas for Wanda Waiting" in html

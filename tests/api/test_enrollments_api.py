"""Enrollments: who sees them, who enrolls and withdraws, and bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mentorship.pairings.models import Pairing, PairingStatus
from mentorship.programs.models import Enrollment, EnrollmentStatus
from tests.api.test_permission_matrix import PERSONAS, _page
from tests.factories import EnrollmentFactory, PersonFactory, competency
from tests.fixtures.personas import Personas
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


def own(personas: Personas, persona: str) -> set[int]:
    person = getattr(personas, persona)
    return set(Enrollment.objects.filter(person=person).values_list("pk", flat=True))


@pytest.mark.parametrize("persona", PERSONAS)
def test_enrollments_matrix(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    client = client_for(personas.everyone()[persona])
    newcomer = PersonFactory.create()
    payload = {
        "program": personas.program.pk,
        "person": newcomer.pk,
        "role": "mentee",
        "focus_competencies": [competency("conflict-resolution").pk],
    }
    if persona == "anonymous":
        assert client.get("/api/v1/enrollments/").status_code == 401
        assert client.post("/api/v1/enrollments/", payload, format="json").status_code == 401
        return
    everything = set(Enrollment.objects.values_list("pk", flat=True))
    expected = everything if persona in ("hr", "program_admin") else own(personas, persona)
    assert {row["id"] for row in _page(client, "/api/v1/enrollments/")} == expected

    created = client.post("/api/v1/enrollments/", payload, format="json")
    if persona in ("hr", "program_admin"):
        assert created.status_code == 201, created.content
        body = created.json()
        assert body["focus_competencies"][0]["slug"] == "conflict-resolution"
        withdrawn = client.post(
            f"/api/v1/enrollments/{body['id']}/withdraw/", {"reason": "Left"}, format="json"
        )
        assert withdrawn.status_code == 200
        assert withdrawn.json()["status"] == "withdrawn"
    else:
        assert created.status_code == 400
        assert "program" in created.json()["error"]["fields"]
        mine = next(iter(expected), None)
        if mine is not None:
            refused = client.post(
                f"/api/v1/enrollments/{mine}/withdraw/", {"reason": "x"}, format="json"
            )
            assert refused.status_code == 403


def test_withdrawing_declines_proposals_and_refuses_live_pairings(
    personas: Personas, client_for: Callable[..., Any]
) -> None:
    client = client_for(personas.hr)
    live = Enrollment.objects.get(person=personas.mentee, role="mentee")
    refused = client.post(
        f"/api/v1/enrollments/{live.pk}/withdraw/", {"reason": "Left"}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["status"] == [
        "They are in 1 live pairing(s) here; end those first."
    ]
    waiting = PersonFactory.create()
    enrollment = EnrollmentFactory.create(program=personas.program, person=waiting)
    proposal = Pairing.objects.create(
        program=personas.program, mentee=waiting, mentor=personas.other_mentor
    )
    done = client.post(
        f"/api/v1/enrollments/{enrollment.pk}/withdraw/", {"reason": "Changed role"}, format="json"
    )
    assert done.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == PairingStatus.DECLINED
    assert proposal.close_reason == "Withdrawn from the program: Changed role"
    # Enrolling them again makes the same enrollment active.
    again = client.post(
        "/api/v1/enrollments/",
        {"program": personas.program.pk, "person": waiting.pk, "role": "mentee"},
        format="json",
    )
    assert again.status_code == 201
    assert again.json()["id"] == enrollment.pk
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE


def test_bad_enrollments_get_field_errors(
    personas: Personas, client_for: Callable[..., Any]
) -> None:
    client = client_for(personas.hr)
    duplicate = client.post(
        "/api/v1/enrollments/",
        {"program": personas.program.pk, "person": personas.mentee.pk, "role": "mentee"},
        format="json",
    )
    assert duplicate.status_code == 400
    assert "already enrolled" in duplicate.json()["error"]["fields"]["person"][0]
    capacity = client.post(
        "/api/v1/enrollments/",
        {
            "program": personas.program.pk,
            "person": personas.outsider.pk,
            "role": "mentee",
            "capacity": 3,
        },
        format="json",
    )
    assert capacity.json()["error"]["fields"]["capacity"] == ["Only mentors have a capacity."]
    role = client.post(
        "/api/v1/enrollments/",
        {"program": personas.program.pk, "person": personas.outsider.pk, "role": "boss"},
        format="json",
    )
    assert "role" in role.json()["error"]["fields"]


def test_enrollments_list_queries(personas: Personas, client_for: Callable[..., Any]) -> None:
    def grow(n: int) -> None:
        for _ in range(n):
            enrollment = EnrollmentFactory.create(program=personas.program)
            enrollment.focus_competencies.set([competency("coaching-and-feedback")])

    client = client_for(personas.hr)

    def action() -> None:
        assert client.get("/api/v1/enrollments/").status_code == 200

    assert_constant_queries(action, grow, at_most=6)

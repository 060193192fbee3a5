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
from tests.helpers import api_rows, assert_constant_queries

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
        "They are in 1 live pairing here; end those first."
    ]
    waiting = PersonFactory.create()
    enrollment = EnrollmentFactory.create(program=personas.program, person=waiting)
    enrollment.focus_competencies.set([competency("conflict-resolution")])
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
    # As they were: their focus areas come back with them.
    assert list(enrollment.focus_competencies.values_list("slug", flat=True)) == [
        "conflict-resolution"
    ]


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
    assert_constant_queries(
        lambda: client.get("/api/v1/enrollments/?page_size=200"),
        grow,
        served=api_rows,
        at_most=6,
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_changing_focus_areas_matrix(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    mine = Enrollment.objects.get(person=personas.mentee, role="mentee")
    before = list(mine.focus_competencies.values_list("slug", flat=True))
    assert before == ["coaching-and-feedback"]
    url = f"/api/v1/enrollments/{mine.pk}/"
    payload = {"focus_competencies": [competency("organizational-design").pk]}
    status = client_for(personas.everyone()[persona]).patch(url, payload, format="json")
    expected = {"anonymous": 401, "hr": 200, "program_admin": 200, "mentee": 200}
    assert status.status_code == expected.get(persona, 404), status.content
    slugs = list(mine.focus_competencies.values_list("slug", flat=True))
    changed = persona in ("hr", "program_admin", "mentee")
    assert slugs == (["organizational-design"] if changed else before)


def test_focus_areas_and_capacity_change_within_the_rules(
    personas: Personas, client_for: Callable[..., Any]
) -> None:
    from mentorship.audit.models import AuditEvent

    mentor = Enrollment.objects.get(person=personas.mentor, role="mentor")
    mentee = Enrollment.objects.get(person=personas.mentee, role="mentee")
    own = client_for(personas.mentor)

    lowered = own.patch(f"/api/v1/enrollments/{mentor.pk}/", {"capacity": 1}, format="json")
    assert lowered.status_code == 200, lowered.content
    assert lowered.json()["capacity"] == 1
    event = AuditEvent.objects.get(action="enrollment.updated")
    assert event.actor_id == personas.mentor.pk
    assert event.data["fields"] == ["capacity"]

    too_low = own.patch(f"/api/v1/enrollments/{mentor.pk}/", {"capacity": 0}, format="json")
    assert too_low.status_code == 400
    assert too_low.json()["error"]["fields"]["capacity"] == [
        "You have 1 mentee here now, counting proposals; your capacity cannot go below 1."
    ]
    usual = own.patch(f"/api/v1/enrollments/{mentor.pk}/", {"capacity": None}, format="json")
    assert usual.json()["capacity"] is None

    hr = client_for(personas.hr)
    wrong_side = hr.patch(f"/api/v1/enrollments/{mentee.pk}/", {"capacity": 3}, format="json")
    assert wrong_side.json()["error"]["fields"]["capacity"] == ["Only mentors have a capacity."]
    no_focus = hr.patch(
        f"/api/v1/enrollments/{mentor.pk}/",
        {"focus_competencies": [competency("coaching-and-feedback").pk]},
        format="json",
    )
    assert no_focus.json()["error"]["fields"]["focus_competencies"] == [
        "Only mentees have focus areas."
    ]
    unknown = hr.patch(
        f"/api/v1/enrollments/{mentee.pk}/", {"focus_competencies": [2**62]}, format="json"
    )
    assert "focus_competencies" in unknown.json()["error"]["fields"]

    waiting = EnrollmentFactory.create(program=personas.program)
    client_for(personas.hr).post(
        f"/api/v1/enrollments/{waiting.pk}/withdraw/", {"reason": "Left"}, format="json"
    )
    gone = hr.patch(
        f"/api/v1/enrollments/{waiting.pk}/",
        {"focus_competencies": [competency("coaching-and-feedback").pk]},
        format="json",
    )
    assert gone.json()["error"]["fields"]["status"] == [
        "This enrollment was withdrawn; enroll them again."
    ]
    assert not waiting.focus_competencies.exists()
    assert AuditEvent.objects.filter(action="enrollment.updated").count() == 2

"""Rematch from the at-risk list: the pairing ends with the reason, the
mentee goes back to the pool (never to the same mentor), and the best
mentor with room is proposed at once for review."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from mentorship.audit.models import AuditEvent
from mentorship.pairings.models import MatchingRun, Pairing, PairingStatus
from mentorship.pairings.services.matching import matching_execute, pairing_rematch
from mentorship.people.models import Person
from mentorship.programs.models import Enrollment, EnrollmentRole
from mentorship.programs.services.enrollments import enrollment_create
from tests.factories import PersonFactory, competency
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def spare_mentor(personas: Personas) -> Person:
    mentor = PersonFactory.create(
        full_name="Sam Spare", expertise=[competency("coaching-and-feedback")]
    )
    enrollment_create(
        program=personas.program, person=mentor, role=EnrollmentRole.MENTOR, by=personas.hr
    )
    return mentor


def test_a_rematch_ends_the_pairing_and_proposes_another_mentor(personas: Personas) -> None:
    spare = spare_mentor(personas)
    old = personas.pairing

    proposal = pairing_rematch(pairing=old, by=personas.program_admin, reason="No chemistry")

    old.refresh_from_db()
    assert (old.status, old.close_reason, old.ended_for_rematch) == (
        PairingStatus.ENDED,
        "No chemistry",
        True,
    )
    assert proposal is not None
    assert (proposal.mentee, proposal.mentor, proposal.status) == (
        personas.mentee,
        spare,
        PairingStatus.PROPOSED,
    )
    assert proposal.match_explanation
    event = AuditEvent.objects.get(action="pairing.rematched")
    assert event.data == {"proposal": proposal.pk}
    # The old mentor is never proposed again, not even by a full run.
    proposal.delete()
    matching_execute(
        run=MatchingRun.objects.create(program=personas.program, requested_by=personas.hr)
    )
    again = Pairing.objects.get(mentee=personas.mentee, status=PairingStatus.PROPOSED)
    assert again.mentor != personas.mentor


def test_without_a_mentor_with_room_the_mentee_waits(personas: Personas) -> None:
    # The only other mentor is full: the mentee waits for the next run.
    Enrollment.objects.filter(program=personas.program, person=personas.other_mentor).update(
        capacity=1
    )
    proposal = pairing_rematch(
        pairing=personas.pairing, by=personas.program_admin, reason="Moved teams"
    )
    assert proposal is None
    personas.pairing.refresh_from_db()
    assert personas.pairing.status == PairingStatus.ENDED
    waiting = Client()
    waiting.force_login(personas.program_admin)
    roster = waiting.get(f"/programs/{personas.program.pk}/people/").content.decode()
    assert "<strong>waiting</strong>" in roster


def test_only_the_programs_admins_rematch_and_they_say_why(personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        pairing_rematch(pairing=personas.pairing, by=personas.mentor, reason="Mine")
    with pytest.raises(ValidationError, match="Say why"):
        pairing_rematch(pairing=personas.pairing, by=personas.hr, reason="  ")
    personas.pairing.refresh_from_db()
    assert personas.pairing.status == PairingStatus.ACTIVE


def test_the_at_risk_list_leads_to_a_real_rematch(personas: Personas) -> None:
    spare = spare_mentor(personas)
    client = Client()
    client.force_login(personas.program_admin)
    url = f"/pairings/{personas.pairing.pk}/rematch/"
    dashboard = client.get("/insights/", {"program": personas.program.pk}).content.decode()
    assert url in dashboard  # the personas' pairings have no check-in yet: at risk

    page = client.get(url).content.decode()
    assert "Find Mira Mentee another mentor" in page
    missing = client.post(url, {"reason": ""})
    assert missing.status_code == 400
    assert personas.pairing.status == PairingStatus.ACTIVE

    done = client.post(url, {"reason": "Schedules never line up"})

    proposal = Pairing.objects.get(mentee=personas.mentee, status=PairingStatus.PROPOSED)
    assert proposal.mentor == spare
    assert done["Location"] == f"/programs/{personas.program.pk}/proposals/{proposal.pk}/"
    review = client.get(done["Location"]).content.decode()
    assert "Sam Spare is proposed as Mira Mentee" in review
    for outsider in (personas.mentor, personas.mentee, personas.outsider):
        other = Client()
        other.force_login(outsider)
        assert other.get(f"/pairings/{personas.other_pairing.pk}/rematch/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("hr", 200),
        ("program_admin", 200),
        ("mentor", 403),
        ("mentee", 403),
        ("line_manager", 403),
        ("other_mentor", 404),
        ("other_mentee", 404),
        ("outsider", 404),
    ],
)
def test_the_api_rematches_for_those_who_run_the_program(
    personas: Personas, client_for: Any, persona: str, status: int
) -> None:
    spare = spare_mentor(personas)
    client = client_for(personas.everyone()[persona])
    url = f"/api/v1/pairings/{personas.pairing.pk}/rematch/"

    response = client.post(url, {"reason": "Never met"}, format="json")

    assert response.status_code == status, response.content
    if status == 200:
        body = response.json()
        assert body["ended"]["status"] == PairingStatus.ENDED
        assert body["proposal"]["mentor"]["id"] == spare.pk
        again = client.post(url, {"reason": "Twice"}, format="json")
        assert again.status_code == 400
    else:
        personas.pairing.refresh_from_db()
        assert personas.pairing.status == PairingStatus.ACTIVE

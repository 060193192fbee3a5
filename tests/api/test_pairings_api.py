"""The pairings and matching endpoints: who sees and does what, bad input,
and the number of queries each list runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mentorship.pairings.models import MatchingRun, Pairing, PairingStatus
from mentorship.pairings.services.matching import matching_execute
from mentorship.programs.models import EnrollmentRole
from mentorship.programs.services.enrollments import enrollment_create
from tests.api.test_permission_matrix import PERSONAS, _page, milestones_visible
from tests.factories import PersonFactory, competency
from tests.fixtures.personas import Personas
from tests.helpers import api_rows, assert_constant_queries

pytestmark = pytest.mark.django_db

ADMINS = {"hr", "program_admin"}


# A milestone is visible exactly when its pairing is.
pairings_visible = milestones_visible


def with_proposal(personas: Personas) -> tuple[MatchingRun, Pairing]:
    newcomer = PersonFactory.create(full_name="Nia Newcomer")
    enrollment_create(
        program=personas.program,
        person=newcomer,
        role=EnrollmentRole.MENTEE,
        by=personas.hr,
        focus_competencies=[competency("coaching-and-feedback")],
    )
    run = matching_execute(
        run=MatchingRun.objects.create(program=personas.program, requested_by=personas.hr)
    )
    return run, Pairing.objects.get(status=PairingStatus.PROPOSED)


@pytest.mark.parametrize("persona", PERSONAS)
def test_pairings_list_and_detail(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    _, proposal = with_proposal(personas)
    client = client_for(personas.everyone()[persona])
    everything = {
        "pairing": personas.pairing,
        "other_pairing": personas.other_pairing,
        "proposal": proposal,
    }
    if persona == "anonymous":
        assert client.get("/api/v1/pairings/").status_code == 401
        assert client.get(f"/api/v1/pairings/{personas.pairing.pk}/").status_code == 401
        return
    expected = pairings_visible(persona) | ({"proposal"} if persona in ADMINS else set())
    expected_ids = {everything[name].pk for name in expected}
    assert {row["id"] for row in _page(client, "/api/v1/pairings/")} == expected_ids
    for pairing in everything.values():
        status = client.get(f"/api/v1/pairings/{pairing.pk}/").status_code
        assert status == (200 if pairing.pk in expected_ids else 404), (persona, pairing)


@pytest.mark.parametrize("persona", PERSONAS)
def test_lifecycle_actions_are_for_program_admins(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    client = client_for(personas.everyone()[persona])
    url = f"/api/v1/pairings/{personas.pairing.pk}/pause/"
    response = client.post(url, {"reason": "Parental leave"}, format="json")
    if persona == "anonymous":
        assert response.status_code == 401
    elif persona in ADMINS:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "paused"
    elif "pairing" in pairings_visible(persona):
        assert response.status_code == 403
    else:
        assert response.status_code == 404
    personas.pairing.refresh_from_db()
    assert personas.pairing.status == ("paused" if persona in ADMINS else "active")


@pytest.mark.parametrize("persona", PERSONAS)
def test_matching_runs_and_proposals_are_for_program_admins(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    run, proposal = with_proposal(personas)
    client = client_for(personas.everyone()[persona])
    urls = [
        f"/api/v1/matching/runs/{run.pk}/",
        f"/api/v1/matching/proposals/{proposal.pk}/",
        f"/api/v1/matching/proposals/{proposal.pk}/alternatives/",
    ]
    if persona == "anonymous":
        for url in [*urls, "/api/v1/matching/runs/", "/api/v1/matching/proposals/"]:
            assert client.get(url).status_code == 401, url
        return
    admin = persona in ADMINS
    assert [r["id"] for r in _page(client, "/api/v1/matching/runs/")] == ([run.pk] if admin else [])
    assert [r["id"] for r in _page(client, "/api/v1/matching/proposals/")] == (
        [proposal.pk] if admin else []
    )
    for url in urls:
        assert client.get(url).status_code == (200 if admin else 404), url
    started = client.post("/api/v1/matching/runs/", {"program": personas.program.pk}, format="json")
    approved = client.post(f"/api/v1/matching/proposals/{proposal.pk}/approve/", {}, format="json")
    if admin:
        assert started.status_code == 202, started.content
        assert approved.status_code == 200, approved.content
        assert approved.json()["status"] == "active"
    else:
        assert started.status_code == 400
        assert "program" in started.json()["error"]["fields"]
        assert approved.status_code == 404


def test_a_proposal_shows_its_explanation(
    personas: Personas, client_for: Callable[..., Any]
) -> None:
    _, proposal = with_proposal(personas)
    body = client_for(personas.hr).get(f"/api/v1/matching/proposals/{proposal.pk}/").json()
    assert body["mentee"]["full_name"] == "Nia Newcomer"
    assert body["explanation"].startswith("Shares 1 of 1 focus areas: Coaching and feedback")
    assert [part["key"] for part in body["match_explanation"]] == [
        "focus",
        "department",
        "time_zone",
        "experience",
    ]
    alternatives = client_for(personas.hr).get(
        f"/api/v1/matching/proposals/{proposal.pk}/alternatives/"
    )
    rows = alternatives.json()
    assert {row["mentor"] for row in rows} == {personas.mentor.pk, personas.other_mentor.pk}
    assert rows[0]["score"] >= rows[1]["score"]
    assert rows[0]["explanation"]


def test_bad_lifecycle_moves_and_input_get_clear_errors(
    personas: Personas, client_for: Callable[..., Any]
) -> None:
    client = client_for(personas.hr)
    url = f"/api/v1/pairings/{personas.pairing.pk}"
    missing = client.post(f"{url}/end/", {"outcome": "still_managing"}, format="json")
    assert missing.status_code == 400
    assert "reason" in missing.json()["error"]["fields"]
    wrong = client.post(f"{url}/complete/", {"outcome": "promoted"}, format="json")
    assert wrong.status_code == 400
    assert "outcome" in wrong.json()["error"]["fields"]
    assert client.post(f"{url}/resume/", format="json").status_code == 400
    ended = client.post(f"{url}/end/", {"reason": "Left the company"}, format="json")
    assert ended.status_code == 200
    again = client.post(f"{url}/pause/", {"reason": "x"}, format="json")
    assert again.status_code == 400
    assert again.json()["error"]["fields"]["status"] == [
        "An ended early pairing cannot become paused."
    ]


def test_replacing_a_mentor_by_api(personas: Personas, client_for: Callable[..., Any]) -> None:
    _, proposal = with_proposal(personas)
    client = client_for(personas.program_admin)
    url = f"/api/v1/matching/proposals/{proposal.pk}/replace/"
    refused = client.post(url, {"mentor": personas.outsider.pk}, format="json")
    assert refused.status_code == 400
    assert "not enrolled as a mentor" in refused.json()["error"]["fields"]["mentor"][0]
    assert client.post(url, {"mentor": "x"}, format="json").status_code == 400


def test_approve_all_by_api(personas: Personas, client_for: Callable[..., Any]) -> None:
    with_proposal(personas)
    response = client_for(personas.hr).post(
        "/api/v1/matching/proposals/approve-all/", {"program": personas.program.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {"approved": 1, "problems": []}


# --------------------------------------------------------------------------
# Query counts


def _all(client: Any, url: str) -> Callable[[], Any]:
    """The list's first page, large enough for every grown row."""
    return lambda: client.get(f"{url}?page_size=200")


def _grow_pairings(personas: Personas, status: str) -> Callable[[int], None]:
    from tests.factories import PairingFactory

    def grow(n: int) -> None:
        for _ in range(n):
            PairingFactory.create(
                program=personas.program,
                status=status,
                match_explanation=[
                    {"key": "focus", "value": 1, "weight": 0.4, "sentence": "Shares 1 of 1"}
                ],
            )

    return grow


def test_pairings_list_queries(personas: Personas, client_for: Callable[..., Any]) -> None:
    assert_constant_queries(
        _all(client_for(personas.hr), "/api/v1/pairings/"),
        _grow_pairings(personas, PairingStatus.ACTIVE),
        served=api_rows,
        at_most=5,
    )


def test_proposals_list_queries(personas: Personas, client_for: Callable[..., Any]) -> None:
    assert_constant_queries(
        _all(client_for(personas.program_admin), "/api/v1/matching/proposals/"),
        _grow_pairings(personas, PairingStatus.PROPOSED),
        served=api_rows,
        at_most=5,
    )


def test_matching_runs_list_queries(personas: Personas, client_for: Callable[..., Any]) -> None:
    def grow(n: int) -> None:
        MatchingRun.objects.bulk_create(
            [MatchingRun(program=personas.program, status="done") for _ in range(n)]
        )

    assert_constant_queries(
        _all(client_for(personas.program_admin), "/api/v1/matching/runs/"),
        grow,
        served=api_rows,
        at_most=5,
    )

from __future__ import annotations

from typing import Any

import pytest

from mentorship.pairings.models import MilestoneStatus
from mentorship.pairings.services.milestones import milestone_complete
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def test_milestones_filter_by_pairing_status_and_due_date(
    personas: Personas, client_for: Any
) -> None:
    client = client_for(personas.hr)
    first = personas.pairing.milestones.order_by("due_on", "position").first()
    assert first is not None
    milestone_complete(milestone=first, by=personas.mentee)

    by_pairing = client.get("/api/v1/milestones/", {"pairing": personas.pairing.pk}).json()
    assert {m["pairing"] for m in by_pairing["results"]} == {personas.pairing.pk}
    assert len(by_pairing["results"]) == 4

    done = client.get("/api/v1/milestones/", {"status": "done"}).json()["results"]
    assert [m["id"] for m in done] == [first.pk]

    later = client.get(
        "/api/v1/milestones/",
        {"pairing": personas.pairing.pk, "due_after": str(personas.pairing.starts_on)},
    ).json()["results"]
    assert len(later) == 4
    none = client.get("/api/v1/milestones/", {"due_before": "2000-01-01"}).json()["results"]
    assert none == []


def test_the_pair_completes_skips_and_reopens(personas: Personas, client_for: Any) -> None:
    milestone = personas.pairing.milestones.get(title="First 1:1s")
    client = client_for(personas.mentee)

    done = client.post(
        f"/api/v1/milestones/{milestone.pk}/complete/", {"note": "All held"}, format="json"
    )
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["note"]) == ("done", "All held")

    again = client.post(f"/api/v1/milestones/{milestone.pk}/complete/", {}, format="json")
    assert again.status_code == 400
    assert again.json()["error"]["fields"]["status"] == ["This milestone is already done."]

    reopened = client.post(f"/api/v1/milestones/{milestone.pk}/reopen/", {}, format="json")
    assert reopened.json()["status"] == MilestoneStatus.OPEN

    skipped = client.post(f"/api/v1/milestones/{milestone.pk}/skip/", {"note": ""}, format="json")
    assert skipped.json()["status"] == MilestoneStatus.SKIPPED


def test_notes_reach_the_pair_only(personas: Personas, client_for: Any) -> None:
    milestone = personas.pairing.milestones.get(title="Kickoff")
    milestone_complete(milestone=milestone, by=personas.mentee, note="Went well")

    for persona, note in (
        ("mentee", "Went well"),
        ("mentor", "Went well"),
        ("hr", None),
        ("program_admin", None),
        ("line_manager", None),
    ):
        body = (
            client_for(getattr(personas, persona)).get(f"/api/v1/milestones/{milestone.pk}/").json()
        )
        assert body["note"] == note, persona


def test_who_may_act(personas: Personas, client_for: Any) -> None:
    milestone = personas.pairing.milestones.get(title="Kickoff")
    url = f"/api/v1/milestones/{milestone.pk}/complete/"

    assert client_for(personas.hr).post(url, {}, format="json").status_code == 403
    assert client_for(personas.line_manager).post(url, {}, format="json").status_code == 403
    assert client_for(personas.other_mentor).post(url, {}, format="json").status_code == 404
    assert client_for(personas.outsider).post(url, {}, format="json").status_code == 404
    assert client_for(None).post(url, {}, format="json").status_code == 401
    assert client_for(personas.mentor).post(url, {}, format="json").status_code == 200

from __future__ import annotations

from typing import Any

import pytest

from mentorship.plans.models import OnboardingPlan
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db

STEP = {
    "position": 1,
    "title": "Kickoff",
    "description": "Meet.",
    "competency": None,
    "owner": "both",
    "kind": "kickoff",
    "anchor": "pairing_start",
    "offset_days": 0,
}


def test_a_program_admin_creates_a_plan(personas: Personas, client_for: Any) -> None:
    response = client_for(personas.program_admin).post(
        "/api/v1/plans/",
        {
            "name": "Team leads",
            "steps": [STEP, {**STEP, "position": 2, "title": "1:1s", "offset_days": 7}],
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert [s["title"] for s in body["steps"]] == ["Kickoff", "1:1s"]
    assert body["version"] == 1


def test_participants_read_but_do_not_write(personas: Personas, client_for: Any) -> None:
    for persona in ("mentor", "mentee", "line_manager"):
        client = client_for(getattr(personas, persona))
        assert client.get(f"/api/v1/plans/{personas.plan.pk}/").status_code == 200
        assert (
            client.post("/api/v1/plans/", {"name": "x", "steps": [STEP]}, format="json").status_code
            == 403
        )
        put = client.put(
            f"/api/v1/plans/{personas.plan.pk}/", {"name": "x", "steps": [STEP]}, format="json"
        )
        assert put.status_code == 403
    outsider = client_for(personas.outsider)
    assert (
        outsider.put(
            f"/api/v1/plans/{personas.plan.pk}/", {"name": "x", "steps": [STEP]}, format="json"
        ).status_code
        == 403
    )


def test_updating_a_plan_in_use_returns_the_new_version(
    personas: Personas, client_for: Any
) -> None:
    response = client_for(personas.hr).put(
        f"/api/v1/plans/{personas.plan.pk}/", {"name": "Test plan", "steps": [STEP]}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["id"] != personas.plan.pk
    assert (body["version"], body["lineage"]) == (2, str(personas.plan.lineage))


def test_a_plan_in_use_is_changed_only_by_someone_who_runs_every_program_on_it(
    personas: Personas, client_for: Any
) -> None:
    from tests.factories import PersonFactory, ProgramFactory

    someone_else = PersonFactory.create()
    theirs = ProgramFactory.create(name="Their cohort", plan=personas.plan, admins=[someone_else])
    url = f"/api/v1/plans/{personas.plan.pk}/"

    refused = client_for(personas.program_admin).put(
        url, {"name": "Rewritten", "steps": [STEP]}, format="json"
    )

    assert refused.status_code == 403
    assert "Their cohort" in str(refused.json())
    assert OnboardingPlan.objects.filter(name="Rewritten").count() == 0
    theirs.refresh_from_db()
    assert theirs.plan_id == personas.plan.pk
    # HR runs every program: the new version moves them all.
    moved = client_for(personas.hr).put(url, {"name": "Rewritten", "steps": [STEP]}, format="json")
    assert moved.status_code == 200
    theirs.refresh_from_db()
    assert theirs.plan_id == moved.json()["id"]


def test_bad_steps_get_field_errors_per_row_and_nothing_is_saved(
    personas: Personas, client_for: Any
) -> None:
    before = OnboardingPlan.objects.count()
    response = client_for(personas.hr).post(
        "/api/v1/plans/",
        {
            "name": "Broken",
            "steps": [
                STEP,
                {**STEP, "title": "", "offset_days": -1, "anchor": "whenever"},
                {**STEP, "title": "Twin"},
            ],
        },
        format="json",
    )

    assert response.status_code == 400
    steps = response.json()["error"]["fields"]["steps"]
    assert steps["1"]["title"] == ["This field may not be blank."]
    assert steps["1"]["offset_days"] == ["Ensure this value is greater than or equal to 0."]
    assert steps["1"]["anchor"] == ['"whenever" is not a valid choice.']
    assert OnboardingPlan.objects.count() == before


def test_duplicate_positions_name_the_rows(personas: Personas, client_for: Any) -> None:
    response = client_for(personas.hr).post(
        "/api/v1/plans/",
        {"name": "Twins", "steps": [STEP, {**STEP, "title": "Twin"}]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["steps"] == {
        "1": {"position": ["Step 1 already has position 1."]}
    }


def test_duplicate_and_preview(personas: Personas, client_for: Any) -> None:
    client = client_for(personas.hr)

    copy = client.post(
        f"/api/v1/plans/{personas.plan.pk}/duplicate/", {"name": "Ours"}, format="json"
    )
    assert copy.status_code == 201
    assert copy.json()["name"] == "Ours"

    preview = client.get(
        f"/api/v1/plans/{personas.plan.pk}/preview/",
        {"starts_on": "2026-09-01", "promoted_on": "2026-08-01"},
    )
    assert preview.status_code == 200
    assert [(m["title"], m["due_on"]) for m in preview.json()["milestones"]] == [
        ("Kickoff", "2026-09-01"),
        ("Read past reviews", "2026-09-01"),
        ("First 1:1s", "2026-09-08"),
        ("Day-30 self-assessment", "2026-10-01"),
    ]
    bad = client.get(f"/api/v1/plans/{personas.plan.pk}/preview/", {"starts_on": "someday"})
    assert bad.status_code == 400
    assert "starts_on" in bad.json()["error"]["fields"]


def test_preview_refuses_an_empty_promotion_date(personas: Personas, client_for: Any) -> None:
    # ``?promoted_on=`` is a date left blank, not a date left out.
    response = client_for(personas.hr).get(
        f"/api/v1/plans/{personas.plan.pk}/preview/",
        {"starts_on": "2026-09-01", "promoted_on": ""},
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["promoted_on"] == [
        "Give a value, or leave this parameter out of the query."
    ]


def test_the_copy_of_a_long_named_plan_still_fits(personas: Personas, client_for: Any) -> None:
    client = client_for(personas.hr)
    source = personas.plan.pk
    OnboardingPlan.objects.filter(pk=source).update(name="Q" * 200)

    copy = client.post(f"/api/v1/plans/{source}/duplicate/", {}, format="json")

    assert copy.status_code == 201, copy.content
    name = copy.json()["name"]
    assert len(name) == 200
    assert name.startswith("Copy of QQQ")
    assert name.endswith("Q…")
    too_long = client.post(f"/api/v1/plans/{source}/duplicate/", {"name": "N" * 201}, format="json")
    assert too_long.status_code == 400
    assert "name" in too_long.json()["error"]["fields"]

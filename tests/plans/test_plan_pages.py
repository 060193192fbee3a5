from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mentorship.plans.models import OnboardingPlan
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def formset(rows: list[dict[str, Any]], *, extra: int = 1, initial: int = 0) -> dict[str, Any]:
    """POST data as the browser sends it: ``initial`` rows that were there
    already, then the new ones, then ``extra`` blank rows."""
    data: dict[str, Any] = {
        "steps-TOTAL_FORMS": str(len(rows) + extra),
        "steps-INITIAL_FORMS": str(initial),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for field, value in row.items():
            data[f"steps-{index}-{field}"] = value
    return data


def step(title: str, offset: int = 0) -> dict[str, Any]:
    return {
        "title": title,
        "owner": "mentee",
        "kind": "milestone",
        "anchor": "pairing_start",
        "offset_days": offset,
    }


def test_a_program_admin_creates_a_plan_on_the_web(client: Client, personas: Personas) -> None:
    client.force_login(personas.program_admin)

    response = client.post(
        "/plans/new/",
        {
            "name": "Team leads",
            "description": "",
            **formset([step("Kickoff"), step("1:1s", 7)]),
        },
    )

    plan = OnboardingPlan.objects.get(name="Team leads")
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{plan.pk}/"
    assert list(plan.steps.values_list("title", flat=True)) == ["Kickoff", "1:1s"]


def test_errors_show_next_to_the_step_and_nothing_is_saved(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.hr)
    before = OnboardingPlan.objects.count()

    response = client.post(
        "/plans/new/",
        {"name": "Broken", **formset([step("Kickoff"), step("Twin", -3)])},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_steps-1-offset_days_error"' in html
    assert "Ensure this value is greater than or equal to 0." in html
    assert "Not saved: fix what is marked below (in the steps too)." in html
    assert OnboardingPlan.objects.count() == before


def test_editing_a_plan_in_use_warns_and_makes_a_version(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.hr)
    page = client.get(f"/plans/{personas.plan.pk}/edit/").content.decode()
    assert "Saving creates version 2" in page

    rows = [
        {**step("Kickoff"), "owner": "both", "kind": "kickoff"},  # untouched
        step("Renamed", 7),  # changed
        # "Read past reviews" was removed with its button
        {**step("Day-30 self-assessment", 30), "kind": "assessment"},  # untouched
    ]
    response = client.post(
        f"/plans/{personas.plan.pk}/edit/",
        {"name": "Test plan", **formset(rows, extra=1, initial=0)},
        follow=True,
    )

    assert "Saved as version 2" in response.content.decode()
    latest = OnboardingPlan.objects.get(lineage=personas.plan.lineage, version=2)
    assert list(latest.steps.values_list("title", flat=True)) == [
        "Kickoff",
        "Renamed",
        "Day-30 self-assessment",
    ]


def test_the_plan_page_previews_dates(client: Client, personas: Personas) -> None:
    client.force_login(personas.hr)

    html = client.get(f"/plans/{personas.plan.pk}/", {"starts_on": "2026-09-01"}).content.decode()

    assert "Tue 8 Sep 2026" in html  # First 1:1s, day 7


def test_plan_pages_are_for_program_admins(client: Client, personas: Personas) -> None:
    client.force_login(personas.mentee)
    assert client.get("/plans/").status_code == 403
    assert client.get(f"/plans/{personas.plan.pk}/").status_code == 403
    assert client.post("/plans/new/", {"name": "x"}).status_code == 403


def test_steps_are_moved_added_and_removed_without_position_numbers(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.hr)
    rows = [step("Kickoff"), step("1:1s", 7), step("Skip-levels", 21)]
    data = {"name": "Team leads", **formset(rows, extra=0)}
    assert "position" not in client.get("/plans/new/").content.decode().lower()

    moved = client.post("/plans/new/", {**data, "row": "up:2"})
    html = moved.content.decode()
    assert moved.status_code == 200
    assert "Not saved yet" in html
    assert html.index('value="Skip-levels"') < html.index('value="1:1s"')
    assert not OnboardingPlan.objects.filter(name="Team leads").exists()

    added = client.post("/plans/new/", {**data, "row": "add"}).content.decode()
    assert 'name="steps-3-title"' in added
    removed = client.post("/plans/new/", {**data, "row": "remove:0"}).content.decode()
    assert 'value="Kickoff"' not in removed
    assert 'name="steps-2-title"' not in removed
    nonsense = client.post("/plans/new/", {**data, "row": "up:99"})
    assert nonsense.status_code == 200  # a stale button does nothing and saves nothing

    saved = client.post(
        "/plans/new/",
        {"name": "Team leads", **formset([rows[0], rows[2], rows[1]], extra=1)},
    )
    assert saved.status_code == 302
    plan = OnboardingPlan.objects.get(name="Team leads")
    assert list(plan.steps.order_by("position").values_list("title", "position")) == [
        ("Kickoff", 1),
        ("Skip-levels", 2),
        ("1:1s", 3),
    ]


def test_a_row_button_shows_no_errors_and_a_new_row_starts_as_a_milestone(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.hr)
    half_typed = {**step("Kickoff"), "kind": "kickoff", "offset_days": ""}
    data = {"name": "", **formset([half_typed, step("1:1s", 7)], extra=1)}

    html = client.post("/plans/new/", {**data, "row": "add"}).content.decode()

    assert "This field is required" not in html  # nothing is checked before saving
    assert 'value="Kickoff"' in html
    assert 'value="1:1s"' in html
    new_row = html[html.index('name="steps-2-kind"') :]
    new_row = new_row[: new_row.index("</select>")]
    assert '<option value="milestone" selected>' in new_row
    first_row = html[html.index('name="steps-0-kind"') :]
    first_row = first_row[: first_row.index("</select>")]
    assert '<option value="kickoff" selected>' in first_row  # what was chosen stays
    assert 'name="steps-3-title"' in html  # the blank row already there, and one more
    assert 'name="steps-4-title"' not in html
    assert 'id="focused-step"' in html


def test_the_editor_says_which_programs_stand_in_the_way(
    client: Client, personas: Personas
) -> None:
    from tests.factories import PersonFactory, ProgramFactory

    ProgramFactory.create(name="Their cohort", plan=personas.plan, admins=[PersonFactory.create()])
    client.force_login(personas.program_admin)

    response = client.post(
        f"/plans/{personas.plan.pk}/edit/", {"name": "Rewritten", **formset([step("Kickoff")])}
    )

    html = response.content.decode()
    assert "This plan is used by programs you do not run (Their cohort)" in html
    assert not OnboardingPlan.objects.filter(name="Rewritten").exists()

"""The plan as the pair lives it, and as HR builds it, in a real browser."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from mentorship.pairings.models import MilestoneStatus
from mentorship.plans.models import OnboardingPlan
from tests.fixtures.personas import PASSWORD, Personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mentee_marks_an_overdue_milestone_done_from_the_timeline(
    page: Any, sign_in: Any, personas: Personas
) -> None:
    sign_in(personas.mentee, PASSWORD)
    page.get_by_role("link", name="Open your plan").click()

    overdue = page.locator("section.timeline-overdue")
    expect(overdue.get_by_role("heading", name="Overdue")).to_be_visible()
    item = overdue.locator("li", has_text="First 1:1s")
    # to_have_css retries: the stylesheet may still be on its way when the
    # heading is already laid out.
    expect(item.locator("time")).to_have_css("color", "rgb(179, 38, 30)")  # overdue red

    item.get_by_label("Note on “First 1:1s” (optional)").fill("Held all five")
    item.get_by_role("button", name="Mark done").click()

    expect(page.get_by_text("“First 1:1s” is done.")).to_be_visible()
    done = page.locator("section.timeline-closed li", has_text="First 1:1s")
    expect(done.get_by_text("Held all five")).to_be_visible()
    milestone = personas.pairing.milestones.get(title="First 1:1s")
    assert (milestone.status, milestone.note) == (MilestoneStatus.DONE, "Held all five")


def test_hr_builds_a_plan_and_previews_its_dates(
    page: Any, sign_in: Any, personas: Personas
) -> None:
    sign_in(personas.hr, PASSWORD)
    page.get_by_role("link", name="Plans").click()
    page.get_by_role("link", name="New plan").click()

    page.get_by_label("Name").fill("Team leads, first month")
    first = page.get_by_role("group", name="Step 1")
    first.get_by_label("Title").fill("Kickoff")
    first.get_by_label("Owner").select_option("both")
    first.get_by_label("Kind").select_option("kickoff")
    first.get_by_label("Days after").fill("0")
    page.get_by_role("button", name="Add a step").click()
    second = page.get_by_role("group", name="Step 2")
    second.get_by_label("Title").fill("First 1:1s")
    second.get_by_label("Competency").select_option(label="Coaching and feedback")
    second.get_by_label("Days after").fill("7")
    page.get_by_role("button", name="Save the plan").click()

    expect(page.get_by_text("The plan “Team leads, first month” is saved.")).to_be_visible()
    page.get_by_label("Pairing starts on").fill("2027-01-04")
    page.get_by_role("button", name="Show the dates").click()
    expect(page.get_by_text("Mon 11 Jan 2027")).to_be_visible()
    plan = OnboardingPlan.objects.get(name="Team leads, first month")
    assert list(plan.steps.values_list("title", flat=True)) == ["Kickoff", "First 1:1s"]

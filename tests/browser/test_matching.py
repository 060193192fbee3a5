"""HR runs matching for a program in a real browser, with a real worker."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from mentorship.pairings.models import Pairing, PairingStatus
from mentorship.programs.models import EnrollmentRole
from mentorship.programs.services.enrollments import enrollment_create
from tests.factories import PersonFactory, competency
from tests.fixtures.browser import screenshot
from tests.fixtures.personas import PASSWORD, Personas

pytestmark = [
    pytest.mark.browser,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


def test_hr_runs_matching_reviews_the_reasons_and_approves(
    page: Any, sign_in: Any, personas: Personas, celery_worker: Any
) -> None:
    for name in ("Ana Newcomer", "Ben Newcomer"):
        enrollment_create(
            program=personas.program,
            person=PersonFactory.create(full_name=name),
            role=EnrollmentRole.MENTEE,
            by=personas.hr,
            focus_competencies=[competency("coaching-and-feedback")],
        )
    sign_in(personas.hr, PASSWORD)
    page.get_by_role("link", name="Matching").click()
    page.get_by_role("button", name="Run matching").click()

    # The page polls the run and reloads itself when the worker is done.
    heading = page.get_by_role("heading", name="Waiting for approval (2)")
    heading.wait_for(timeout=30_000)
    page.locator("#matching-progress").wait_for(state="detached", timeout=30_000)
    table = page.locator("#proposal-table")
    reason = table.get_by_text("Shares 1 of 1 focus areas: Coaching and feedback")
    expect(reason.first).to_be_visible()

    screenshot(page, "matching-proposals")

    table.locator("tr", has_text="Ana Newcomer").get_by_role("link", name="Review").click()
    expect(page.get_by_role("heading", name="Other mentors who could take Ana")).to_be_visible()
    page.get_by_role("button", name="Approve").click()

    expect(page.get_by_text("their plan and welcome email are on their way")).to_be_visible()
    expect(page.get_by_role("heading", name="Waiting for approval (1)")).to_be_visible()
    ana = Pairing.objects.get(mentee__full_name="Ana Newcomer")
    assert ana.status == PairingStatus.ACTIVE
    assert ana.milestones.count() == 4

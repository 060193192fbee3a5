"""HR adds a person from a program's People page in a real browser: they
are added, invited and enrolled, and HR edits them from the roster."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mentorship.audit.models import AuditEvent
from mentorship.people.models import Person
from mentorship.programs.models import Enrollment
from tests.fixtures.browser import screenshot
from tests.fixtures.personas import PASSWORD, Personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_adds_a_person_from_a_program_and_edits_them(
    page: Any, sign_in: Any, personas: Personas
) -> None:
    sign_in(personas.hr, PASSWORD)
    page.goto(f"/programs/{personas.program.pk}/people/")
    page.get_by_role("button", name="Add a person").click()
    page.get_by_role("heading", name="Add a person").wait_for()

    # (A form with problems answers 400, which the browser reports as a
    # console error: tests/people/test_people_pages.py shows those.)
    page.get_by_label("Email", exact=True).fill("nia.new@acme.test")
    page.get_by_label("Name", exact=True).fill("Nia New")
    page.get_by_label("Manager's email").fill(personas.line_manager.email)
    page.get_by_label("Became a manager on").fill(
        (timezone.localdate() - dt.timedelta(days=14)).isoformat()
    )
    page.get_by_label("Department").fill("Data")
    page.get_by_label("Time zone").select_option("Asia/Tokyo")
    page.get_by_label("Coaching and feedback").check()
    screenshot(page, "person-add")
    page.get_by_role("button", name="Add this person").click()

    # Back on the program's page, the address ready to enroll them.
    expect(page.get_by_text("Nia New is added; an invitation is on its way")).to_be_visible()
    nia = Person.objects.get(email="nia.new@acme.test")
    assert nia.manager == personas.line_manager
    assert nia.time_zone == "Asia/Tokyo"
    assert AuditEvent.objects.filter(action="people.invited", target_id=str(nia.pk)).exists()
    enroll = page.locator("section", has=page.get_by_role("heading", name="Enroll someone"))
    assert enroll.get_by_label("Email of the person").input_value() == "nia.new@acme.test"
    enroll.get_by_label("Mentee").check()
    enroll.get_by_role("button", name="Enroll").click()
    assert Enrollment.objects.filter(program=personas.program, person=nia).exists()
    # Waiting without focus areas: the page says matching has little to go on.
    expect(
        page.get_by_text(
            "1 mentee has no focus areas: matching can only use department, time zone and "
            "experience for them."
        )
    ).to_be_visible()

    page.get_by_role("link", name="Edit Nia New").click()
    page.get_by_label("Title").fill("Engineering Manager")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Nia New is saved.")).to_be_visible()
    nia.refresh_from_db()
    assert nia.title == "Engineering Manager"

    # HR's navigation leads to everyone.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    expect(page.get_by_role("link", name="Edit Nia New")).to_be_visible()
    screenshot(page, "people-directory")

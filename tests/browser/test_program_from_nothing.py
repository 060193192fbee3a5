"""HR builds a program from nothing, on a phone, without the Django admin:
a plan, a program (a draft), people imported with their focus areas, one
more added by hand, matching, approvals held until the program opens, then
opening it — the welcome emails arrive, and the new mentee and mentor find
what to do next on their home pages. Every page on the way is checked by the
``page`` fixture: axe finds nothing serious and nothing scrolls sideways at
390 pixels."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from mentorship.core.timezones import today_for
from mentorship.demo.content import DEMO_PASSWORD, HR_EMAIL
from mentorship.pairings.models import Pairing, PairingStatus
from mentorship.people.models import Person
from mentorship.programs.models import Program, ProgramStatus
from tests.fixtures.browser import screenshot
from tests.fixtures.celery_worker import wait_for
from tests.fixtures.personas import PASSWORD, Personas

pytestmark = [
    pytest.mark.browser,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.viewport(390, 844),
]

CSV = "\n".join(
    [
        "email,full_name,title,department,time_zone,became_manager_on,expertise,role,focus_areas",
        "ada@acme.test,Ada Park,Engineering Manager,Payments,Europe/Berlin,2026-10-01,,mentee,"
        "Coaching and feedback;Conflict resolution",
        "ben@acme.test,Ben Osei,Team Lead,Payments,America/New_York,2026-09-15,,mentee,"
        "Prioritization and delegation",
        "cleo@acme.test,Cleo Ruiz,Director,Risk,Europe/Berlin,2014-03-01,"
        "Coaching and feedback;Conflict resolution,mentor,",
        "dev@acme.test,Dev Shah,VP Engineering,Platform,Asia/Kolkata,2012-06-01,"
        "Prioritization and delegation|Organizational design,mentor,",
        "",
    ]
)


def to(smtp_server: Any, address: str) -> list[Any]:
    return [m for m in smtp_server.messages if m["To"] == address]


def menu(page: Any, name: str) -> None:
    """Follow a link of the main navigation (folded into a menu on a phone)."""
    narrow = page.locator(".nav-narrow")
    if narrow.is_visible():
        narrow.get_by_text("Menu", exact=True).click()
        narrow.get_by_role("link", name=name, exact=True).click()
    else:
        page.locator(".nav-wide").get_by_role("link", name=name, exact=True).click()


def test_hr_builds_a_program_from_nothing_and_opens_it(
    page: Any,
    sign_in: Any,
    personas: Personas,
    celery_worker_factory: Any,
    smtp_server: Any,
    tmp_path: Path,
) -> None:
    celery_worker_factory(extra_env=smtp_server.env())
    hr = personas.hr
    today = today_for(hr)
    sign_in(hr, PASSWORD)

    # A plan of two steps.
    menu(page, "Plans")
    page.get_by_role("link", name="New plan").click()
    page.get_by_label("Name").fill("New managers, first quarter")
    first = page.get_by_role("group", name="Step 1")
    first.get_by_label("Title").fill("Kickoff")
    first.get_by_label("Kind").select_option("kickoff")
    first.get_by_label("Owner").select_option("both")
    first.get_by_label("Days after").fill("0")
    page.get_by_role("button", name="Add a step").click()
    second = page.get_by_role("group", name="Step 2")
    second.get_by_label("Title").fill("First 1:1s with every report")
    second.get_by_label("Competency").select_option(label="Coaching and feedback")
    second.get_by_label("Days after").fill("7")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("is saved")).to_be_visible()

    # The program, a draft on that plan.
    menu(page, "Programs")
    page.get_by_role("button", name="New program").click()
    page.get_by_label("Name").fill("Spring cohort")
    page.get_by_label("Starts on").fill(today.isoformat())
    page.get_by_label("Ends on").fill((today + dt.timedelta(days=120)).isoformat())
    page.get_by_label("Onboarding plan").select_option(label="New managers, first quarter (v1)")
    page.get_by_role("button", name="Create the program").click()
    expect(page.get_by_text("is saved as a draft")).to_be_visible()
    expect(page.get_by_role("heading", name="Getting it ready")).to_be_visible()
    program = Program.objects.get(name="Spring cohort")
    assert program.status == ProgramStatus.DRAFT

    # People from the HR system's file, enrolled in it with their focus areas.
    csv = tmp_path / "acme.csv"
    csv.write_text(CSV)
    menu(page, "People")
    page.get_by_role("button", name="Import from a CSV").click()
    page.get_by_label("CSV file").set_input_files(str(csv))
    page.get_by_label("Enroll people with a role in").select_option(label="Spring cohort")
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Import 4 rows").wait_for(timeout=60_000)
    page.get_by_role("button", name="Import 4 rows").click()
    page.get_by_role("heading", name="Imported", exact=True).wait_for(timeout=60_000)

    # One more, added by hand from the program's People page and enrolled.
    page.goto(f"/programs/{program.pk}/")
    page.get_by_role("link", name="People (2 mentees, 2 mentors)").click()
    page.get_by_role("button", name="Add a person").click()
    page.get_by_label("Email", exact=True).fill("eve@acme.test")
    page.get_by_label("Name", exact=True).fill("Eve Lindqvist")
    page.get_by_label("Time zone").select_option("Europe/Stockholm")
    page.get_by_role("button", name="Add this person").click()
    enroll = page.locator("section", has=page.get_by_role("heading", name="Enroll someone"))
    assert enroll.get_by_label("Email of the person").input_value() == "eve@acme.test"
    enroll.get_by_label("Mentee").check()
    enroll.get_by_label("Stakeholder management").check()
    enroll.get_by_role("button", name="Enroll").click()
    expect(page.get_by_text("Eve Lindqvist is enrolled as a mentee.")).to_be_visible()

    # Matching, and approvals that wait for the program to open.
    page.get_by_role("button", name="Matching", exact=True).click()
    expect(page.get_by_text("is still a draft")).to_be_visible()
    page.get_by_role("button", name="Run matching").click()
    page.get_by_role("heading", name="Waiting for approval (3)").wait_for(timeout=60_000)
    # The run is over (the page no longer polls to reload itself mid-click).
    page.locator("#matching-progress").wait_for(state="detached", timeout=60_000)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Approve all").click()
    expect(
        page.get_by_text("3 pairings approved. They start when you open the program")
    ).to_be_visible()
    # Nobody is told before it opens (an invitation to sign in is all Ada has).
    assert not [m for m in to(smtp_server, "ada@acme.test") if "mentor" in m["Subject"]]

    # Opening it starts them: everyone hears.
    page.goto(f"/programs/{program.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Open the program").click()
    expect(page.get_by_text("is open. 3 approved pairings started")).to_be_visible()
    assert set(Pairing.objects.filter(program=program).values_list("status", flat=True)) == {
        PairingStatus.ACTIVE
    }
    call_command("reminders", "--send-now")
    wait_for(
        lambda: any(
            m["Subject"].startswith("Meet your mentor") for m in to(smtp_server, "ada@acme.test")
        ),
        timeout=60,
    )

    # The new mentee and her mentor know what to do next.
    ada_pairing = Pairing.objects.get(program=program, mentee__email="ada@acme.test")
    for person in (ada_pairing.mentee, ada_pairing.mentor):
        person.set_password(PASSWORD)
        person.save()
    page.context.clear_cookies()
    sign_in(Person.objects.get(email="ada@acme.test"), PASSWORD)
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()
    expect(page.get_by_text("no check-in yet")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Log a check-in with")).first.click()
    expect(page.get_by_role("heading", name="Log a check-in")).to_be_visible()

    page.context.clear_cookies()
    sign_in(ada_pairing.mentor, PASSWORD)
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()
    expect(page.get_by_role("button", name="Log a check-in with Ada Park")).to_be_visible()


@pytest.mark.viewport(1280, 900)
def test_the_program_pages_over_the_demo_company(page: Any, sign_in: Any, demo: None) -> None:
    """HR's view of the demo's programs: the list, a draft getting ready, an
    open program's settings and what closing it would do (and the pictures
    in the README, with UPDATE_SCREENSHOTS=1)."""
    sign_in(Person.objects.get(email=HR_EMAIL), DEMO_PASSWORD)
    menu(page, "Programs")
    expect(page.get_by_role("heading", name="Programs")).to_be_visible()
    screenshot(page, "programs-list")

    draft = Program.objects.filter(status=ProgramStatus.DRAFT).first()
    assert draft is not None
    page.get_by_role("link", name=draft.name).click()
    expect(page.get_by_role("heading", name="Getting it ready")).to_be_visible()
    screenshot(page, "program-draft")

    running = Program.objects.filter(status=ProgramStatus.ACTIVE).first()
    assert running is not None
    page.goto(f"/programs/{running.pk}/edit/")
    expect(page.get_by_role("heading", name=f"Settings of “{running.name}”")).to_be_visible()
    screenshot(page, "program-settings")
    page.goto(f"/programs/{running.pk}/close/")
    expect(page.get_by_text("live pairings are completed")).to_be_visible()
    screenshot(page, "program-close")

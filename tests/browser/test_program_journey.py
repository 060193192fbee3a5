"""The whole way a program fills up, in a real browser with a real worker
and a real SMTP server: HR imports people, enrolls one more, runs matching,
swaps one mentor, approves all; the welcome emails arrive; the new mentee and
mentor sign in and find their pairing and plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from mentorship.pairings.models import Pairing, PairingStatus
from mentorship.people.models import Person
from tests.fixtures.celery_worker import wait_for
from tests.fixtures.personas import PASSWORD, Personas

pytestmark = [
    pytest.mark.browser,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]

CSV = "\n".join(
    [
        "email,full_name,title,department,manager_email,time_zone,became_manager_on,expertise,role",
        "ada@acme.test,Ada Park,Engineering Manager,Payments,,Europe/Berlin,2026-10-01,,mentee",
        "ben@acme.test,Ben Osei,Team Lead,Payments,,America/New_York,2026-09-15,,mentee",
        "cleo@acme.test,Cleo Ruiz,Director,Risk,,Europe/Berlin,2014-03-01,"
        "Coaching and feedback;Conflict resolution,mentor",
        "",
    ]
)


def test_import_enroll_match_swap_approve_and_welcome(
    page: Any,
    sign_in: Any,
    personas: Personas,
    celery_worker_factory: Any,
    smtp_server: Any,
    tmp_path: Path,
) -> None:
    celery_worker_factory(extra_env=smtp_server.env())
    csv = tmp_path / "acme.csv"
    csv.write_text(CSV)
    sign_in(personas.hr, PASSWORD)

    # Import, with roles enrolling in the program.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.get_by_role("button", name="Import from a CSV").click()
    page.get_by_label("CSV file").set_input_files(str(csv))
    page.get_by_label("Enroll people with a role in").select_option(label=personas.program.name)
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Import 3 rows").wait_for(timeout=60_000)
    page.get_by_role("button", name="Import 3 rows").click()
    page.get_by_role("heading", name="Imported", exact=True).wait_for(timeout=60_000)

    # Enroll one more mentee by hand, with focus areas.
    page.get_by_role("link", name="Home").click()
    page.get_by_role("main").get_by_role("link", name="People", exact=True).click()
    enroll = page.locator("section", has=page.get_by_role("heading", name="Enroll someone"))
    enroll.get_by_label("Email of the person").fill(personas.outsider.email)
    enroll.get_by_label("Mentee").check()
    enroll.get_by_label("Conflict resolution").check()
    enroll.get_by_role("button", name="Enroll").click()
    enrolled = f"{personas.outsider.full_name} is enrolled as a mentee."
    expect(page.get_by_text(enrolled)).to_be_visible()

    # Matching: three waiting mentees, room for three (one slot each for the
    # two personas' mentors, two for Cleo).
    page.get_by_role("button", name="Matching", exact=True).click()
    page.get_by_role("button", name="Run matching").click()
    page.get_by_role("heading", name="Waiting for approval (3)").wait_for(timeout=60_000)
    # The run is over (the page no longer polls to reload itself mid-click).
    page.locator("#matching-progress").wait_for(state="detached", timeout=60_000)

    # Swap one mentor for a ranked alternative.
    row = page.locator("#proposal-table tr", has_text="Ada Park")
    before = row.locator("td").nth(1).inner_text()
    row.get_by_role("link", name="Review").click()
    page.get_by_role("button", name="Propose").first.click()
    expect(page.get_by_text("is now proposed for Ada Park")).to_be_visible()
    ada = Pairing.objects.get(mentee__email="ada@acme.test", status=PairingStatus.PROPOSED)
    assert ada.mentor.full_name not in before

    # Approving reaches six people by email, so the page asks first; saying
    # no leaves everything proposed.
    questions: list[str] = []

    def say_no(dialog: Any) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", say_no)
    page.get_by_role("button", name="Approve all").click()
    assert questions == [
        "Approve all 3 proposed pairings? Each mentor and mentee is told by email."
    ]
    expect(page.get_by_role("heading", name="Waiting for approval (3)")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Approve all").click()
    expect(page.get_by_text("3 pairings approved")).to_be_visible()
    expect(page.get_by_role("heading", name="Waiting for approval (0)")).to_be_visible()

    # The welcome goes out with the next sweep (here at once, not at 09:00).
    call_command("reminders", "--send-now")
    new_mentees = {"ada@acme.test", "ben@acme.test", personas.outsider.email}

    def welcomes() -> list[tuple[str, str]]:
        return [
            (m["To"], m["Subject"])
            for m in smtp_server.messages
            if m["Subject"].startswith(("Meet your mentor", "You are now mentoring"))
        ]

    wait_for(lambda: new_mentees <= {to for to, _ in welcomes()}, timeout=60)
    assert ("ada@acme.test", f"Meet your mentor, {ada.mentor.full_name}") in welcomes()
    wait_for(lambda: (ada.mentor.email, "You are now mentoring Ada Park") in welcomes(), timeout=30)

    # Imported people have no password until they set one; give Ada one.
    ada_person = Person.objects.get(email="ada@acme.test")
    ada_person.set_password(PASSWORD)
    ada_person.save()
    page.context.clear_cookies()
    sign_in(ada_person, PASSWORD)
    expect(page.get_by_text(f"{ada.mentor.full_name} is your mentor")).to_be_visible()
    page.get_by_role("link", name="Open your plan").click()
    expect(page.get_by_role("heading", name="Due this week")).to_be_visible()
    expect(page.locator("li", has_text="Kickoff").first).to_be_visible()
    expect(page.locator("li", has_text="Day-30 self-assessment").first).to_be_visible()

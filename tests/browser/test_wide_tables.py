"""At a desktop's width the program's roster, with the demo's volumes, fits
without scrolling sideways: its row actions (the Withdraw reason and button)
wrap within their cell. The every-page walk allows a table to scroll inside
its own region, as a phone needs; a desktop should not."""

from __future__ import annotations

from typing import Any

import pytest

from mentorship.demo.content import DEMO_PASSWORD, HR_EMAIL
from mentorship.people.models import Person
from mentorship.programs.models import Program, ProgramStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOWING = """
() => [...document.querySelectorAll(".table-scroll")]
  .filter((region) => region.scrollWidth > region.clientWidth)
  .map((region) => `${region.getAttribute("aria-labelledby")}: `
    + `${region.scrollWidth}px in ${region.clientWidth}px`)
"""


@pytest.mark.viewport(1280, 900)
def test_the_roster_fits_a_desktop_without_scrolling_sideways(
    page: Any, sign_in: Any, demo: None
) -> None:
    sign_in(Person.objects.get(email=HR_EMAIL), DEMO_PASSWORD)
    program = Program.objects.filter(status=ProgramStatus.ACTIVE).order_by("pk").first()
    assert program is not None

    page.goto(f"/programs/{program.pk}/people/")

    assert page.get_by_role("button", name="Withdraw").count() > 5
    assert page.evaluate(OVERFLOWING) == []


@pytest.mark.viewport(1280, 800)
def test_the_enrol_form_at_the_foot_of_a_long_roster_answers_where_it_is(
    page_checks: Any, sign_in: Any, demo: None
) -> None:
    """The demo's roster is long and the Enroll form is at its foot: sent
    with a mistake, the page comes back at the form, its message beside it
    and in view, not at the top of the page."""
    from playwright.sync_api import expect

    page = page_checks.page
    sign_in(Person.objects.get(email=HR_EMAIL), DEMO_PASSWORD)
    program = Program.objects.filter(status=ProgramStatus.ACTIVE).order_by("pk").first()
    assert program is not None
    page.goto(f"/programs/{program.pk}/people/")

    page.get_by_label("Email of the person").fill("nobody-here@example.com")
    page.get_by_label("Mentee", exact=True).check()
    page.get_by_role("button", name="Enroll").click()
    page.wait_for_load_state("load")
    # The answer to the mistake is a 400, which the browser reports; expected here.
    page_checks.problems.remove(
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    )

    message = page.get_by_role("alert").filter(has_text="Not enrolled")
    expect(message).to_be_in_viewport()
    expect(page.get_by_label("Email of the person")).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 1000  # far down the page, at the form

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

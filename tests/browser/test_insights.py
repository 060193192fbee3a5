"""HR's dashboard in a real browser, over the demo data: the charts draw,
an at-risk pairing opens with its reasons, and a CSV export downloads."""

from __future__ import annotations

import csv
import io
import itertools
import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from mentorship.demo.content import DEMO_PASSWORD, HR_EMAIL
from mentorship.insights.exports import DATASETS
from mentorship.pairings.models import Pairing
from mentorship.people.models import Person
from mentorship.programs.models import Program, ProgramStatus
from tests.fixtures.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_reads_the_demo_programs_health(page: Any, sign_in: Any) -> None:
    call_command("seed_demo", "--force", stdout=io.StringIO())
    program = Program.objects.get(status=ProgramStatus.ACTIVE)
    sign_in(Person.objects.get(email=HR_EMAIL), DEMO_PASSWORD)

    page.get_by_role("link", name="Insights").click()
    page.get_by_label("Program").select_option(label=program.name)
    page.get_by_role("button", name="Show").click()

    expect(page).to_have_url(re.compile(rf"program={program.pk}"))
    page.wait_for_load_state("load")  # the stylesheets, which size the chart
    weekly = page.locator("#checkins-chart ~ figure svg")
    expect(weekly.locator("rect")).to_have_count(12)
    heights = [
        float(h)
        for h in weekly.locator("rect").evaluate_all("rs => rs.map(r => r.getAttribute('height'))")
    ]
    assert sum(heights) > 0  # the demo's check-ins show as bars
    assert page.locator("#by-day-title").count() == 1
    box = weekly.bounding_box()
    assert box is not None
    assert box["width"] > 300
    # The week labels shown stand apart (every other one is left out where
    # the chart is too narrow for all twelve).
    shown = weekly.locator("text.tick").evaluate_all(
        """ts => ts.filter(t => getComputedStyle(t).display !== 'none')
                   .filter(t => /[A-Z][a-z]{2}$/.test(t.textContent))
                   .map(t => { const b = t.getBBox(); const m = t.getScreenCTM();
                               return [b.x * m.a + m.e, (b.x + b.width) * m.a + m.e]; })"""
    )
    assert len(shown) >= 6
    gaps = [later[0] - earlier[1] for earlier, later in itertools.pairwise(shown)]
    assert min(gaps) >= 4, f"week labels touch or overlap: gaps {gaps}"
    screenshot(page, "insights-dashboard")

    risks = page.locator("section.at-risk li")
    assert risks.count() >= 1
    first = risks.first
    reasons = first.locator(".risk-reasons").inner_text()
    assert reasons
    first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/pairings/" in page.url

    page.goto(f"/programs/{program.pk}/exports/")
    with page.expect_download() as downloaded:
        page.get_by_role("link", name="CSV").first.click()
    path = downloaded.value.path()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == DATASETS["pairings"].header
    assert len(rows) == 1 + Pairing.objects.filter(program=program).count()

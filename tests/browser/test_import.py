"""HR imports people from a CSV in a real browser: the check runs on a real
worker while the page shows its progress, then the import is confirmed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from mentorship.people.models import Person
from tests.fixtures.browser import screenshot
from tests.fixtures.personas import PASSWORD, Personas

pytestmark = [
    pytest.mark.browser,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]

ROWS = 1200


def test_hr_uploads_sees_progress_then_imports(
    page: Any, sign_in: Any, personas: Personas, celery_worker_factory: Any, tmp_path: Path
) -> None:
    lines = ["email,full_name,title,department,manager_email,time_zone"]
    lines.append("head@acme.test,Hale Head,VP Engineering,Engineering,,America/New_York")
    lines += [
        f"lead{i}@acme.test,Lead {i},Team Lead,Engineering,head@acme.test,Europe/Berlin"
        for i in range(ROWS - 1)
    ]
    csv = tmp_path / "acme-people.csv"
    csv.write_text("\n".join(lines) + "\n")

    sign_in(personas.hr, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.get_by_role("button", name="Import from a CSV").click()
    page.get_by_label("CSV file").set_input_files(str(csv))
    page.get_by_role("button", name="Check the file").click()

    # No worker yet: the check waits in the queue and the page says so.
    bar = page.locator("progress#import-progress-bar")
    expect(bar).to_be_visible()
    expect(page.get_by_text(f"Checking row 0 of {ROWS}")).to_be_visible()

    celery_worker_factory()
    # The page polls and reloads itself with the result of the dry run.
    page.get_by_role("heading", name="What this file would do").wait_for(timeout=60_000)
    summary = page.locator("#import-summary")
    expect(summary.get_by_text(f"{ROWS} new people")).to_be_visible()
    assert Person.objects.filter(email__endswith="@acme.test").count() == 0
    screenshot(page, "people-import-dry-run", full_page=False)

    page.get_by_role("button", name=f"Import {ROWS} rows").click()
    page.get_by_role("heading", name="Imported", exact=True).wait_for(timeout=60_000)
    assert Person.objects.filter(email__endswith="@acme.test").count() == ROWS
    lead = Person.objects.get(email="lead7@acme.test")
    assert lead.manager is not None
    assert lead.manager.email == "head@acme.test"

"""A check-in as the pair and HR live it, in a real browser: the mentee logs
one with an action item and a private note; the mentor sees the check-in
and the item but not the note; the next form carries the item over; HR sees
that it happened and on what, never a word of it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from mentorship.checkins.models import CheckIn
from tests.fixtures.browser import screenshot
from tests.fixtures.personas import PASSWORD, Personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHARED = "We rehearsed telling Sam the project is cancelled."
PRIVATE = "I am not sure I want to manage Sam at all."
MENTOR_PRIVATE = "Remind her how long my own first year took."
ITEM = "Tell Sam before Friday's standup"


def test_a_checkin_reaches_each_persona_as_far_as_it_may(
    page: Any, sign_in: Any, personas: Personas
) -> None:
    sign_in(personas.mentee, PASSWORD)
    page.get_by_role("link", name="Open your plan").click()
    page.get_by_role("button", name="Log a check-in").click()

    page.get_by_label("How long (minutes)").fill("50")
    page.get_by_label("Conflict resolution").check()
    page.get_by_label("Notes for the two of you").fill(SHARED)
    page.get_by_label("Private note").fill(PRIVATE)
    page.get_by_label("3 · somewhat").check()
    page.get_by_label("Action item 1").fill(ITEM)
    page.get_by_label("Who, for item 1").select_option("mentee")
    screenshot(page, "checkin-form")
    page.get_by_role("button", name="Log the check-in").click()

    # The page lands on the new check-in, and the message with it.
    expect(page.get_by_text("Check-in logged.")).to_be_in_viewport()
    expect(page.locator("li.checkin").first.get_by_text("Check-in logged.")).to_be_visible()
    entry = page.locator("li.checkin").first
    expect(entry.get_by_text(SHARED)).to_be_visible()
    expect(entry.locator(".private-note").get_by_text(PRIVATE)).to_be_visible()  # the author's own
    expect(entry.get_by_text("Private — only you")).to_be_visible()
    expect(page.locator("#action-items").get_by_text(ITEM)).to_be_visible()
    checkin = CheckIn.objects.get()
    assert checkin.duration_minutes == 50

    page.context.clear_cookies()
    sign_in(personas.mentor, PASSWORD)
    page.goto(f"/pairings/{personas.pairing.pk}/")
    entry = page.locator(f"#checkin-{checkin.pk}")
    expect(entry.get_by_text(SHARED)).to_be_visible()
    expect(entry.get_by_text(ITEM)).to_be_visible()
    assert PRIVATE not in page.content()
    # The mentor keeps a note of their own on the mentee's check-in.
    entry.get_by_text("Add a private note").click()
    entry.get_by_label("Your private note").fill(MENTOR_PRIVATE)
    entry.get_by_role("button", name="Save private note").click()
    expect(page.get_by_text("Private note saved.")).to_be_in_viewport()
    entry = page.locator(f"#checkin-{checkin.pk}")
    expect(entry.locator(".private-note").get_by_text(MENTOR_PRIVATE)).to_be_visible()
    assert PRIVATE not in page.content()
    page.get_by_role("button", name="Log a check-in").click()
    carried = page.get_by_role("group", name="Open action items: tick what is done")
    expect(carried.get_by_label(ITEM, exact=False)).to_be_visible()
    assert not carried.get_by_label(ITEM, exact=False).is_checked()

    page.context.clear_cookies()
    sign_in(personas.hr, PASSWORD)
    page.goto(f"/pairings/{personas.pairing.pk}/")
    entry = page.locator(f"#checkin-{checkin.pk}")
    expect(entry.locator("time").first).to_be_visible()  # when it happened
    expect(entry.locator("time").last).to_be_visible()  # when it was logged
    expect(entry.get_by_text("Conflict resolution")).to_be_visible()
    expect(entry.get_by_text("50 min")).to_be_visible()
    html = page.content()
    for text in (SHARED, PRIVATE, MENTOR_PRIVATE, ITEM):
        assert text not in html

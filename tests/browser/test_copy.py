"""What is shown only once (a calendar address, an API token) has a Copy
button that puts exactly it on the clipboard, in a real browser."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.fixtures.personas import PASSWORD, Personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("path", "make", "copy", "shown"),
    [
        ("/calendar/", "Create my calendar address", "Copy the address", "#feed-url"),
        ("/account/api-tokens/", "Create token", "Copy the token", "#new-token"),
    ],
)
def test_a_secret_shown_once_is_copied_whole(
    page: Any,
    sign_in: Any,
    live_server: Any,
    personas: Personas,
    path: str,
    make: str,
    copy: str,
    shown: str,
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    sign_in(personas.mentee, PASSWORD)
    page.goto(path)
    if path.startswith("/account/"):
        page.get_by_label("Name").fill("weekly report script")
    page.get_by_role("button", name=make).click()
    secret = page.locator(shown).inner_text().strip()
    assert len(secret) > 20

    page.get_by_role("button", name=copy).click()

    expect(page.locator(f"{shown}-status")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == secret

"""The web shell in a real browser: signing in, each person's home, the API
docs, mail in the outbox — with no console error, no CSP violation and no
request leaving the machine (the ``page`` fixture fails the test on any)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from mentorship.demo.content import DEMO_PASSWORD
from mentorship.people.models import Person
from tests.fixtures.browser import screenshot
from tests.fixtures.personas import PASSWORD, Personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mentee_signs_in_and_sees_their_mentor_and_plan(
    page: Any, sign_in: Any, personas: Personas
) -> None:
    sign_in(personas.mentee, PASSWORD)

    expect(page.get_by_role("heading", name="Hello, Mira")).to_be_visible()
    expect(page.get_by_text("is your mentor in")).to_be_visible()
    expect(page.get_by_role("heading", name="Coming up")).to_be_visible()
    progress = page.get_by_label(re.compile("Plan progress"))
    assert progress.get_attribute("max") == "4"


def test_a_wrong_password_is_explained_on_the_form(page: Any, personas: Personas) -> None:
    page.goto("/account/sign-in/")
    page.get_by_label("Email").fill(personas.mentee.email)
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()

    alert = page.get_by_role("alert")
    assert "do not match an active account" in alert.inner_text()
    assert page.get_by_label("Email").input_value() == personas.mentee.email


def test_signing_in_and_skipping_to_content_work_from_the_keyboard(
    page: Any, live_server: Any, personas: Personas
) -> None:
    page.goto("/account/sign-in/")
    # The email field has focus as the page opens.
    assert page.evaluate("document.activeElement.id") == "id_username"
    page.keyboard.type(personas.mentor.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    expect(page.get_by_role("heading", name="People you mentor")).to_be_visible()


def test_each_demo_login_reaches_its_own_view(page: Any, sign_in: Any, demo: None) -> None:
    expectations = {
        "mentee@example.com": "Your mentoring",
        "mentor@example.com": "People you mentor",
        "hr@example.com": "Programs you run",
    }
    for email, heading in expectations.items():
        person = Person.objects.get(email=email)
        sign_in(person, DEMO_PASSWORD)
        assert page.get_by_role("heading", name=heading).is_visible(), email
        screenshot(page, f"home-{email.split('@')[0]}")
        if email == "mentee@example.com":
            page.get_by_role("link", name="Open your plan").click()
            expect(page.get_by_role("heading", name="Overdue (1)")).to_be_visible()
            screenshot(page, "pairing-timeline")
            page.get_by_role("link", name="Confidence over time").click()
            expect(page.get_by_role("heading", name="Your confidence over time")).to_be_visible()
            page.wait_for_load_state("load")
            screenshot(page, "confidence-chart")
        page.locator("nav summary:visible").click()  # the account menu
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/account/sign-in/")


def test_the_api_docs_load_from_this_server_alone(
    page: Any, sign_in: Any, personas: Personas
) -> None:
    sign_in(personas.hr, PASSWORD)
    page.goto("/api/docs/")

    page.get_by_text("Scaffold API").first.wait_for()
    expect(page.get_by_text("/api/v1/programs/").first).to_be_visible()
    # The way back to the app.
    expect(page.get_by_role("link", name="← Back to Scaffold")).to_have_attribute("href", "/")
    screenshot(page, "api-docs")
    # An open operation is checked too (at the end of the test): its
    # parameters, their inputs and the code samples.
    page.locator(".opblock-summary-control").first.click()
    page.locator(".opblock .parameters").first.wait_for()


def test_a_reset_email_is_in_the_outbox_without_its_link_which_works_from_the_terminal(
    page: Any,
    sign_in: Any,
    live_server: Any,
    personas: Personas,
    settings: Any,
    celery_eager: None,
    capsys: Any,
) -> None:
    """In development the outbox keeps every email, but never a link that
    signs someone in: that goes only to the recipient's mail, which the
    terminal stands in for."""
    settings.SITE_URL = live_server.url
    settings.MAILERS = {
        "default": {"BACKEND": "mentorship.notifications.backends.OutboxEmailBackend"}
    }
    settings.OUTBOX_ECHO = True
    # Signed in to read the outbox first: signing in after the email was
    # sent would (rightly) void its link.
    sign_in(personas.mentee, PASSWORD)
    page.goto("/account/password-reset/")
    page.get_by_label("Email").fill(personas.mentee.email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    page.get_by_role("link", name="Dev outbox").click()
    page.get_by_role("link", name="Reset your Scaffold password").click()
    button = page.frame_locator("iframe.email-frame").get_by_role(
        "link", name="Choose a new password"
    )
    assert button.get_attribute("href") == "[link delivered to the recipient only]"
    text = page.locator("pre.email-text").inner_text()
    assert "[link delivered to the recipient only]" in text
    assert "/password-reset/" not in text

    link = re.search(r"http://\S+/password-reset/\S+/\S+/", capsys.readouterr().out)
    assert link is not None
    page.goto(link.group(0))
    page.get_by_label(re.compile(r"^New password:?$")).fill("a fresh passphrase 9")
    page.get_by_label("New password confirmation").fill("a fresh passphrase 9")
    page.get_by_role("button", name="Set the password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()

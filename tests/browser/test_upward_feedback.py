"""A round of upward feedback end to end, in a real browser with a real
worker and a real SMTP server: the round opens, three reports answer through
the links in their emails (one more declines), the round closes, the new
manager reads the results, shares them and picks a focus, and the mentor
then sees them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from mentorship.core.timezones import today_for
from mentorship.upward import services
from mentorship.upward.models import FeedbackResponse, FeedbackRound
from mentorship.upward.statements import SCALE, STATEMENTS
from tests.factories import MilestoneFactory, PersonFactory
from tests.fixtures.celery_worker import wait_for
from tests.fixtures.personas import PASSWORD, Personas
from tests.upward.builders import upward_step

pytestmark = [
    pytest.mark.browser,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


def test_a_round_from_emailed_links_to_shared_results(
    page: Any,
    sign_in: Any,
    personas: Personas,
    celery_worker_factory: Any,
    smtp_server: Any,
    live_server: Any,
    page_checks: Any,
) -> None:
    celery_worker_factory(extra_env={**smtp_server.env(), "SITE_URL": live_server.url})
    mentee = personas.mentee
    reports = [
        PersonFactory.create(manager=mentee, full_name=name, email=f"{name.lower()}@team.test")
        for name in ("Ana", "Bo", "Cy", "Dee")
    ]
    upward_step(personas.pairing, today_for(mentee))

    # The beat job opens the round; the invitations go out (at once here,
    # not at 09:00 where each report is).
    assert services.sweep(now=timezone.now())["opened"] == 1
    call_command("reminders", "--send-now")

    def invitations() -> dict[str, str]:
        found = {}
        for message in smtp_server.messages:
            if message["Subject"] == f"{mentee.full_name} asks for your feedback, anonymously":
                body = message.get_body(preferencelist=("plain",)).get_content()
                link = re.search(r"https?://\S+/feedback/\S+/", body)
                assert link is not None, body
                found[message["To"]] = link.group(0)
        return found

    links = wait_for(lambda: len(invitations()) == 4 and invitations(), timeout=60)
    assert set(links) == {p.email for p in reports}
    assert all(link.startswith(live_server.url) for link in links.values())

    # Three answer, each in their own browser session, with no account.
    for score, report in zip((4, 5, 3), reports[:3], strict=True):
        page.context.clear_cookies()
        page.goto(links[report.email])
        expect(page.get_by_role("heading", name=f"Feedback for {mentee.full_name}")).to_be_visible()
        for statement in STATEMENTS:
            group = page.get_by_role("group", name=statement.text)
            group.get_by_label(f"{score} · {dict(SCALE)[score]}").check()
        page.get_by_label("What should they keep doing?").fill(f"Keep the weekly 1:1s ({score})")
        page.get_by_role("button", name="Send my feedback").click()
        expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
        # The link works once: a second visit is told so (410, on purpose).
        page.goto(links[report.email])
        expect(page.get_by_role("heading", name="This link has been used")).to_be_visible()
        page_checks.problems.remove(
            "Failed to load resource: the server responded with a status of 410 (Gone)"
        )
    # The fourth declines.
    page.context.clear_cookies()
    page.goto(links[reports[3].email])
    page.get_by_role("button", name="I'd rather not answer").click()
    expect(page.get_by_text("nobody is told who declined")).to_be_visible()
    assert FeedbackResponse.objects.count() == 3

    # Ten days later the round closes.
    services.round_close(round_=FeedbackRound.objects.get())

    sign_in(mentee, PASSWORD)
    page.goto(f"/pairings/{personas.pairing.pk}/")
    page.get_by_role("link", name="What your team says").click()
    expect(page.get_by_text("3 of 4 answered, 1 declined")).to_be_visible()
    row = page.locator("tr[data-statement='trust']")
    expect(row.locator("td").first).to_contain_text("4.0")
    expect(page.get_by_text("Keep the weekly 1:1s (5)")).to_be_visible()
    page.get_by_role("button", name=f"Share this round with {personas.mentor.full_name}").click()
    expect(page.get_by_text(f"{personas.mentor.full_name} now sees this round")).to_be_visible()
    page.get_by_label(STATEMENTS[1].text).check()
    page.get_by_role("button", name="Save focus").click()
    expect(page.get_by_text("Focus saved")).to_be_visible()
    expect(page.locator("tr.focus[data-statement='feedback']")).to_be_visible()

    page.context.clear_cookies()
    sign_in(personas.mentor, PASSWORD)
    page.goto(f"/pairings/{personas.pairing.pk}/upward-feedback/")
    expect(page.get_by_text("Keep the weekly 1:1s (3)")).to_be_visible()


def test_the_line_manager_and_the_mentee_complete_the_agreement(
    page: Any,
    sign_in: Any,
    personas: Personas,
    celery_worker_factory: Any,
    smtp_server: Any,
    live_server: Any,
) -> None:
    from mentorship.agreements import services as agreements
    from mentorship.agreements.models import ManagerAgreement
    from mentorship.plans.models import StepKind

    celery_worker_factory(extra_env={**smtp_server.env(), "SITE_URL": live_server.url})
    mentee, boss = personas.mentee, personas.line_manager
    MilestoneFactory.create(
        pairing=personas.pairing,
        kind=StepKind.AGREEMENT,
        title="Agree on success with your manager",
        due_on=today_for(mentee),
    )
    assert agreements.sweep(now=timezone.now())["asked"] == 1
    call_command("reminders", "--send-now")

    def ask() -> str | None:
        for message in smtp_server.messages:
            if message["To"] == boss.email and "agree on what success" in message["Subject"]:
                body = message.get_body(preferencelist=("plain",)).get_content()
                link = re.search(r"https?://\S+/agreement/\S+/", body)
                assert link is not None, body
                return link.group(0)
        return None

    link = wait_for(ask, timeout=60)
    # The line manager writes it from the email, without signing in.
    page.goto(link)
    expect(
        page.get_by_role("heading", name=f"What you agree with {mentee.full_name}")
    ).to_be_visible()
    page.get_by_label("What does success look like at 90 days?").fill("The team plans without me")
    page.get_by_label("Which decisions are now theirs to make?").fill("Hiring and the backlog")
    page.get_by_label("What individual work do they hand off, and to whom?").fill(
        "The billing service, to Ravi"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved. They are asked to confirm it.")).to_be_visible()

    sign_in(mentee, PASSWORD)
    page.goto(f"/pairings/{personas.pairing.pk}/")
    page.get_by_role("link", name="Agreement with your manager").click()
    expect(page.get_by_text("Hiring and the backlog")).to_be_visible()
    page.get_by_role("button", name="This is what we agreed").click()
    expect(page.get_by_text("Confirmed: this is what you agreed.")).to_be_visible()
    assert ManagerAgreement.objects.get().status == "agreed"
    page.goto(f"/pairings/{personas.pairing.pk}/")
    expect(page.locator("li.milestone", has_text="Agree on success")).to_contain_text("Done")

    # HR sees that it happened, and when; never what it says.
    page.context.clear_cookies()
    sign_in(personas.hr, PASSWORD)
    page.goto(f"/pairings/{personas.pairing.pk}/")
    expect(page.get_by_text("Agreement with their line manager: agreed on")).to_be_visible()
    expect(page.get_by_text("Hiring and the backlog")).to_have_count(0)

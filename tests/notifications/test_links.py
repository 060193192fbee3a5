"""Signed links in reminders: mark done and snooze without signing in, once;
unsubscribe in one click."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mentorship.notifications import links
from mentorship.notifications.models import EmailOptOut
from mentorship.pairings.models import Milestone, MilestoneStatus
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture
def milestone(personas: Personas) -> Milestone:
    return personas.pairing.milestones.get(title="First 1:1s")


def done_link(personas: Personas, milestone: Milestone) -> str:
    return path_of(
        links.action_url(
            action="milestone_done", person_id=personas.mentee.pk, object_id=milestone.pk
        )
    )


def test_opening_a_done_link_asks_first_and_changes_nothing(
    client: Client, personas: Personas, milestone: Milestone
) -> None:
    response = client.get(done_link(personas, milestone))

    assert response.status_code == 200
    assert "Mark “First 1:1s” as done?" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.OPEN


def test_the_done_link_works_without_signing_in_and_only_once(
    client: Client, personas: Personas, milestone: Milestone
) -> None:
    url = done_link(personas, milestone)

    response = client.post(url, {"note": "All six done"})

    assert response.status_code == 200
    assert "“First 1:1s” is done" in response.content.decode()
    milestone.refresh_from_db()
    assert (milestone.status, milestone.completed_by, milestone.note) == (
        MilestoneStatus.DONE,
        personas.mentee,
        "All six done",
    )
    again = client.post(url)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert client.get(url).status_code == 410


def test_the_snooze_link_holds_reminders_for_a_week(
    client: Client, personas: Personas, milestone: Milestone
) -> None:
    url = path_of(
        links.action_url(
            action="milestone_snooze", person_id=personas.mentor.pk, object_id=milestone.pk
        )
    )

    response = client.post(url)

    assert response.status_code == 200
    milestone.refresh_from_db()
    assert milestone.snoozed_until is not None
    assert milestone.snoozed_until - timezone.localdate() >= dt.timedelta(days=6)
    assert milestone.status == MilestoneStatus.OPEN


def test_an_expired_link_says_so(
    client: Client, personas: Personas, milestone: Milestone, time_machine: Any
) -> None:
    url = done_link(personas, milestone)
    time_machine.move_to(timezone.now() + dt.timedelta(days=15))

    response = client.post(url)

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert "This link no longer works" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.OPEN


def test_a_tampered_link_says_it_no_longer_works(
    client: Client, personas: Personas, milestone: Milestone
) -> None:
    url = done_link(personas, milestone)
    response = client.get(url[:-3] + "xx/")
    assert response.status_code == 400
    assert "This link no longer works" in response.content.decode()


def test_a_link_on_a_finished_pairing_changes_nothing(
    client: Client, personas: Personas, milestone: Milestone
) -> None:
    personas.pairing.status = "ended"
    personas.pairing.save()

    response = client.post(done_link(personas, milestone))

    assert "Nothing changed" in response.content.decode()
    assert "its plan is closed" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.OPEN


def test_a_link_made_for_someone_outside_the_pair_does_nothing(
    client: Client, personas: Personas, milestone: Milestone
) -> None:
    url = path_of(
        links.action_url(
            action="milestone_done", person_id=personas.outsider.pk, object_id=milestone.pk
        )
    )

    client.post(url)

    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.OPEN


def test_unsubscribe_asks_then_turns_that_kind_off(client: Client, personas: Personas) -> None:
    url = path_of(links.unsubscribe_url(person_id=personas.mentee.pk, kind="milestone_overdue"))

    page = client.get(url)
    assert "Stop “Milestone overdue” emails?" in page.content.decode()
    assert not EmailOptOut.objects.exists()

    done = client.post(url)
    assert done.status_code == 200
    assert EmailOptOut.objects.filter(person=personas.mentee, kind="milestone_overdue").exists()
    assert client.post(url).status_code == 200  # twice is fine


def test_mail_clients_unsubscribe_in_one_click_without_csrf(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    url = path_of(links.unsubscribe_url(person_id=personas.mentee.pk, kind="milestone_due_soon"))

    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert EmailOptOut.objects.filter(person=personas.mentee, kind="milestone_due_soon").exists()


# --------------------------------------------------------------------------
# Damaged links: whatever a mail program or a hand did to a link, it leads
# to a page that says it no longer works — 400 when the link is damaged,
# 410 when it was fine but is no more — and never to a raw error.


def _truncated(token: str) -> str:
    return token[:-5]


def _altered(token: str) -> str:
    at = len(token) // 2
    while token[at] in ":.-":
        at += 1
    return token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]


def _garbage(token: str) -> str:
    return "garbage"


DAMAGE = {"truncated": _truncated, "altered": _altered, "garbage": _garbage}


def _link_paths(personas: Personas, milestone: Milestone) -> dict[str, tuple[str, str]]:
    """Each kind of link in an email: (path before the token, token)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from mentorship.people.services import invitation_token

    newcomer = personas.outsider
    newcomer.set_unusable_password()
    newcomer.last_login = None
    newcomer.save()
    done = done_link(personas, milestone)
    unsubscribe = path_of(
        links.unsubscribe_url(person_id=personas.mentee.pk, kind="milestone_overdue")
    )
    uid = urlsafe_base64_encode(force_bytes(personas.mentor.pk))
    return {
        "mark done": (done.rsplit("/", 2)[0] + "/", done.rsplit("/", 2)[1]),
        "unsubscribe": (unsubscribe.rsplit("/", 2)[0] + "/", unsubscribe.rsplit("/", 2)[1]),
        "invitation": ("/account/welcome/", invitation_token(newcomer)),
        "password reset": (
            f"/account/password-reset/{uid}/",
            default_token_generator.make_token(personas.mentor),
        ),
    }


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("link", ["mark done", "unsubscribe", "invitation", "password reset"])
def test_a_damaged_link_says_it_no_longer_works(
    personas: Personas, milestone: Milestone, settings: Any, link: str, damage: str
) -> None:
    settings.DEBUG = False
    prefix, token = _link_paths(personas, milestone)[link]
    client = Client()
    client.raise_request_exception = False
    assert client.get(f"{prefix}{token}/").status_code in (200, 302)  # the link as sent works

    for method in ("get", "post"):
        response = getattr(client, method)(f"{prefix}{DAMAGE[damage](token)}/")
        page = response.content.decode()
        assert response.status_code == 400, (method, page)
        assert "no longer works" in page, (method, page)
        assert "Skip to content" in page  # the site's layout
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.OPEN
    assert not EmailOptOut.objects.exists()


def test_a_link_whose_person_has_left_is_gone(
    personas: Personas, milestone: Milestone, settings: Any
) -> None:
    settings.DEBUG = False
    unsubscribe = path_of(
        links.unsubscribe_url(person_id=personas.mentee.pk, kind="milestone_overdue")
    )
    done = done_link(personas, milestone)
    personas.mentee.is_active = False
    personas.mentee.save()

    for url in (unsubscribe, done):
        response = Client().get(url)
        assert response.status_code == 410
        assert "This link no longer works" in response.content.decode()


def test_an_expired_unsubscribe_or_reset_link_is_410(
    personas: Personas, time_machine: Any, settings: Any
) -> None:
    settings.DEBUG = False
    paths = _link_paths(personas, personas.pairing.milestones.get(title="First 1:1s"))
    time_machine.move_to(timezone.now() + dt.timedelta(days=400))

    for link in ("unsubscribe", "password reset", "mark done", "invitation"):
        prefix, token = paths[link]
        response = Client().get(f"{prefix}{token}/", follow=True)
        assert response.status_code == 410, link
        assert "no longer works" in response.content.decode(), link

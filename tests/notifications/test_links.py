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
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.OPEN


def test_a_tampered_link_is_not_found(
    client: Client, personas: Personas, milestone: Milestone
) -> None:
    url = done_link(personas, milestone)
    assert client.get(url[:-3] + "xx/").status_code == 404


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

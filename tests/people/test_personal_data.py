"""A person's data, as one JSON file: the person downloads all of theirs
(their own private notes and reflections, nobody else's); HR exports what HR
may read anyway, and the export is recorded."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mentorship.audit.models import AuditEvent
from mentorship.checkins.selectors import plan_competencies
from mentorship.checkins.services import checkin_log
from tests.api.test_permission_matrix import PERSONAS
from tests.checkins.test_privacy_matrix import (
    ACTION_ITEM,
    PRIVATE_MENTEE,
    PRIVATE_MENTOR,
    REFLECTION,
    SHARED,
    day_two,
    plant,
)
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db

MY_DATA = "/account/profile/data.json"


def their_data(person: Any) -> str:
    return f"/people/{person.pk}/data.json"


def download(client: Client, url: str) -> tuple[dict[str, Any], str]:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="scaffold-data-')
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    return json.loads(text), text


def test_the_mentee_downloads_everything_of_theirs_and_nothing_of_their_mentors(
    client_for: Any, personas: Personas
) -> None:
    plant(personas)

    document, text = download(client_for(personas.mentee), MY_DATA)

    assert document["format"] == "scaffold-personal-data/1"
    assert document["exported_for"] == "the person themself"
    assert document["person"]["email"] == personas.mentee.email
    for marker in (PRIVATE_MENTEE, REFLECTION, SHARED, ACTION_ITEM):
        assert marker in text, marker
    assert PRIVATE_MENTOR not in text
    [pairing] = document["pairings"]
    assert (pairing["role"], pairing["partner"]["email"]) == ("mentee", personas.mentor.email)
    assert {c["my_private_note"] for c in document["check_ins"]} == {PRIVATE_MENTEE, None}
    assert document["self_assessments"][0]["my_reflection"] == REFLECTION


def test_the_mentor_downloads_their_own_note_not_the_mentees(
    client_for: Any, personas: Personas
) -> None:
    plant(personas)

    document, text = download(client_for(personas.mentor), MY_DATA)

    assert PRIVATE_MENTOR in text
    assert SHARED in text
    assert PRIVATE_MENTEE not in text
    assert REFLECTION not in text
    assert [p["role"] for p in document["pairings"]] == ["mentor"]
    # A mentor took no self-assessment: a shared one of the mentee's is not theirs.
    assert document["self_assessments"] == []


def test_hr_exports_what_hr_may_read_and_the_export_is_recorded(
    client_for: Any, personas: Personas
) -> None:
    plant(personas)

    document, text = download(client_for(personas.hr), their_data(personas.mentee))

    assert document["exported_for"] == "HR"
    assert document["person"]["email"] == personas.mentee.email
    for marker in (PRIVATE_MENTEE, PRIVATE_MENTOR, REFLECTION, SHARED, ACTION_ITEM):
        assert marker not in text, marker
    # That each check-in happened, as on HR's pages.
    assert len(document["check_ins"]) == 2
    assert all("shared_notes" not in c for c in document["check_ins"])
    assert "self_assessments" not in document
    assert "action_items" not in document
    event = AuditEvent.objects.get(action="person.data_exported")
    assert (event.actor, event.target_id) == (personas.hr, str(personas.mentee.pk))


def test_a_person_taking_their_own_data_is_not_audited(client_for: Any, personas: Personas) -> None:
    download(client_for(personas.mentee), MY_DATA)
    assert not AuditEvent.objects.filter(action="person.data_exported").exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("hr", 200),
        ("program_admin", 404),
        ("mentor", 404),
        ("mentee", 404),
        ("line_manager", 404),
        ("other_mentor", 404),
        ("other_mentee", 404),
        ("outsider", 404),
    ],
)
def test_only_hr_exports_someone_elses_data(
    client_for: Any, personas: Personas, persona: str, status: int
) -> None:
    client = client_for(personas.everyone()[persona])
    for subject in (personas.mentee, personas.mentor):
        assert client.get(their_data(subject)).status_code == status


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_downloads_their_own_and_only_their_own(
    client_for: Any, personas: Personas, persona: str
) -> None:
    person = personas.everyone()[persona]
    response = client_for(person).get(MY_DATA)
    if person is None:
        assert response.status_code == 302
        assert response["Location"].startswith("/account/sign-in/")
        return
    assert response.status_code == 200
    assert json.loads(response.content)["person"]["email"] == person.email


def test_the_export_reads_a_fixed_number_of_queries_however_many_check_ins(
    client_for: Any, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    plant(personas)
    client = client_for(personas.mentee)
    client.get(MY_DATA)
    with CaptureQueriesContext(connection) as few:
        client.get(MY_DATA)
    for _ in range(5):
        checkin_log(
            pairing=personas.pairing,
            by=personas.mentee,
            occurred_on=day_two(personas).date(),
            duration_minutes=30,
            topics=plan_competencies(personas.pairing)[:2],
            shared_notes="more",
            private_note="mine",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(MY_DATA).json()["check_ins"]) == 7


def test_the_pages_offer_the_downloads(client_for: Any, personas: Personas) -> None:
    profile = client_for(personas.mentee).get("/account/profile/").content.decode()
    assert f'href="{MY_DATA}"' in profile
    edit = client_for(personas.hr).get(f"/people/{personas.mentee.pk}/edit/").content.decode()
    assert f'href="{their_data(personas.mentee)}"' in edit


@pytest.mark.parametrize("persona", ["anonymous", "hr", "mentor", "mentee", "outsider"])
def test_the_api_hands_each_person_their_own(
    client_for: Any, personas: Personas, persona: str
) -> None:
    plant(personas)
    person = personas.everyone()[persona]
    response = client_for(person).get("/api/v1/me/data/")
    if person is None:
        assert response.status_code == 401
        return
    assert response.status_code == 200
    assert response.json()["person"]["email"] == person.email
    assert (PRIVATE_MENTEE in response.content.decode()) == (persona == "mentee")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 401),
        ("hr", 200),
        ("program_admin", 403),
        ("mentor", 403),
        ("mentee", 200),
        ("line_manager", 403),
        ("other_mentor", 404),
        ("outsider", 404),
    ],
)
def test_the_api_export_of_someone_is_hrs_and_their_own(
    client_for: Any, personas: Personas, persona: str, status: int
) -> None:
    """Those who can see the mentee but are not HR are refused (403); those
    who cannot see them do not find them (404)."""
    plant(personas)
    response = client_for(personas.everyone()[persona]).get(
        f"/api/v1/people/{personas.mentee.pk}/data/"
    )
    assert response.status_code == status
    if persona == "hr":
        for marker in (PRIVATE_MENTEE, PRIVATE_MENTOR, REFLECTION, SHARED, ACTION_ITEM):
            assert marker not in response.content.decode()
        assert AuditEvent.objects.filter(action="person.data_exported").count() == 1

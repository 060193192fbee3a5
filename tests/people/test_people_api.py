"""POST /api/v1/people/ and PATCH /api/v1/people/{id}/: HR adds and edits
one person with the import's checks; every problem under its field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mentorship.audit.models import AuditEvent
from mentorship.people.models import Person
from tests.factories import competency
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def test_hr_adds_a_person_and_invites_them(
    personas: Personas, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    promoted = timezone.localdate() - dt.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client_for(personas.hr).post(
            "/api/v1/people/",
            {
                "email": "Nia.New@x.io",
                "full_name": "Nia New",
                "title": "Engineering Manager",
                "department": "Data",
                "manager": personas.line_manager.pk,
                "time_zone": "Asia/Tokyo",
                "became_manager_on": promoted.isoformat(),
                "expertise": [competency("conflict-resolution").pk],
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "nia.new@x.io"
    assert body["department"]["name"] == "Data"
    assert body["manager"] == personas.line_manager.pk
    assert body["became_manager_on"] == promoted.isoformat()
    assert [c["slug"] for c in body["expertise"]] == ["conflict-resolution"]
    person = Person.objects.get(pk=body["id"])
    assert AuditEvent.objects.filter(action="person.created", target_id=str(person.pk)).exists()
    # The invitation goes out through the usual flow, after the commit.
    assert AuditEvent.objects.filter(action="people.invited", target_id=str(person.pk)).exists()
    assert len(queued) == 1


def test_adding_without_an_invitation(personas: Personas, client_for: Any) -> None:
    response = client_for(personas.hr).post(
        "/api/v1/people/",
        {"email": "quiet@x.io", "full_name": "Quinn Quiet", "invite": False},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["time_zone"] == "UTC"
    assert not AuditEvent.objects.filter(action="people.invited").exists()


def test_every_problem_comes_back_under_its_field(personas: Personas, client_for: Any) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client_for(personas.hr).post(
        "/api/v1/people/",
        {
            "email": personas.mentor.email,
            "full_name": "Dup",
            "manager": 999_999,
            "time_zone": "Mars/Olympus",
            "became_manager_on": tomorrow.isoformat(),
            "expertise": [999_999],
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "email": [
            "mentor@scaffold.test is already someone's address in Scaffold; edit that person "
            "instead."
        ],
        "manager": ["There is nobody with the id 999999 in the company."],
        "time_zone": [
            "Mars/Olympus is not a known time zone; use an IANA name such as Europe/Berlin."
        ],
        "became_manager_on": [
            f"{tomorrow.isoformat()} is in the future; the day someone became a manager is today "
            "or earlier."
        ],
        "expertise": ["“999999” is not a competency Scaffold knows."],
    }
    assert not Person.objects.filter(full_name="Dup").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "became_manager_on",
            "2026-1-5",
            "“2026-1-5” is not a date in the form YYYY-MM-DD (for example 2026-12-31).",
        ),
        (
            "became_manager_on",
            "31/12/2025",
            "“31/12/2025” is not a date in the form YYYY-MM-DD (for example 2026-12-31).",
        ),
        ("became_manager_on", 20251231, "Send the date as a string, YYYY-MM-DD."),
        ("manager", "12", "Send an id: a whole number from 1."),
        ("manager", True, "Send an id: a whole number from 1."),
        ("time_zone", 1, "Send the time zone's IANA name as a string."),
        ("time_zone", "", "Choose a time zone: an IANA name such as Europe/Berlin."),
        ("full_name", "   ", "The name is empty."),
        ("email", "not-an-email", "“not-an-email” is not an email address."),
    ],
)
def test_values_of_the_wrong_form_are_refused(
    personas: Personas, client_for: Any, field: str, value: Any, message: str
) -> None:
    payload = {"email": "nia@x.io", "full_name": "Nia", field: value}
    response = client_for(personas.hr).post("/api/v1/people/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {field: [message]}


def test_hr_edits_a_person_and_a_cycle_is_refused_with_its_path(
    personas: Personas, client_for: Any
) -> None:
    client = client_for(personas.hr)
    url = f"/api/v1/people/{personas.outsider.pk}/"
    changed = client.patch(url, {"title": "Principal", "department": "Research"}, format="json")
    assert changed.status_code == 200, changed.content
    assert (changed.json()["title"], changed.json()["department"]["name"]) == (
        "Principal",
        "Research",
    )
    assert changed.json()["email"] == personas.outsider.email  # left out, kept

    loop = client.patch(
        f"/api/v1/people/{personas.line_manager.pk}/",
        {"manager": personas.mentee.pk},
        format="json",
    )
    assert loop.status_code == 400
    assert loop.json()["error"]["fields"] == {
        "manager": [
            "This makes a reporting cycle: boss@scaffold.test → mentee@scaffold.test → "
            "boss@scaffold.test."
        ]
    }
    cleared = client.patch(url, {"department": None, "became_manager_on": None}, format="json")
    assert cleared.json()["department"] is None

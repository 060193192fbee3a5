from __future__ import annotations

from typing import Any

import pytest

from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def test_me_lists_the_roles_a_person_holds(personas: Personas, client_for: Any) -> None:
    roles = {
        name: client_for(person).get("/api/v1/me/").json()["roles"]
        for name, person in personas.everyone().items()
        if person is not None
    }

    assert roles == {
        "hr": ["hr", "program_admin"],
        "program_admin": ["program_admin"],
        "mentor": ["mentor"],
        "mentee": ["mentee"],
        "line_manager": ["line_manager"],
        "other_mentor": ["mentor"],
        "other_mentee": ["mentee"],
        "outsider": [],
    }


def test_a_person_updates_their_own_preferences(personas: Personas, client_for: Any) -> None:
    response = client_for(personas.mentee).patch(
        "/api/v1/me/",
        {"time_zone": "Europe/Lisbon", "email_weekdays_only": True},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["time_zone"] == "Europe/Lisbon"
    assert response.json()["email_weekdays_only"] is True


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"time_zone": "Moon/Base"}, "time_zone", "Moon/Base is not a known time zone"),
        ({"full_name": "   "}, "full_name", "This field may not be blank."),
        ({"email_weekdays_only": "sometimes"}, "email_weekdays_only", "Must be a valid boolean."),
    ],
)
def test_bad_preferences_are_refused_by_field(
    personas: Personas, client_for: Any, payload: dict[str, Any], field: str, message: str
) -> None:
    response = client_for(personas.mentee).patch("/api/v1/me/", payload, format="json")

    assert response.status_code == 400
    assert message in response.json()["error"]["fields"][field][0]
    personas.mentee.refresh_from_db()
    assert personas.mentee.time_zone == "America/New_York"


def test_what_a_person_may_not_change_about_themselves_is_ignored(
    personas: Personas, client_for: Any
) -> None:
    response = client_for(personas.mentee).patch(
        "/api/v1/me/", {"is_hr": True, "email": "boss@evil.test"}, format="json"
    )

    assert response.status_code == 200
    personas.mentee.refresh_from_db()
    assert personas.mentee.is_hr is False
    assert personas.mentee.email == "mentee@scaffold.test"

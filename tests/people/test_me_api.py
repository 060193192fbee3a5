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


# Every character Python's str.strip() removes (so DRF trims), and U+FEFF,
# which ECMAScript's \s has and Python keeps.
PYTHON_SPACE = [chr(c) for c in range(0x110000) if chr(c).isspace()]


def name_pattern() -> str:
    """The pattern the published schema gives the name on PATCH /me/."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    pattern: str = schema["components"]["schemas"]["PatchedMeUpdateRequest"]["properties"][
        "full_name"
    ]["pattern"]
    return pattern


@pytest.mark.parametrize("name", [*PYTHON_SPACE, " \x1d\t"])
def test_a_name_of_only_whitespace_is_refused_by_the_schema_and_the_api_alike(
    personas: Personas, client_for: Any, name: str
) -> None:
    """The schema's pattern for a name refuses exactly what the API trims to
    nothing: a schema-valid name is never refused as blank (the fuzzer found
    U+001D passing the old pattern, whose \\s is ECMAScript's)."""
    import re

    response = client_for(personas.mentee).patch("/api/v1/me/", {"full_name": name}, format="json")

    assert response.status_code == 400
    assert re.fullmatch(name_pattern(), name) is None


def test_a_name_with_a_byte_order_mark_is_a_name_to_both(
    personas: Personas, client_for: Any
) -> None:
    import re

    response = client_for(personas.mentee).patch(
        "/api/v1/me/", {"full_name": "\ufeffAda"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert re.fullmatch(name_pattern(), "\ufeffAda") is not None

"""The programs API: create, change, open, close and copy, for every persona
(and anonymous), with the API's one error shape for bad input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from mentorship.audit.models import AuditEvent
from mentorship.programs.models import Program, ProgramStatus
from mentorship.programs.services.programs import program_create
from tests.api.test_permission_matrix import PERSONAS
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db

RUN_IT = {"hr", "program_admin"}
# Everyone else who sees the personas' program (the pair, the other pair,
# the mentee's line manager): they may read it, not change it.
SEE_IT = {"mentor", "mentee", "line_manager", "other_mentor", "other_mentee"}


def day(offset: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=offset)).isoformat()


def new_program(**extra: Any) -> dict[str, Any]:
    return {"name": "Autumn cohort", "starts_on": day(10), "ends_on": day(130), **extra}


def expected(persona: str, *, success: int, safe: bool = False) -> int:
    """Writes are refused to anyone who runs no program, whatever the id (a
    refusal that says nothing about the program). A read of what closing
    would do is refused to those who see the program but do not run it, and
    the program is unknown to those who do not see it."""
    if persona == "anonymous":
        return 401
    if persona in RUN_IT:
        return success
    if not safe:
        return 403
    return 403 if persona in SEE_IT else 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_create_a_program(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    client = client_for(personas.everyone()[persona])
    response = client.post("/api/v1/programs/", new_program(), format="json")
    status = 401 if persona == "anonymous" else (201 if persona in RUN_IT else 403)
    assert response.status_code == status, response.content
    if status == 201:
        body = response.json()
        assert body["status"] == "draft"
        admins = {admin["id"] for admin in body["admins"]}
        assert admins == (set() if persona == "hr" else {personas.program_admin.pk})


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_change_open_close_and_copy_a_program(
    personas: Personas, client_for: Callable[..., Any], persona: str
) -> None:
    client = client_for(personas.everyone()[persona])
    program = personas.program
    url = f"/api/v1/programs/{program.pk}/"

    changed = client.patch(url, {"checkin_cadence_days": 21}, format="json")
    assert changed.status_code == expected(persona, success=200), changed.content
    closing = client.get(f"{url}closing/")
    assert closing.status_code == expected(persona, success=200, safe=True)
    copied = client.post(f"{url}copy/", new_program(name="Next"), format="json")
    assert copied.status_code == expected(persona, success=201), copied.content
    closed = client.post(f"{url}close/")
    assert closed.status_code == expected(persona, success=200), closed.content

    draft = program_create(
        name="Draft",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=60),
        plan=personas.plan,
        by=personas.program_admin,
    )
    opened = client.post(f"/api/v1/programs/{draft.pk}/open/")
    assert opened.status_code == expected(persona, success=200), opened.content
    # A draft is its admins' business: nobody else even sees it.
    seen = client.get(f"/api/v1/programs/{draft.pk}/").status_code
    assert seen == {"anonymous": 401, "hr": 200, "program_admin": 200}.get(persona, 404)


def test_creating_with_bad_settings_names_every_field(
    personas: Personas, client_for: Callable[..., Any]
) -> None:
    client = client_for(personas.hr)
    response = client.post(
        "/api/v1/programs/",
        new_program(
            ends_on=day(10),
            weight_competency=0,
            weight_department=0,
            weight_time_zone=0,
            weight_experience=0,
        ),
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields["ends_on"] == ["The program must end after it starts."]
    assert fields["weight_competency"] == ["Give at least one matching weight above zero."]
    blank = client.post("/api/v1/programs/", new_program(name=""), format="json")
    assert blank.json()["error"]["fields"] == {"name": ["This field may not be blank."]}
    for bad, message in (
        ({"checkin_cadence_days": 0}, "Check in every 1 to 90 days."),
        ({"weight_department": 2}, "Each weight is from 0 to 1."),
        ({"pairing_length_days": 1000}, "A pairing lasts from 7 to 730 days."),
        ({"plan": 10**9}, "Nothing you may use has the id 1000000000."),
        # JSON says null for no plan: an empty string is neither (as the schema says).
        ({"plan": ""}, "Give an id: a whole number from 1."),
        # A weight is a JSON number: true is not 1.0, nor "0.5" a number.
        ({"weight_experience": True}, "A valid number is required."),
        ({"weight_time_zone": "0.5"}, "A valid number is required."),
    ):
        refused = client.post("/api/v1/programs/", new_program(**bad), format="json")
        assert refused.status_code == 400
        assert set(refused.json()["error"]["fields"]) == set(bad)
        assert message in str(refused.json()["error"]["fields"])
    assert Program.objects.count() == 1  # only the personas' program


def test_an_admin_outside_ones_reach_is_unknown(
    personas: Personas, client_for: Callable[..., Any]
) -> None:
    """A program admin names admins among the people they can see; anyone
    else is an unknown id, as if they did not exist."""
    client = client_for(personas.program_admin)
    response = client.post(
        "/api/v1/programs/", new_program(admins=[personas.outsider.pk]), format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "admins": {"0": [f"Nothing you may use has the id {personas.outsider.pk}."]}
    }


def test_the_whole_life_of_a_program_through_the_api(
    personas: Personas, client_for: Callable[..., Any]
) -> None:
    client = client_for(personas.program_admin)
    created = client.post(
        "/api/v1/programs/",
        new_program(plan=personas.plan.pk, checkin_cadence_days=10),
        format="json",
    ).json()
    url = f"/api/v1/programs/{created['id']}/"

    renamed = client.patch(url, {"name": "Autumn cohort 2027"}, format="json")
    assert renamed.json()["name"] == "Autumn cohort 2027"
    assert client.post(f"{url}open/").json()["status"] == ProgramStatus.ACTIVE
    twice = client.post(f"{url}open/")
    assert twice.status_code == 400
    assert "Only a draft program can be opened" in str(twice.json())
    assert client.get(f"{url}closing/").json() == {
        "pairings_completed": 0,
        "pairings_ended": 0,
        "proposals_declined": 0,
        "reminders_cancelled": 0,
    }
    assert client.post(f"{url}close/").status_code == 200
    assert client.get(url).json()["status"] == ProgramStatus.CLOSED
    refused = client.patch(url, {"name": "Again"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["status"] == [
        "This program is closed; copy it to start the next cohort."
    ]
    copy = client.post(
        f"{url}copy/", new_program(name="Spring cohort", with_mentors=True), format="json"
    )
    assert copy.status_code == 201
    assert copy.json()["checkin_cadence_days"] == 10
    actions = list(
        AuditEvent.objects.filter(target_id=created["id"], action__startswith="program.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "program.created",
        "program.updated",
        "program.activated",
        "program.closed",
    ]

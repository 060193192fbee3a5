"""Adding and editing one person: the same rules as the import, every
problem named by its field at once, atomic, audited by field name only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mentorship.audit.models import AuditEvent
from mentorship.people.imports import csv_file, reader
from mentorship.people.imports.services import _import_snapshot
from mentorship.people.models import Department, Person
from mentorship.people.services import person_create, person_update
from tests.factories import competency
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def problems_of(call: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        call()
    return raised.value.message_dict


def add(personas: Personas, **details: Any) -> Person:
    details.setdefault("email", "nia@x.io")
    details.setdefault("full_name", "Nia New")
    return person_create(by=personas.hr, **details)


def test_hr_adds_a_person_with_everything_hr_knows(personas: Personas) -> None:
    promoted = timezone.localdate() - dt.timedelta(days=20)
    person = add(
        personas,
        email="  Nia.New@X.io ",
        title="Engineering Manager",
        department="Data Platform",
        manager=personas.line_manager.email.upper(),
        time_zone="Asia/Tokyo",
        became_manager_on=promoted,
        expertise=[
            "Coaching and feedback",
            "conflict-resolution",
            competency("hiring-and-team-building").pk,
        ],
    )
    person.refresh_from_db()
    assert (person.email, person.title, person.time_zone) == (
        "nia.new@x.io",
        "Engineering Manager",
        "Asia/Tokyo",
    )
    assert person.department is not None
    assert person.department.name == "Data Platform"
    assert person.manager == personas.line_manager
    assert person.became_manager_on == promoted
    assert set(person.expertise.values_list("slug", flat=True)) == {
        "coaching-and-feedback",
        "conflict-resolution",
        "hiring-and-team-building",
    }
    assert not person.has_usable_password()
    event = AuditEvent.objects.get(action="person.created", target_id=str(person.pk))
    assert event.actor == personas.hr
    assert event.data == {
        "fields": [
            "email",
            "full_name",
            "title",
            "department",
            "manager",
            "time_zone",
            "became_manager_on",
            "expertise",
        ]
    }


def test_every_problem_is_named_by_its_field_at_once(personas: Personas) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    people = Person.objects.count()
    assert problems_of(
        lambda: add(
            personas,
            email=personas.mentee.email.upper(),
            full_name=" ",
            department="New department that must not be made",
            manager="nobody@x.io",
            time_zone="Moon/Base",
            became_manager_on=tomorrow,
            expertise=["Juggling", 999_999],
        )
    ) == {
        "email": [
            f"{personas.mentee.email} is already someone's address in Scaffold; edit that "
            "person instead."
        ],
        "full_name": ["The name is empty."],
        "manager": ["nobody@x.io is not someone in the company."],
        "time_zone": [
            "Moon/Base is not a known time zone; use an IANA name such as Europe/Berlin."
        ],
        "became_manager_on": [
            f"{tomorrow.isoformat()} is in the future; the day someone became a manager is today "
            "or earlier."
        ],
        "expertise": [
            "“Juggling” is not a competency Scaffold knows.",
            "“999999” is not a competency Scaffold knows.",
        ],
    }
    assert Person.objects.count() == people
    assert not Department.objects.filter(name__startswith="New department").exists()


def test_a_manager_by_id_that_does_not_exist(personas: Personas) -> None:
    assert problems_of(lambda: add(personas, manager=999_999)) == {
        "manager": ["There is nobody with the id 999999 in the company."]
    }


def test_a_reporting_cycle_is_refused_with_its_path(personas: Personas) -> None:
    # The line manager manages the mentee; making the mentee manage the line
    # manager closes a loop.
    assert problems_of(
        lambda: person_update(
            person=personas.line_manager, by=personas.hr, manager=personas.mentee.pk
        )
    ) == {
        "manager": [
            "This makes a reporting cycle: boss@scaffold.test → mentee@scaffold.test → "
            "boss@scaffold.test."
        ]
    }
    # A longer loop, through a third person.
    person_update(person=personas.outsider, by=personas.hr, manager=personas.line_manager)
    message = problems_of(
        lambda: person_update(
            person=personas.line_manager, by=personas.hr, manager=personas.outsider
        )
    )["manager"]
    assert message == [
        "This makes a reporting cycle: boss@scaffold.test → outsider@scaffold.test → "
        "boss@scaffold.test."
    ]
    assert problems_of(
        lambda: person_update(person=personas.mentee, by=personas.hr, manager=personas.mentee)
    ) == {"manager": ["A person cannot be their own manager."]}
    personas.line_manager.refresh_from_db()
    assert personas.line_manager.manager is None


def test_the_import_and_one_person_say_the_same_thing(personas: Personas) -> None:
    """One rule, one sentence: the CSV's row problems and the service's field
    problems come from the same code."""
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    data = (
        "email,full_name,manager_email,time_zone,became_manager_on,expertise\n"
        f"ana@x.io,Ana,,Moon/Base,{tomorrow},Juggling\n"
    ).encode()
    plan = reader.plan_import(
        csv_file.read_csv(data),
        _import_snapshot(),
        today=timezone.localdate(),
        program_chosen=False,
    )
    from_file = {error.column: error.message for error in plan.errors}
    one = problems_of(
        lambda: add(
            personas,
            time_zone="Moon/Base",
            became_manager_on=dt.date.fromisoformat(tomorrow),
            expertise=["Juggling"],
        )
    )
    assert from_file["time_zone"] == one["time_zone"][0]
    assert from_file["became_manager_on"] == one["became_manager_on"][0]
    assert from_file["expertise"].startswith(one["expertise"][0].removesuffix("."))


def test_hr_edits_a_person_and_the_audit_names_only_the_fields(personas: Personas) -> None:
    person_update(
        person=personas.outsider,
        by=personas.hr,
        title="Staff Engineer — SECRET-TITLE",
        time_zone="Europe/Paris",
        full_name=personas.outsider.full_name,  # unchanged
        expertise=["Conflict resolution"],
    )
    personas.outsider.refresh_from_db()
    assert personas.outsider.title == "Staff Engineer — SECRET-TITLE"
    event = AuditEvent.objects.get(action="person.updated")
    assert event.data == {"fields": ["title", "time_zone", "expertise"]}
    assert "SECRET-TITLE" not in str(event.data)
    assert "Paris" not in str(event.data)

    # Nothing changed: nothing written, nothing audited.
    person_update(person=personas.outsider, by=personas.hr, time_zone="Europe/Paris")
    assert AuditEvent.objects.filter(action="person.updated").count() == 1


def test_an_edit_can_clear_fields_and_keeps_what_it_does_not_name(personas: Personas) -> None:
    person_update(
        person=personas.mentee,
        by=personas.hr,
        manager=None,
        department=None,
        became_manager_on=None,
    )
    personas.mentee.refresh_from_db()
    assert (personas.mentee.manager, personas.mentee.department) == (None, None)
    assert personas.mentee.became_manager_on is None
    assert personas.mentee.time_zone == "America/New_York"


def test_an_address_cannot_be_taken_from_someone_else(personas: Personas) -> None:
    assert problems_of(
        lambda: person_update(
            person=personas.outsider, by=personas.hr, email="MENTOR@scaffold.test"
        )
    ) == {
        "email": [
            "mentor@scaffold.test is already someone's address in Scaffold; edit that person "
            "instead."
        ]
    }
    # Their own address, in other letters, is theirs.
    person_update(person=personas.outsider, by=personas.hr, email="Outsider@Scaffold.test")
    personas.outsider.refresh_from_db()
    assert personas.outsider.email == "outsider@scaffold.test"


@pytest.mark.parametrize(
    "persona", ["program_admin", "mentor", "mentee", "line_manager", "outsider"]
)
def test_only_hr_adds_and_edits_people(personas: Personas, persona: str) -> None:
    someone = getattr(personas, persona)
    with pytest.raises(PermissionDenied):
        person_create(by=someone, email="nia@x.io", full_name="Nia")
    with pytest.raises(PermissionDenied):
        person_update(person=personas.mentee, by=someone, title="Boss")
    assert not Person.objects.filter(email="nia@x.io").exists()

"""One place for who may do what (mentorship/access.py).

Each rule's two spellings agree for every persona and object, and a rule
changed in the access module alone changes what every surface lets a
person do: pages, the API, services and selectors."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from mentorship import access
from mentorship.checkins.models import CheckIn
from mentorship.checkins.services import checkin_log
from mentorship.core.timezones import today_for
from mentorship.pairings.models import Pairing
from mentorship.pairings.services.matching import matching_request
from mentorship.people.models import Person
from mentorship.programs.models import Enrollment, Program
from mentorship.programs.services.enrollments import enrollment_withdraw
from tests.factories import CheckInFactory, PairingFactory, PersonFactory, ProgramFactory
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def test_each_rule_says_the_same_as_a_check_and_as_a_filter(personas: Personas) -> None:
    other_program = ProgramFactory.create(admins=[personas.outsider])
    programs = [personas.program, other_program]
    pairings = [personas.pairing, personas.other_pairing]
    checkin = CheckInFactory.create(pairing=personas.pairing)
    for name, person in personas.everyone().items():
        if person is None:
            continue
        for program in programs:
            filtered = Program.objects.filter(access.administers_q(person), pk=program.pk)
            assert access.administers(person, program) is filtered.exists(), (name, program)
        for pairing in pairings:
            filtered_pairings = Pairing.objects.filter(access.member_q(person), pk=pairing.pk)
            assert access.is_member(person, pairing) is filtered_pairings.exists(), name
            seen = CheckIn.objects.filter(access.sees_shared_part_q(person), pk=checkin.pk)
            if pairing == personas.pairing:
                assert access.sees_shared_part(person, pairing) is seen.exists(), name
        for other in Person.objects.all():
            managed = Person.objects.filter(access.line_manager_q(person), pk=other.pk)
            assert access.is_line_manager(person, other) is managed.exists(), (name, other)


def test_the_rules_say_what_the_product_promises(personas: Personas) -> None:
    program, pairing = personas.program, personas.pairing
    runs = {name for name, p in personas.everyone().items() if p and access.administers(p, program)}
    assert runs == {"hr", "program_admin"}
    pair = {name for name, p in personas.everyone().items() if p and access.is_member(p, pairing)}
    assert pair == {"mentee", "mentor"}
    assert access.is_line_manager(personas.line_manager, personas.mentee)
    assert not access.is_line_manager(personas.mentee, personas.line_manager)


def test_hr_keeps_everything_when_a_rule_is_one_side_of_an_or(personas: Personas) -> None:
    """HR runs every program: OR-ed with "their own", the filter must still
    keep every row (an empty Q would silently drop out of the OR)."""
    own_or_run = Q(person=personas.hr) | access.administers_q(personas.hr, program="program_id")
    assert Enrollment.objects.filter(own_or_run).count() == Enrollment.objects.count() > 0
    theirs = Q(person=personas.mentor) | access.administers_q(personas.mentor, program="program_id")
    assert set(Enrollment.objects.filter(theirs)) == set(
        Enrollment.objects.filter(person=personas.mentor)
    )


def test_a_pair_rule_changed_in_one_place_changes_every_surface(
    personas: Personas, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Say only the mentee counts as one of the pair: the mentor loses the
    pairing's page, its check-ins in the API and the right to log one —
    without touching anything but the access module."""
    pairing = personas.pairing
    checkin_log(
        pairing=pairing,
        by=personas.mentee,
        occurred_on=today_for(personas.mentee),
        duration_minutes=30,
        shared_notes="Talked about delegation",
    )
    mentor = client_for(personas.mentor)
    assert mentor.get(f"/pairings/{pairing.pk}/").status_code == 200
    assert len(mentor.get("/api/v1/check-ins/").json()["results"]) == 1

    monkeypatch.setattr(access, "PAIR_SIDES", ("mentee",))

    assert mentor.get(f"/pairings/{pairing.pk}/").status_code == 404
    assert mentor.get(f"/api/v1/pairings/{pairing.pk}/").status_code == 404
    assert mentor.get("/api/v1/check-ins/").json()["results"] == []
    with pytest.raises(ValidationError, match="Only the mentor and the mentee can log here"):
        checkin_log(
            pairing=pairing,
            by=personas.mentor,
            occurred_on=today_for(personas.mentor),
            duration_minutes=20,
        )
    # The side the rule still names keeps everything.
    mentee = client_for(personas.mentee)
    assert mentee.get(f"/pairings/{pairing.pk}/").status_code == 200
    assert len(mentee.get("/api/v1/check-ins/").json()["results"]) == 1


def test_an_admin_rule_changed_in_one_place_changes_every_surface(
    personas: Personas, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Say nobody but HR runs a program: the program admin loses its people
    page, its enrollments in the API, matching and withdrawing people."""
    program = personas.program
    admin = client_for(personas.program_admin)
    assert admin.get(f"/programs/{program.pk}/people/").status_code == 200
    assert admin.get("/api/v1/enrollments/").json()["results"] != []

    original = access.administers_q

    def only_hr(person: Person, *, program: str = "pk") -> Q:
        if access.roles(person).is_hr:
            return original(person, program=program)
        return Q(pk__in=[])

    monkeypatch.setattr(access, "administers_q", only_hr)

    assert admin.get(f"/programs/{program.pk}/people/").status_code == 404
    assert admin.get(f"/programs/{program.pk}/matching/").status_code == 404
    enrollments = admin.get("/api/v1/enrollments/").json()["results"]
    assert {e["person"]["id"] for e in enrollments} <= {personas.program_admin.pk}
    refused = admin.post("/api/v1/matching/runs/", {"program": program.pk}, format="json")
    assert refused.status_code == 400
    with pytest.raises(PermissionDenied):
        matching_request(program=program, by=personas.program_admin)
    with pytest.raises(PermissionDenied):
        enrollment_withdraw(
            enrollment=Enrollment.objects.get(program=program, person=personas.other_mentee),
            by=personas.program_admin,
            reason="Moved on",
        )
    # HR, whom the rule still names, keeps all of it.
    assert client_for(personas.hr).get(f"/programs/{program.pk}/people/").status_code == 200


def test_own_pairings_are_the_pair_rule_found_side_by_side(personas: Personas) -> None:
    """``own_pairings_q`` is ``member_q`` (and, with reports, the line
    manager's rule on the mentee) spelled so the planner finds each side by
    its index: the same rows, for everyone."""
    # A mentor who also manages someone in a pairing of their own.
    report = PersonFactory.create(manager=personas.mentor)
    PairingFactory.create(program=personas.program, mentee=report, mentor=personas.other_mentor)
    for name, person in personas.everyone().items():
        if person is None:
            continue
        own = set(Pairing.objects.filter(access.own_pairings_q(person)))
        assert own == set(Pairing.objects.filter(access.member_q(person))), name
        with_reports = set(Pairing.objects.filter(access.own_pairings_q(person, with_reports=True)))
        rule = access.member_q(person) | access.line_manager_q(person, of="mentee__")
        assert with_reports == set(Pairing.objects.filter(rule)), name
    mentors = Pairing.objects.filter(access.own_pairings_q(personas.mentor, with_reports=True))
    assert mentors.count() == 2


@pytest.mark.parametrize(
    ("who", "runs"), [("mentor", False), ("program_admin", True), ("outsider", False)]
)
def test_a_sessions_person_comes_with_whether_they_run_a_program(
    personas: Personas, who: str, runs: bool
) -> None:
    """Signed in by session, the person is read with the answer the lists
    need on every request, so they ask no second query for it."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(getattr(personas, who))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/check-ins/")

    assert response.status_code == 200
    admins = [q["sql"] for q in queries if "programs_program_admins" in q["sql"]]
    # Read with the person; then only inside the list's own scope, if at all.
    assert 'FROM "people_person"' in admins[0]
    assert all('FROM "people_person"' in sql or "checkins_checkin" in sql for sql in admins)
    assert getattr(response.wsgi_request.user, access.RUNS_A_PROGRAM) is runs
    assert access.runs_a_program(response.wsgi_request.user) is runs

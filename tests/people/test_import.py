"""People import: every problem named by row and column, a dry run first,
and a commit that writes everything or nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from mentorship.audit.models import AuditEvent
from mentorship.people.imports import csv_file, reader
from mentorship.people.imports.services import (
    person_import_check,
    person_import_commit,
    person_import_commit_request,
    person_import_start,
)
from mentorship.people.models import Department, ImportStatus, Person, PersonImport
from mentorship.programs.models import Enrollment
from tests.factories import PersonFactory
from tests.fixtures.personas import Personas
from tests.helpers import api_rows, assert_constant_queries

pytestmark = pytest.mark.django_db

HEADER = "email,full_name,title,department,manager_email,time_zone,became_manager_on,expertise,role"
TODAY = dt.date(2026, 11, 24)


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def plan(data: bytes, snapshot: reader.Snapshot | None = None, **kwargs: Any) -> reader.ImportPlan:
    snapshot = snapshot or reader.Snapshot(
        competencies={"coaching and feedback": 1, "conflict-resolution": 2},
    )
    kwargs.setdefault("program_chosen", True)
    return reader.plan_import(csv_file.read_csv(data), snapshot, today=TODAY, **kwargs)


def problems(result: reader.ImportPlan) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]


# --------------------------------------------------------------------------
# Reading and checking (no database)


def test_a_clean_file_plans_people_managers_and_departments() -> None:
    result = plan(
        csv_bytes(
            "ana@x.io,Ana Lima,Engineering Manager,Platform,bo@x.io,Europe/Lisbon,2026-09-01,"
            "Coaching and feedback;conflict-resolution,mentee",
            "bo@x.io,Bo Berg,Director,Platform,,Europe/Stockholm,2015-01-10,,mentor",
        )
    )
    assert problems(result) == []
    assert result.summary()["created"] == 2
    ana = result.rows[0]
    assert (ana.manager_email, ana.expertise, ana.role) == ("bo@x.io", frozenset({1, 2}), "mentee")
    assert result.new_departments == ["Platform"]


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (
            "ana@x.io,Ana,,,,Mars/Olympus,,,",
            "time_zone",
            "Mars/Olympus is not a known time zone; use an IANA name such as Europe/Berlin.",
        ),
        (
            "ana@x.io,Ana,,,nobody@x.io,,,,",
            "manager_email",
            "nobody@x.io is neither in this file nor in the company.",
        ),
        (
            "ana@x.io,Ana,,,,,31/02/2026,,",
            "became_manager_on",
            "“31/02/2026” is not a date in the form YYYY-MM-DD (for example 2026-12-31).",
        ),
        (
            "ana@x.io,Ana,,,,,2027-01-01,,",
            "became_manager_on",
            "2027-01-01 is in the future; the day someone became a manager is today or earlier.",
        ),
        (
            "ana@x.io,Ana,,,,,,Juggling,",
            "expertise",
            "“Juggling” is not a competency Scaffold knows; separate several with ; or |.",
        ),
        ("ana@x.io,Ana,,,,,,,boss", "role", "“boss” is not a role; use mentee or mentor."),
        ("not-an-email,Ana,,,,,,,", "email", "“not-an-email” is not an email address."),
        ("ana@x.io,,,,,,,,", "full_name", "The name is empty."),
        ("ana@x.io,Ana,,,ana@x.io,,,,", "manager_email", "A person cannot be their own manager."),
    ],
)
def test_each_problem_names_its_row_and_column(row: str, column: str, message: str) -> None:
    result = plan(csv_bytes("ok@x.io,Fine Person,,,,,,,", row))
    assert problems(result) == [(3, column, message)]
    assert [r.email for r in result.rows] == ["ok@x.io"]


def test_duplicate_emails_in_the_file() -> None:
    result = plan(csv_bytes("ana@x.io,Ana,,,,,,,", "ANA@x.io,Ana again,,,,,,,"))
    assert problems(result) == [(3, "email", "ana@x.io is already on row 2.")]


def test_a_role_needs_a_program() -> None:
    result = plan(csv_bytes("ana@x.io,Ana,,,,,,,mentee"), program_chosen=False)
    assert problems(result) == [
        (2, "role", "Choose the program to enroll people in, or leave roles empty.")
    ]


def test_reporting_cycles_in_the_file_and_through_the_company() -> None:
    in_file = plan(
        csv_bytes("a@x.io,A,,,b@x.io,,,,", "b@x.io,B,,,c@x.io,,,,", "c@x.io,C,,,a@x.io,,,,")
    )
    assert problems(in_file) == [
        (2, "manager_email", "This makes a reporting cycle: a@x.io → b@x.io → c@x.io → a@x.io."),
        (3, "manager_email", "This makes a reporting cycle: b@x.io → c@x.io → a@x.io → b@x.io."),
        (4, "manager_email", "This makes a reporting cycle: c@x.io → a@x.io → b@x.io → c@x.io."),
    ]
    assert in_file.summary()["created"] == 0
    # The company says boss@ reports to ana@; the file makes ana@ report to boss@.
    snapshot = reader.Snapshot(
        people={
            "boss@x.io": reader.ExistingPerson(
                id=1,
                email="boss@x.io",
                full_name="Boss",
                title="",
                department=None,
                manager_email="ana@x.io",
                time_zone="UTC",
                became_manager_on=None,
                expertise=frozenset(),
            )
        }
    )
    through_company = plan(csv_bytes("ana@x.io,Ana,,,boss@x.io,,,,"), snapshot)
    assert problems(through_company) == [
        (2, "manager_email", "This makes a reporting cycle: ana@x.io → boss@x.io → ana@x.io.")
    ]


def test_semicolons_a_bom_and_header_spellings_are_understood() -> None:
    data = "\ufeffEmail;Name;Time zone\nana@x.io;Ana Lima;Asia/Tokyo\n".encode()
    result = plan(data)
    assert problems(result) == []
    assert (result.rows[0].full_name, result.rows[0].time_zone) == ("Ana Lima", "Asia/Tokyo")
    # Columns left out leave those fields alone.
    assert (result.rows[0].title, result.rows[0].department) == (None, None)


@pytest.mark.parametrize(
    "written", ["31/12/2025", "03/04/2026", "2026-1-5", "2026/12/31", "20261231", "2026-W01-1"]
)
def test_dates_are_iso_8601_only_never_guessed(written: str) -> None:
    result = plan(csv_bytes(f"ana@x.io,Ana,,,,,{written},,"))
    assert problems(result) == [
        (
            2,
            "became_manager_on",
            f"“{written}” is not a date in the form YYYY-MM-DD (for example 2026-12-31).",
        )
    ]


def test_an_iso_date_is_read_and_an_impossible_one_refused() -> None:
    result = plan(csv_bytes("ana@x.io,Ana,,,,,2025-12-31,,", "bo@x.io,Bo,,,,,2026-02-30,,"))
    assert result.rows[0].became_manager_on == dt.date(2025, 12, 31)
    assert problems(result) == [
        (3, "became_manager_on", "2026-02-30 is not a day of the calendar.")
    ]


def test_all_of_a_rows_problems_show_at_once() -> None:
    result = plan(
        csv_bytes(
            "ana@x.io,,,,nobody@x.io,Mars/Olympus,2030-01-01,Juggling,boss",
            "bo@x.io,Bo,,,cy@x.io,Moon/Base,,,",
            "cy@x.io,Cy,,,bo@x.io,,,,",
        )
    )
    assert problems(result) == [
        (2, "full_name", "The name is empty."),
        (2, "manager_email", "nobody@x.io is neither in this file nor in the company."),
        (
            2,
            "time_zone",
            "Mars/Olympus is not a known time zone; use an IANA name such as Europe/Berlin.",
        ),
        (
            2,
            "became_manager_on",
            "2030-01-01 is in the future; the day someone became a manager is today or earlier.",
        ),
        (
            2,
            "expertise",
            "“Juggling” is not a competency Scaffold knows; separate several with ; or |.",
        ),
        (2, "role", "“boss” is not a role; use mentee or mentor."),
        # A row with another problem still shows the reporting cycle it is in.
        (3, "manager_email", "This makes a reporting cycle: bo@x.io → cy@x.io → bo@x.io."),
        (
            3,
            "time_zone",
            "Moon/Base is not a known time zone; use an IANA name such as Europe/Berlin.",
        ),
        (4, "manager_email", "This makes a reporting cycle: cy@x.io → bo@x.io → cy@x.io."),
    ]
    assert result.rows == []


def test_competency_lists_take_semicolons_or_bars() -> None:
    result = plan(csv_bytes('ana@x.io,Ana,,,,,,"Coaching and feedback | conflict-resolution",'))
    assert problems(result) == []
    assert result.rows[0].expertise == frozenset({1, 2})


FOCUS_HEADER = "email,full_name,role,focus_areas"


@pytest.mark.parametrize("column", ["focus_areas", "Focus", "focus_competencies", "Focus areas"])
def test_a_mentees_focus_areas_are_read_under_any_spelling(column: str) -> None:
    result = plan(
        csv_bytes(
            "ana@x.io,Ana,mentee,Coaching and feedback|conflict-resolution",
            header=f"email,full_name,role,{column}",
        )
    )
    assert problems(result) == []
    assert result.rows[0].focus == frozenset({1, 2})
    assert result.mentees_without_focus == []


def test_focus_areas_belong_to_mentees_only() -> None:
    result = plan(
        csv_bytes(
            "ana@x.io,Ana,mentor,Coaching and feedback",
            "bo@x.io,Bo,,conflict-resolution",
            "cy@x.io,Cy,mentee,Juggling",
            "di@x.io,Di,mentor,",
            header=FOCUS_HEADER,
        )
    )
    assert problems(result) == [
        (2, "focus_areas", "Only mentees have focus areas; this row's role is mentor."),
        (
            3,
            "focus_areas",
            "Only mentees have focus areas: give this row the role mentee, or leave its focus "
            "areas empty.",
        ),
        (
            4,
            "focus_areas",
            "“Juggling” is not a competency Scaffold knows; separate several with ; or |.",
        ),
    ]
    assert [row.email for row in result.rows] == ["di@x.io"]


def test_mentees_left_without_focus_areas_are_named() -> None:
    snapshot = reader.Snapshot(
        competencies={"coaching and feedback": 1},
        enrolled={
            # Waiting, no focus, not in the file: still without after it.
            "eve@x.io": reader.Enrolled("mentee", "Eve Early", waiting=True),
            # Paired already: matching is done with them.
            "pam@x.io": reader.Enrolled("mentee", "Pam Paired", waiting=False),
            # Waiting without focus, and the file gives them some.
            "fay@x.io": reader.Enrolled("mentee", "Fay Fixed", waiting=True),
            "max@x.io": reader.Enrolled("mentor", "Max Mentor"),
        },
    )
    result = plan(
        csv_bytes(
            "ana@x.io,Ana New,mentee,",
            "fay@x.io,Fay Fixed,mentee,Coaching and feedback",
            "gus@x.io,Gus New,mentee,coaching and feedback",
            header=FOCUS_HEADER,
        ),
        snapshot,
    )
    assert [(m.full_name, m.email) for m in result.mentees_without_focus] == [
        ("Ana New", "ana@x.io"),
        ("Eve Early", "eve@x.io"),
    ]
    assert result.summary()["mentees_without_focus"] == 2
    # Without the column, a new mentee has no focus areas either.
    no_column = plan(csv_bytes("hal@x.io,Hal,mentee", header="email,full_name,role"), snapshot)
    assert [m.email for m in no_column.mentees_without_focus] == [
        "eve@x.io",
        "fay@x.io",
        "hal@x.io",
    ]


# --------------------------------------------------------------------------
# Dry run and commit against the database


def start(personas: Personas, data: bytes, program: Any = None) -> PersonImport:
    return person_import_start(
        uploaded_by=personas.hr, filename="people.csv", content=data, program=program
    )


def test_dry_run_then_commit_writes_everything(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    data = csv_bytes(
        # A manager further down the file, an existing person updated, a new department.
        "new.lead@x.io,Nell Lead,Team Lead,Data,new.director@x.io,Europe/Paris,2026-10-01,"
        "Coaching and feedback,mentee",
        "new.director@x.io,Dan Director,Director,Data,,Europe/Paris,2012-05-01,"
        "coaching-and-feedback;Conflict resolution,mentor",
        f"{personas.outsider.email},Oscar Outsider,Principal Engineer,Product,,UTC,,,",
    )
    with django_capture_on_commit_callbacks(execute=False) as queued:
        person_import = start(personas, data, program=personas.program)
    assert len(queued) == 1
    people_before = Person.objects.count()

    checked = person_import_check(person_import=person_import)
    assert checked.status == ImportStatus.CHECKED
    assert checked.summary["created"] == 2
    assert checked.summary["updated"] == 1
    assert checked.preview[2]["changes"] == ["title"]
    assert Person.objects.count() == people_before  # a dry run writes nothing

    with django_capture_on_commit_callbacks(execute=False):
        person_import_commit_request(person_import=checked, by=personas.hr)
    checked.refresh_from_db()
    done = person_import_commit(person_import=checked)
    assert done.status == ImportStatus.IMPORTED
    assert done.summary["enrolled"] == 2
    lead = Person.objects.get(email="new.lead@x.io")
    assert lead.manager is not None
    assert lead.manager.email == "new.director@x.io"
    assert lead.department is not None
    assert lead.department.name == "Data"
    assert not lead.has_usable_password()
    assert set(
        Person.objects.get(email="new.director@x.io").expertise.values_list("slug", flat=True)
    ) == {
        "coaching-and-feedback",
        "conflict-resolution",
    }
    personas.outsider.refresh_from_db()
    assert personas.outsider.title == "Principal Engineer"
    assert set(
        Enrollment.objects.filter(
            program=personas.program, person__email__startswith="new."
        ).values_list("person__email", "role")
    ) == {("new.lead@x.io", "mentee"), ("new.director@x.io", "mentor")}
    assert AuditEvent.objects.filter(action="people.imported").count() == 1


def test_one_bad_row_writes_nothing(personas: Personas) -> None:
    rows = [f"p{i}@x.io,Person {i},,Sales,,UTC,,," for i in range(20)]
    rows.insert(12, "p99@x.io,Bad Zone,,Sales,,Moon/Base,,,")
    person_import = start(personas, csv_bytes(*rows))
    people, departments = Person.objects.count(), Department.objects.count()

    checked = person_import_check(person_import=person_import)
    assert checked.status == ImportStatus.REJECTED
    assert checked.errors == [
        {
            "row": 14,
            "column": "time_zone",
            "message": (
                "Moon/Base is not a known time zone; use an IANA name such as Europe/Berlin."
            ),
        }
    ]
    with pytest.raises(Exception, match="Only a checked file without errors can be imported"):
        person_import_commit_request(person_import=checked, by=personas.hr)
    assert (Person.objects.count(), Department.objects.count()) == (people, departments)


def test_the_commit_checks_again_and_writes_nothing_if_the_company_changed(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    boss = PersonFactory.create(email="boss@x.io")
    person_import = start(personas, csv_bytes("ana@x.io,Ana,,,boss@x.io,,,,"))
    person_import_check(person_import=person_import)
    with django_capture_on_commit_callbacks(execute=False):
        person_import_commit_request(person_import=person_import, by=personas.hr)
    boss.delete()
    person_import.refresh_from_db()

    result = person_import_commit(person_import=person_import)
    assert result.status == ImportStatus.REJECTED
    assert result.errors[0]["message"] == "boss@x.io is neither in this file nor in the company."
    assert not Person.objects.filter(email="ana@x.io").exists()


def test_a_file_that_cannot_be_read_is_refused_at_upload(personas: Personas) -> None:
    with pytest.raises(Exception, match="The header needs the column"):
        start(personas, b"email\nana@x.io\n")
    assert PersonImport.objects.count() == 0


# --------------------------------------------------------------------------
# API and pages


PERSONAS = ["hr", "program_admin", "mentor", "mentee", "outsider"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_hr_imports_people(
    personas: Personas,
    client_for: Any,
    persona: str,
    celery_eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    theirs = start(personas, csv_bytes("x1@x.io,X One,,,,,,,"))
    client = client_for(getattr(personas, persona))
    upload = SimpleUploadedFile("people.csv", csv_bytes("ana@x.io,Ana,,,,UTC,,,"), "text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/people/imports/", {"file": upload}, format="multipart")
    listed = client.get("/api/v1/people/imports/").json()["results"]
    detail = client.get(f"/api/v1/people/imports/{theirs.pk}/")
    page = Client()
    page.force_login(getattr(personas, persona))
    if persona == "hr":
        assert response.status_code == 202, response.content
        body = response.json()
        # Eager tasks: the check ran inside the request.
        assert body["status"] == "checking"
        assert client.get(f"/api/v1/people/imports/{body['id']}/").json()["status"] == "checked"
        assert len(listed) == 2
        assert detail.status_code == 200
        assert page.get("/people/import/").status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            committed = client.post(f"/api/v1/people/imports/{body['id']}/commit/")
        assert committed.status_code == 202, committed.content
        assert Person.objects.filter(email="ana@x.io").exists()
    else:
        assert response.status_code == 403
        assert listed == []
        assert detail.status_code == 404
        assert page.get("/people/import/").status_code == 404
        assert page.get(f"/people/import/{theirs.pk}/").status_code == 404


def test_api_reports_problems_by_row(
    personas: Personas,
    client_for: Any,
    celery_eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("people.csv", csv_bytes("ana@x.io,Ana,,,,,20-20-2020,,"))
    client = client_for(personas.hr)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/people/imports/", {"file": upload}, format="multipart"
        ).json()
    body = client.get(f"/api/v1/people/imports/{created['id']}/").json()
    assert body["status"] == "rejected"
    assert body["problems"] == [
        {
            "row": 2,
            "column": "became_manager_on",
            "message": (
                "“20-20-2020” is not a date in the form YYYY-MM-DD (for example 2026-12-31)."
            ),
        }
    ]
    assert body["summary"]["rejected"] == 1
    bad = client.post(
        "/api/v1/people/imports/",
        {"file": SimpleUploadedFile("x.csv", b"name\n")},
        format="multipart",
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"]["file"] == ["The header needs the column: email."]


def test_the_page_shows_problems_and_the_commit_button(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.hr)
    rejected = start(personas, csv_bytes("ana@x.io,Ana,,,,Moon/Base,,,"))
    person_import_check(person_import=rejected)
    html = client.get(f"/people/import/{rejected.pk}/").content.decode()
    assert "Problems to fix (1)" in html
    assert "Moon/Base" in html
    assert "Import 1 row" not in html

    fine = start(personas, csv_bytes("ana@x.io,Ana,,,,UTC,,,"))
    person_import_check(person_import=fine)
    html = client.get(f"/people/import/{fine.pk}/").content.decode()
    assert "Import 1 row" in html
    progress = client.get(f"/people/import/{fine.pk}/progress/").json()
    assert progress == {
        "status": "checked",
        "stage": "Checked",
        "done": 1,
        "total": 1,
        "finished": True,
    }


def test_imports_list_queries(personas: Personas, client_for: Any) -> None:
    def grow(n: int) -> None:
        PersonImport.objects.bulk_create(
            [
                PersonImport(
                    uploaded_by=personas.hr, filename="x.csv", content=b"", status="checked"
                )
                for _ in range(n)
            ]
        )

    client = client_for(personas.hr)
    assert_constant_queries(
        lambda: client.get("/api/v1/people/imports/?page_size=200"),
        grow,
        served=api_rows,
        at_most=5,
    )


def test_api_import_enrolls_in_a_program_given_as_a_form_field(
    personas: Personas,
    client_for: Any,
    celery_eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(personas.hr)
    upload = SimpleUploadedFile("people.csv", csv_bytes("nova@x.io,Nova,,,,UTC,,,mentor"))
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/people/imports/",
            {"file": upload, "program": str(personas.program.pk)},
            format="multipart",
        )
    assert created.status_code == 202, created.content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/people/imports/{created.json()['id']}/commit/")
    assert Enrollment.objects.filter(
        program=personas.program, person__email="nova@x.io", role="mentor"
    ).exists()
    unknown = client.post(
        "/api/v1/people/imports/",
        {"file": SimpleUploadedFile("p.csv", csv_bytes("a@x.io,A,,,,,,,")), "program": "999999"},
        format="multipart",
    )
    assert unknown.status_code == 400
    assert "program" in unknown.json()["error"]["fields"]


def test_focus_areas_are_written_to_the_enrollment_on_commit(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.factories import competency

    data = csv_bytes(
        "new.mentee@x.io,Nia New,mentee,Conflict resolution|performance-management",
        # Already a mentee here with coaching: the file replaces it.
        f"{personas.other_mentee.email},{personas.other_mentee.full_name},mentee,"
        "Stakeholder management",
        header="email,full_name,role,focus",
    )
    person_import = start(personas, data, program=personas.program)
    checked = person_import_check(person_import=person_import)
    assert checked.status == ImportStatus.CHECKED, checked.errors
    assert checked.preview[1]["changes"] == ["focus_areas"]
    with django_capture_on_commit_callbacks(execute=False):
        person_import_commit_request(person_import=checked, by=personas.hr)
    checked.refresh_from_db()
    person_import_commit(person_import=checked)

    def focus(email: str) -> set[str]:
        enrollment = Enrollment.objects.get(program=personas.program, person__email=email)
        return set(enrollment.focus_competencies.values_list("slug", flat=True))

    assert focus("new.mentee@x.io") == {"conflict-resolution", "performance-management"}
    assert focus(personas.other_mentee.email) == {"stakeholder-management"}
    # Someone the file does not name keeps theirs.
    assert focus(personas.mentee.email) == {competency("coaching-and-feedback").slug}


def test_the_dry_run_names_mentees_without_focus_areas(personas: Personas, client_for: Any) -> None:
    data = csv_bytes(
        "nia@x.io,Nia New,mentee,",
        "ned@x.io,Ned New,mentee,Conflict resolution",
        header="email,full_name,role,focus_areas",
    )
    checked = person_import_check(person_import=start(personas, data, program=personas.program))
    assert checked.summary["mentees_without_focus"] == 1
    client = Client()
    client.force_login(personas.hr)
    html = client.get(f"/people/import/{checked.pk}/").content.decode()
    assert (
        "1 mentee has no focus areas: matching can only use department, time zone and "
        "experience for them." in html
    )
    assert "Nia New" in html
    body = client_for(personas.hr).get(f"/api/v1/people/imports/{checked.pk}/").json()
    assert body["mentees_without_focus"] == [{"email": "nia@x.io", "full_name": "Nia New"}]
    assert body["summary"]["mentees_without_focus"] == 1

    # Everyone has focus areas: nothing to say.
    fine = person_import_check(
        person_import=start(
            personas,
            csv_bytes(
                "ned@x.io,Ned New,mentee,Conflict resolution", header="email,full_name,role,focus"
            ),
            program=personas.program,
        )
    )
    assert "no focus areas" not in client.get(f"/people/import/{fine.pk}/").content.decode()


def test_the_review_page_and_the_api_show_every_problem_of_a_row(
    personas: Personas, client_for: Any
) -> None:
    checked = person_import_check(
        person_import=start(
            personas, csv_bytes("ana@x.io,Ana,,,nobody@x.io,Moon/Base,31/12/2025,,")
        )
    )
    client = Client()
    client.force_login(personas.hr)
    html = client.get(f"/people/import/{checked.pk}/").content.decode()
    assert "Problems to fix (3)" in html
    for text in (
        "nobody@x.io is neither",
        "Moon/Base is not a known",
        "“31/12/2025” is not a date",
    ):
        assert text in html
    body = client_for(personas.hr).get(f"/api/v1/people/imports/{checked.pk}/").json()
    assert [(p["row"], p["column"]) for p in body["problems"]] == [
        (2, "manager_email"),
        (2, "time_zone"),
        (2, "became_manager_on"),
    ]
    assert body["summary"]["rejected"] == 1


def test_an_unreadable_file_is_refused_at_upload_with_every_reason(
    personas: Personas, client_for: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(personas.hr).post(
        "/api/v1/people/imports/",
        {"file": SimpleUploadedFile("p.csv", b"email,shoe,email\na@x.io,1,a@x.io\n")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["file"] == [
        "Column 2 (“shoe”) is not one Scaffold knows.",
        "Columns 1 (email) and 3 (email) both mean email; keep one of them.",
        "The header needs the column: full_name.",
        "The columns Scaffold reads: email, full_name, title, department, manager_email, "
        "time_zone, became_manager_on, expertise, role, focus_areas.",
    ]
    page = Client()
    page.force_login(personas.hr)
    html = page.post(
        "/people/import/", {"file": SimpleUploadedFile("p.csv", b'email,full_name\na@x.io,"Ana\n')}
    ).content.decode()
    assert "Row 2 opens a quote (&quot;) that is never closed" in html
    assert "Choose a CSV file to upload." in page.post("/people/import/", {}).content.decode()
    empty = page.post("/people/import/", {"file": SimpleUploadedFile("p.csv", b"")})
    assert "That file is empty" in empty.content.decode()


def test_from_a_programs_people_page_the_import_has_that_program_chosen(
    personas: Personas,
) -> None:
    client = Client()
    client.force_login(personas.hr)
    program = personas.program

    people = client.get(f"/programs/{program.pk}/people/").content.decode()
    assert f'href="/people/import/?program={program.pk}"' in people
    page = client.get(f"/people/import/?program={program.pk}").content.decode()

    assert f'<option value="{program.pk}" selected>' in page
    assert client.get("/people/import/?program=nonsense").status_code == 200

"""People import: a 10,000-row CSV checked (the dry run) and written."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from django.db import transaction

from mentorship.people.imports.services import (
    person_import_check,
    person_import_commit,
    person_import_commit_request,
    person_import_start,
)
from mentorship.people.models import Person, PersonImport
from mentorship.programs.models import Program, ProgramStatus

TITLE = "People import (a 10,000-row CSV from an HR system)"
NOTES = [
    "The file: 10,000 people in 12 departments, each with a manager further up a",
    "five-level reporting tree (managers may appear after their reports), a time zone,",
    "a promotion date, one to three competencies, and a mentee or mentor role for one",
    "program. The check reads the whole company once (four queries), then validates",
    "every row in memory, reporting lines and cycles included. The commit checks again",
    "inside its transaction and writes with bulk statements of 1,000 rows.",
]
ZONES = ["America/New_York", "Europe/Berlin", "Asia/Kolkata", "Europe/London", "Asia/Tokyo"]
SKILLS = [
    "Coaching and feedback",
    "Prioritization and delegation",
    "Conflict resolution",
    "Organizational design",
    "Hiring and team building",
]


def build_csv(rows: int, *, bad_row: int | None = None) -> bytes:
    rng = random.Random(7)
    lines = [
        "email,full_name,title,department,manager_email,time_zone,became_manager_on,expertise,role"
    ]
    for i in range(rows):
        # Person i reports to person i // 8 (the root reports to nobody).
        manager = "" if i == 0 else f"p{(i - 1) // 8}@bench.test"
        zone = "Mars/Olympus" if i == bad_row else rng.choice(ZONES)
        skills = ";".join(rng.sample(SKILLS, rng.randint(1, 3)))
        role = "mentee" if i % 5 == 0 else ("mentor" if i % 5 == 1 else "")
        lines.append(
            f"p{i}@bench.test,Person {i},Manager,Department {i % 12},{manager},{zone},"
            f"20{10 + i % 16:02d}-0{1 + i % 9}-1{i % 10},{skills},{role}"
        )
    # Reports first, managers later: reverse all but the header.
    return ("\n".join([lines[0], *reversed(lines[1:])]) + "\n").encode()


def run(measure: Callable[[str, Callable[[], Any]], dict[str, Any]]) -> list[dict[str, Any]]:
    hr = Person.objects.create_user("bench.hr@bench.test", "x", full_name="Bench HR", is_hr=True)
    program = Program.objects.create(
        name="Bench import program",
        slug="bench-import",
        status=ProgramStatus.DRAFT,
        starts_on="2026-01-01",
        ends_on="2026-12-31",
    )
    program.admins.add(hr)
    data = build_csv(10_000)

    def start() -> PersonImport:
        with transaction.atomic():
            return person_import_start(
                uploaded_by=hr, filename="people.csv", content=data, program=program
            )

    person_import = start()
    rows = []

    def check() -> str:
        checked = person_import_check(person_import=person_import)
        return f"{checked.status}: " + ", ".join(
            f"{checked.summary[key]} {key}" for key in ("created", "updated", "rejected")
        )

    rows.append(measure("Dry run: check 10,000 new people", check))

    def commit() -> str:
        with transaction.atomic():
            person_import_commit_request(person_import=person_import, by=hr)
        person_import.refresh_from_db()
        done = person_import_commit(person_import=person_import)
        return (
            f"{done.status}: {done.summary['created']} people, "
            f"{done.summary['enrolled']} enrollments"
        )

    rows.append(measure("Commit: write 10,000 people in one transaction", commit))

    again = start()
    rows.append(
        measure(
            "Dry run of the same file again: all unchanged",
            lambda: f"{person_import_check(person_import=again).summary['unchanged']} unchanged",
        )
    )
    bad = PersonImport.objects.get(
        pk=person_import_start(
            uploaded_by=hr,
            filename="bad.csv",
            content=build_csv(10_000, bad_row=6_543),
            program=program,
        ).pk
    )
    rows.append(
        measure(
            "Dry run of 10,000 rows with one bad row: rejected, row named",
            lambda: "; ".join(
                f"row {e['row']} {e['column']}"
                for e in person_import_check(person_import=bad).errors
            ),
        )
    )
    return rows

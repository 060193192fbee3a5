"""Small-group suppression holds against subtraction.

HR may ask the insights API for any program, department and date range,
and the assessments summary for any program.
If two answers came from groups that differ by one mentee, their means
would give that mentee's own rating away (6·1.67 − 5·1.40 ≈ 3). The test
below is information-theoretic: it reads the confidence figures for every
filter combination of a small company, changes ratings, and reads them all
again. A rating that cannot move any answer cannot be recovered from the
answers, by any sequence of questions.

- A mentee in a cell (program × department) under the threshold: their
  rating may take any value and no answer changes.
- A mentee in a cell at the threshold: swapping their rating with a
  cell-mate's changes no answer, so no answer tells the two apart.

To show the scan is not blind, changing one rating in a big enough cell
does change the answers.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from mentorship.checkins.models import Assessment, AssessmentOccasion, AssessmentRating
from mentorship.core.timezones import today_for
from mentorship.people.models import Competency, Department, Person
from mentorship.programs.models import Program
from tests.factories import PairingFactory, PersonFactory, ProgramFactory, competency
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db

THRESHOLD = 3


@dataclass
class Company:
    hr: Person
    programs: list[Program]
    departments: list[Department]
    coaching: Competency
    # cell name → the mentees in it
    cells: dict[str, list[Person]]
    since: list[dt.date]
    until: list[dt.date]

    def rate(self, mentee: Person, score: int) -> None:
        AssessmentRating.objects.filter(assessment__mentee=mentee, competency=self.coaching).update(
            score=score
        )

    def rating(self, mentee: Person) -> int:
        return AssessmentRating.objects.get(
            assessment__mentee=mentee, competency=self.coaching
        ).score


@pytest.fixture
def company(personas: Personas, settings: Any) -> Company:
    settings.SCAFFOLD_MIN_AGGREGATE_GROUP = THRESHOLD
    today = today_for(personas.hr)
    coaching = competency("coaching-and-feedback")
    programs = [ProgramFactory.create(name="Spring"), ProgramFactory.create(name="Autumn")]
    departments = [
        Department.objects.create(name="Payments"),
        Department.objects.create(name="Search"),
    ]
    # Starts spread out, so that date ranges a day apart would cut cells.
    layout = {
        "spring-payments": (programs[0], departments[0], [60, 40, 20]),
        "spring-search": (programs[0], departments[1], [30]),
        "autumn-payments": (programs[1], departments[0], [50, 25]),
        "autumn-search": (programs[1], departments[1], [55, 35, 15]),
    }
    cells: dict[str, list[Person]] = {}
    score = itertools.cycle([1, 2, 3, 4, 5])
    for name, (program, department, starts) in layout.items():
        for days_ago in starts:
            mentee = PersonFactory.create(department=department)
            starts_on = today - dt.timedelta(days=days_ago)
            pairing = PairingFactory.create(program=program, mentee=mentee, starts_on=starts_on)
            assessment = Assessment.objects.create(
                pairing=pairing,
                mentee=mentee,
                occasion=AssessmentOccasion.DAY_0,
                taken_on=starts_on,
            )
            AssessmentRating.objects.create(
                assessment=assessment, competency=coaching, score=next(score)
            )
            cells.setdefault(name, []).append(mentee)
    # Ends (90 days after each start) fall between these…
    since = [today + dt.timedelta(days=n) for n in (32, 52)]
    # …and starts between these.
    until = [today - dt.timedelta(days=n) for n in (45, 30, 17)]
    return Company(personas.hr, programs, departments, coaching, cells, since, until)


def every_answer(company: Company) -> dict[Any, Any]:
    """The coaching row of the confidence table, for every combination of
    program, department, start and end of the range."""
    client = APIClient()
    client.force_authenticate(company.hr)
    answers: dict[Any, Any] = {}
    ranges: list[tuple[dt.date | None, dt.date | None]] = [(None, None)]
    ranges += [(since, None) for since in company.since]
    ranges += [(None, until) for until in company.until]
    for program, department, (since, until) in itertools.product(
        [None, *company.programs], [None, *company.departments], ranges
    ):
        query = {
            key: value
            for key, value in (
                ("program", program and program.pk),
                ("department", department and department.pk),
                ("since", since and since.isoformat()),
                ("until", until and until.isoformat()),
            )
            if value
        }
        response = client.get("/api/v1/insights/", query)
        assert response.status_code == 200, response.content
        name = company.coaching.name
        rows = [row for row in response.json()["confidence"] if row["competency"] == name]
        answers[tuple(sorted(query.items()))] = rows
    # The program page's summary answers too, and must not differ from the
    # dashboard's figures by one mentee either.
    for program in company.programs:
        response = client.get("/api/v1/assessments/summary/", {"program": program.pk})
        assert response.status_code == 200, response.content
        answers[("summary", program.pk)] = response.json()["competencies"]
    return answers


def test_a_rating_in_a_small_cell_moves_no_answer(company: Company) -> None:
    before = every_answer(company)
    small = company.cells["spring-search"] + company.cells["autumn-payments"]
    for mentee in small:
        company.rate(mentee, 6 - company.rating(mentee))

    assert every_answer(company) == before


def test_cell_mates_cannot_be_told_apart(company: Company) -> None:
    before = every_answer(company)
    for cell in ("spring-payments", "autumn-search"):
        first, second = company.cells[cell][:2]
        a, b = company.rating(first), company.rating(second)
        assert a != b
        company.rate(first, b)
        company.rate(second, a)

    assert every_answer(company) == before


def test_the_scan_sees_a_rating_that_counts(company: Company) -> None:
    before = every_answer(company)
    mentee = company.cells["spring-payments"][0]
    company.rate(mentee, 6 - company.rating(mentee))

    assert every_answer(company) != before

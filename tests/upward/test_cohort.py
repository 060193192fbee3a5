"""What HR reads of upward feedback: per statement, the average of each
manager's own average, over at least the group threshold of managers whose
round showed results — checked against figures worked out by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mentorship.upward import selectors
from mentorship.upward.statements import KEYS
from tests.factories import PairingFactory
from tests.fixtures.personas import Personas
from tests.upward.builders import answer, close, open_round, team

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2027-05-12T10:00:00Z")]


def manager_round(personas: Personas, scores: list[int], *, reports: int = 3) -> None:
    t = team(reports, pairing=PairingFactory.create(program=personas.program))
    round_ = open_round(t)
    for person, score in zip(t.reports, scores, strict=False):
        answer(round_, person, score)
    close(round_)


def test_averages_of_managers_averages_from_the_group_threshold(personas: Personas) -> None:
    # Five managers whose round shows: their own averages 2, 3, 4, 4 and 5
    # (three answers each), so the cohort's is (2 + 3 + 4 + 4 + 5) / 5 = 3.6.
    for scores in ([2, 2, 2], [3, 3, 3], [3, 4, 5], [4, 4, 4], [5, 5, 5]):
        manager_round(personas, scores)
    # A sixth with only two answers shows nothing, and counts for nothing.
    manager_round(personas, [1, 1])
    cohort = selectors.cohort_upward(personas.hr, personas.program)
    assert cohort is not None
    assert cohort.managers == {1: 5, 2: 0}
    assert cohort.rounds_held == 6
    assert {s.key: s.means for s in cohort.statements} == {key: {1: 3.6, 2: None} for key in KEYS}


def test_under_the_group_threshold_no_figure(personas: Personas) -> None:
    for scores in ([2, 2, 2], [3, 3, 3], [4, 4, 4], [5, 5, 5]):
        manager_round(personas, scores)
    cohort = selectors.cohort_upward(personas.hr, personas.program)
    assert cohort is not None
    assert (cohort.managers[1], cohort.waiting[1]) == (0, 4)
    assert {s.means[1] for s in cohort.statements} == {None}


def test_managers_join_the_figures_in_whole_groups(personas: Personas, time_machine: Any) -> None:
    """Seven managers' rounds: the figure is the first five's (3.6) until
    five more have closed, so no two figures differ by one manager."""
    for day, scores in enumerate(
        ([2, 2, 2], [3, 3, 3], [3, 4, 5], [4, 4, 4], [5, 5, 5], [1, 1, 1], [1, 1, 1])
    ):
        time_machine.move_to(dt.datetime(2027, 5, 12 + day, 10, tzinfo=dt.UTC), tick=False)
        manager_round(personas, scores)
    cohort = selectors.cohort_upward(personas.hr, personas.program)
    assert cohort is not None
    assert (cohort.managers[1], cohort.waiting[1]) == (5, 2)
    assert {s.means[1] for s in cohort.statements} == {3.6}


def test_only_those_who_run_the_program_read_it(personas: Personas) -> None:
    for name, person in personas.everyone().items():
        if person is None:
            continue
        found = selectors.cohort_upward(person, personas.program)
        assert (found is not None) is (name in {"hr", "program_admin"}), name

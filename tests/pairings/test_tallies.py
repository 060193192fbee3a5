"""The dashboard's milestone tallies (pairings/summaries.py) always equal
what the milestones themselves say: kept by the services as plans are
copied and milestones closed and reopened, rebuilt from scratch, read by the
dashboard exactly as the raw count reads, and under two writers at once."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

import pytest

from mentorship.insights.selectors import Filters, Health, program_health
from mentorship.pairings.models import Milestone, MilestoneStatus, MilestoneTally, TallyState
from mentorship.pairings.services.milestones import (
    milestone_complete,
    milestone_reopen,
    milestone_skip,
)
from mentorship.pairings.summaries import tallies_rebuild
from tests.factories import PairingFactory
from tests.fixtures.personas import Personas, build_personas
from tests.helpers import two_writers_at_once

Key = tuple[int, int, int, dt.date, str]


def from_the_milestones() -> dict[Key, int]:
    """The tallies, worked out here in Python from every milestone row of a
    pairing that has started."""
    counts: Counter[Key] = Counter()
    for milestone in Milestone.objects.select_related("pairing").exclude(
        pairing__status__in=("proposed", "declined")
    ):
        if milestone.status == MilestoneStatus.OPEN:
            state = TallyState.OPEN
        elif milestone.status == MilestoneStatus.SKIPPED:
            state = TallyState.SKIPPED
        else:
            assert milestone.completed_at is not None
            closed_on = milestone.completed_at.astimezone(dt.UTC).date()
            state = TallyState.ON_TIME if closed_on <= milestone.due_on else TallyState.LATE
        pairing = milestone.pairing
        assert pairing.starts_on is not None
        key = (
            pairing.program_id,
            milestone.competency_id or 0,
            (milestone.due_on - pairing.starts_on).days,
            milestone.due_on,
            str(state),
        )
        counts[key] += 1
    return dict(counts)


def as_kept() -> dict[Key, int]:
    return {
        (program_id, competency, offset, due_on, state): n
        for program_id, competency, offset, due_on, state, n in MilestoneTally.objects.values_list(
            "program_id", "competency_key", "offset_days", "due_on", "state", "milestones"
        )
        if n  # a tally whose last milestone moved on keeps a row of 0
    }


def shuffle_milestones(personas: Personas, rng: random.Random, steps: int) -> None:
    """Close and reopen milestones at random: done before, on or after the
    due day (at an hour that is another day in some zones), or skipped."""
    milestones = list(
        Milestone.objects.filter(pairing__in=[personas.pairing, personas.other_pairing])
    )
    assert len(milestones) >= 6
    for _ in range(steps):
        milestone = rng.choice(milestones)
        milestone.refresh_from_db()
        by = milestone.pairing.mentee
        if milestone.status != MilestoneStatus.OPEN:
            milestone_reopen(milestone=milestone, by=by)
        elif rng.random() < 0.2:
            milestone_skip(milestone=milestone, by=by)
        else:
            day = milestone.due_on + dt.timedelta(days=rng.choice([-3, -1, 0, 0, 1, 5]))
            when = dt.datetime.combine(day, dt.time(rng.choice([0, 12, 23])), tzinfo=dt.UTC)
            milestone_complete(milestone=milestone, by=by, when=when)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(4))
def test_kept_tallies_equal_the_milestones_after_any_closing_and_reopening(
    personas: Personas, seed: int
) -> None:
    # A third pairing starting another day: its milestones fall on other tallies.
    PairingFactory.create(program=personas.program)
    shuffle_milestones(personas, random.Random(seed), steps=40)

    expected = from_the_milestones()
    assert as_kept() == expected
    assert tallies_rebuild() == len(expected)
    assert as_kept() == expected


def figures(health: Health) -> tuple[Any, ...]:
    return (health.completion, health.completion_by_competency, health.completion_by_day)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(3))
def test_the_dashboard_reads_from_tallies_what_the_milestones_say(
    personas: Personas, seed: int
) -> None:
    shuffle_milestones(personas, random.Random(seed), steps=25)
    assert personas.pairing.starts_on is not None
    today = personas.pairing.starts_on + dt.timedelta(days=20)
    whole = program_health(personas.hr, Filters(program=personas.program), today=today)
    # A date range covering every pairing: the same pairings, counted from
    # their milestones instead of the tallies.
    counted = program_health(
        personas.hr,
        Filters(
            program=personas.program,
            since=today - dt.timedelta(days=3650),
            until=today + dt.timedelta(days=3650),
        ),
        today=today,
    )
    assert figures(whole) == figures(counted)
    assert whole.completion.total == Milestone.objects.count()
    assert (
        whole.completion.overdue
        == Milestone.objects.filter(status=MilestoneStatus.OPEN, due_on__lt=today).count()
    )


@pytest.mark.django_db
def test_copying_a_plan_twice_counts_its_milestones_once(personas: Personas) -> None:
    from mentorship.pairings.services.milestones import milestones_instantiate

    before = as_kept()
    assert milestones_instantiate(pairing=personas.pairing)
    assert as_kept() == before == from_the_milestones()


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_two_people_closing_milestones_of_one_tally_at_once_are_both_counted() -> None:
    """Two pairings that started the same day share their tallies: each
    close moves the same two rows, one waiting for the other's commit."""
    personas = build_personas()
    first_step, second_step = (
        Milestone.objects.filter(pairing=pairing).order_by("position").first()
        for pairing in (personas.pairing, personas.other_pairing)
    )
    assert first_step is not None
    assert second_step is not None
    assert (first_step.due_on, first_step.competency_id) == (
        second_step.due_on,
        second_step.competency_id,
    )
    two_writers_at_once(
        lambda: milestone_complete(milestone=first_step, by=first_step.pairing.mentee),
        lambda: milestone_complete(milestone=second_step, by=second_step.pairing.mentee),
    )

    assert as_kept() == from_the_milestones()

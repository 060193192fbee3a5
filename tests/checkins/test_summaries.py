"""The dashboard's check-in summaries (checkins/summaries.py) always equal
what the check-ins themselves say: kept by the services as check-ins are
logged and edited, rebuilt from scratch, and under two writers at once."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest

from mentorship.checkins.models import CheckIn, CheckInDay, PairingActivity
from mentorship.checkins.services import checkin_edit, checkin_log
from mentorship.checkins.summaries import summaries_rebuild
from mentorship.core.timezones import today_for
from mentorship.insights.selectors import CHART_WEEKS, Filters, program_health
from mentorship.pairings.models import Pairing
from tests.factories import CheckInFactory, PairingFactory
from tests.fixtures.personas import Personas, build_personas
from tests.helpers import two_writers_at_once

Activity = tuple[int, dt.date | None, int | None, int | None]


def from_the_checkins() -> tuple[dict[int, Activity], dict[tuple[int, dt.date], int]]:
    """Both summaries, worked out here in Python from every check-in row."""
    rows = list(
        CheckIn.objects.values_list(
            "pairing_id",
            "pairing__program_id",
            "occurred_on",
            "created_at",
            "pk",
            "confidence_pulse",
        )
    )
    activity: dict[int, Activity] = {}
    for pairing_id in {row[0] for row in rows}:
        mine = [row for row in rows if row[0] == pairing_id]
        pulses = [
            row[5]
            for row in sorted(mine, key=lambda r: (r[2], r[3], r[4]), reverse=True)
            if row[5] is not None
        ]
        activity[pairing_id] = (
            len(mine),
            max(row[2] for row in mine),
            pulses[0] if pulses else None,
            pulses[1] if len(pulses) > 1 else None,
        )
    days = Counter((row[1], row[2]) for row in rows)
    return activity, dict(days)


def as_kept() -> tuple[dict[int, Activity], dict[tuple[int, dt.date], int]]:
    activity = {
        row[0]: tuple(row[1:])
        for row in PairingActivity.objects.values_list(
            "pairing_id", "checkins", "last_checkin_on", "latest_pulse", "previous_pulse"
        )
    }
    days = {
        (program_id, day): n
        for program_id, day, n in CheckInDay.objects.values_list("program_id", "day", "checkins")
        if n  # a day whose only check-in moved away keeps a row of 0
    }
    return activity, days  # type: ignore[return-value]


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(4))
def test_kept_summaries_equal_the_checkins_after_any_logging_and_editing(
    personas: Personas, seed: int
) -> None:
    rng = random.Random(seed)
    pairings = [personas.pairing, personas.other_pairing]
    elsewhere = PairingFactory.create(starts_on=personas.pairing.starts_on)
    logged: list[CheckIn] = []
    for _ in range(30):
        action = rng.random()
        if action < 0.15:
            # A check-in of another program, made as the factory makes them.
            CheckInFactory.create(
                pairing=elsewhere,
                occurred_on=today_for(elsewhere.mentee) - dt.timedelta(days=rng.randint(0, 9)),
                confidence_pulse=rng.choice([None, 1, 5]),
            )
        elif action < 0.65 or not logged:
            pairing = rng.choice(pairings)
            by = rng.choice([pairing.mentee, pairing.mentor])
            assert pairing.starts_on is not None
            span = (today_for(by) - pairing.starts_on).days
            logged.append(
                checkin_log(
                    pairing=pairing,
                    by=by,
                    occurred_on=pairing.starts_on + dt.timedelta(days=rng.randint(0, span)),
                    duration_minutes=30,
                    confidence_pulse=rng.choice([None, 2, 3, 4]) if by == pairing.mentee else None,
                )
            )
        else:
            checkin = rng.choice(logged)
            pairing = Pairing.objects.get(pk=checkin.pairing_id)
            by = checkin.logged_by
            assert pairing.starts_on is not None
            span = (today_for(by) - pairing.starts_on).days
            checkin_edit(
                checkin=checkin,
                by=by,
                occurred_on=rng.choice(
                    [
                        checkin.occurred_on,
                        pairing.starts_on + dt.timedelta(days=rng.randint(0, span)),
                    ]
                ),
                duration_minutes=40,
                kind=checkin.kind,
                topics=[],
                shared_notes="",
                private_note="",
                confidence_pulse=rng.choice([None, 1, 5]) if by == pairing.mentee else None,
            )
            checkin.refresh_from_db()

    expected = from_the_checkins()
    assert as_kept() == expected
    assert summaries_rebuild() == (len(expected[0]), len(expected[1]))
    assert as_kept() == expected


@pytest.mark.django_db
def test_the_chart_and_the_last_30_days_read_from_days_equal_the_raw_count(
    personas: Personas,
) -> None:
    """The whole program's figures come from the daily counts; the same
    figures narrowed by a department count the check-ins themselves. With
    everyone in one department the two must agree."""
    today = today_for(personas.hr)
    for back in range(10):
        for pairing in (personas.pairing, personas.other_pairing):
            CheckInFactory.create(pairing=pairing, occurred_on=today - dt.timedelta(days=back))
    CheckInFactory.create(
        pairing=personas.pairing, occurred_on=today - dt.timedelta(weeks=CHART_WEEKS + 1)
    )
    department = personas.mentee.department
    assert department is not None
    assert personas.other_mentee.department == department

    whole = program_health(personas.hr, Filters(program=personas.program), today=today)
    narrowed = program_health(
        personas.hr, Filters(program=personas.program, department=department), today=today
    )

    assert whole.checkins_per_week == narrowed.checkins_per_week
    assert sum(week.checkins for week in whole.checkins_per_week) == 20
    assert whole.checkins_30_days == narrowed.checkins_30_days == 20


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_two_people_logging_at_once_are_both_counted() -> None:
    """The second writer waits for the first to commit before it counts the
    pairing's check-ins, so neither count misses the other's check-in."""
    personas = build_personas()
    pairing = personas.pairing
    assert pairing.starts_on is not None
    first_day = pairing.starts_on
    next_day = first_day + dt.timedelta(days=1)
    # Two different days: nothing but the pairing's lock orders the two.
    two_writers_at_once(
        lambda: checkin_log(
            pairing=pairing, by=pairing.mentee, occurred_on=first_day, duration_minutes=30
        ),
        lambda: checkin_log(
            pairing=pairing, by=pairing.mentor, occurred_on=next_day, duration_minutes=30
        ),
    )

    activity = PairingActivity.objects.get(pairing=pairing)
    assert activity.checkins == 2
    assert activity.last_checkin_on == next_day

"""Nudges on a fake clock: no check-in within the cadence (both sides, once
per cadence period), a self-assessment due (the mentee), an action item
past its due date (its owner) — each at 09:00 local, exactly once, never
for a paused pairing and never after the pairing has ended."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from mentorship.checkins.models import ActionItem
from mentorship.checkins.services import ActionItemSpec, checkin_log
from mentorship.pairings.models import Pairing, PairingStatus
from mentorship.pairings.services.lifecycle import pairing_end, pairing_pause, pairing_resume
from mentorship.plans.models import StepKind, StepOwner
from tests.factories import MilestoneFactory, PairingFactory, PersonFactory, ProgramFactory
from tests.notifications.simulate import run_engine, sent, sent_at_nine

UTC = dt.UTC
START = dt.date(2027, 2, 1)
# Each test builds its pairing on the day it was approved, three days
# before it starts, and runs the engine forward from there.
pytestmark = [pytest.mark.django_db, pytest.mark.clock("2027-01-29T00:00:00Z")]


def at(day: dt.date, hour: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=UTC)


def pairing_from(starts_on: dt.date = START, **fields: Any) -> Pairing:
    mentee = PersonFactory.create(time_zone=fields.pop("mentee_tz", "America/New_York"))
    mentor = PersonFactory.create(time_zone=fields.pop("mentor_tz", "Europe/Berlin"))
    return PairingFactory.create(
        program=fields.pop("program", None) or ProgramFactory.create(checkin_cadence_days=14),
        mentee=mentee,
        mentor=mentor,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=90),
        activated_at=at(starts_on - dt.timedelta(days=3)),
        **fields,
    )


def nudges(kind: str = "checkin_nudge") -> list[tuple[int, dt.date]]:
    """(recipient, local date it was sent) of each sent nudge of a kind."""
    return sent_at_nine(kind)


def test_no_checkin_for_a_cadence_nudges_both_once_per_period(time_machine: Any) -> None:
    pairing = pairing_from()

    run_engine(time_machine, start=at(START), end=at(START + dt.timedelta(days=40)))

    # Days 14 and 28 with nothing logged: one nudge each, to each side.
    expected = sorted(
        (person, START + dt.timedelta(days=days))
        for person in (pairing.mentee_id, pairing.mentor_id)
        for days in (14, 28)
    )
    assert nudges() == expected
    nudge_mail = [m for m in mail.outbox if "Time for a check-in" in m.subject]
    assert len(nudge_mail) == 4
    first = next(m for m in nudge_mail if pairing.mentee.email in m.to)
    assert "Log a check-in" in first.body
    assert f"/pairings/{pairing.pk}/check-ins/new/" in first.body


def test_a_checkin_restarts_the_count(time_machine: Any) -> None:
    pairing = pairing_from()
    run_engine(time_machine, start=at(START), end=at(START + dt.timedelta(days=10)))
    checkin_log(
        pairing=pairing,
        by=pairing.mentor,
        occurred_on=START + dt.timedelta(days=9),
        duration_minutes=30,
    )

    run_engine(
        time_machine,
        start=at(START + dt.timedelta(days=10)),
        end=at(START + dt.timedelta(days=30)),
    )

    assert {day for _, day in nudges()} == {START + dt.timedelta(days=23)}


def test_a_checkin_logged_after_queueing_cancels_the_nudge(time_machine: Any) -> None:
    # Kolkata's 09:00 comes first; New York's is hours later: a check-in
    # logged in between spares the second side.
    pairing = pairing_from(mentee_tz="America/New_York", mentor_tz="Asia/Kolkata")
    day14 = START + dt.timedelta(days=14)
    run_engine(time_machine, start=at(START), end=at(day14, 6))
    assert [who for who, _ in nudges()] == [pairing.mentor_id]

    checkin_log(pairing=pairing, by=pairing.mentor, occurred_on=day14, duration_minutes=20)
    run_engine(time_machine, start=at(day14, 6), end=at(day14 + dt.timedelta(days=3)))

    assert [who for who, _ in nudges()] == [pairing.mentor_id]


def test_no_nudge_while_paused_and_the_count_restarts_on_resume(time_machine: Any) -> None:
    pairing = pairing_from()
    time_machine.move_to(at(START + dt.timedelta(days=5)), tick=False)
    pairing_pause(pairing=pairing, by=None, reason="Parental leave")

    run_engine(time_machine, start=at(START), end=at(START + dt.timedelta(days=45)))
    assert nudges() == []

    resumed = START + dt.timedelta(days=46)
    time_machine.move_to(at(resumed, 12), tick=False)
    pairing_resume(pairing=pairing, by=None)
    run_engine(time_machine, start=at(resumed, 12), end=at(resumed + dt.timedelta(days=15)))

    # Fourteen days after the return, not at once for the weeks paused.
    assert {day for _, day in nudges()} == {resumed + dt.timedelta(days=14)}


def test_none_after_the_pairing_ends(time_machine: Any) -> None:
    pairing = pairing_from()
    ActionItem.objects.create(
        pairing=pairing, text="Write the team charter", owner=pairing.mentee, due_on=START
    )
    time_machine.move_to(at(START, 1), tick=False)
    pairing_end(pairing=pairing, by=None, reason="Left the company")

    run_engine(time_machine, start=at(START), end=at(START + dt.timedelta(days=40)))

    assert sent() == []


def test_none_once_the_last_day_has_passed(time_machine: Any) -> None:
    """The beat completes a pairing past its last day within the hour; no
    nudge goes out in between."""
    pairing = pairing_from(starts_on=START - dt.timedelta(days=80))
    run_engine(time_machine, start=at(START), end=at(START + dt.timedelta(days=30)))

    assert pairing.ends_on is not None
    assert all(day <= pairing.ends_on for _, day in nudges())


@pytest.mark.parametrize(
    "due_on",
    [
        pytest.param(due_on, marks=pytest.mark.clock(at(due_on - dt.timedelta(days=34))))
        for due_on in (dt.date(2026, 10, 25), dt.date(2027, 3, 14))
    ],
    ids=str,
)  # Berlin's and New York's DST changes
def test_assessment_due_goes_to_the_mentee_once_at_nine_local(
    time_machine: Any, due_on: dt.date
) -> None:
    pairing = pairing_from(starts_on=due_on - dt.timedelta(days=30))
    # Check-ins every few days keep the cadence nudge out of the way.
    step = MilestoneFactory.create(
        pairing=pairing,
        kind=StepKind.ASSESSMENT,
        owner=StepOwner.BOTH,
        title="Day-30 self-assessment",
        due_on=due_on,
    )
    mine = MilestoneFactory.create(
        pairing=pairing, kind=StepKind.MILESTONE, owner=StepOwner.BOTH, due_on=due_on
    )

    run_engine(
        time_machine,
        start=at(due_on - dt.timedelta(days=5)),
        end=at(due_on + dt.timedelta(days=10)),
    )

    assert nudges("assessment_due") == [(pairing.mentee_id, due_on)]
    assessment_mail = next(m for m in mail.outbox if "confident" in m.subject)
    assert f"/pairings/{pairing.pk}/self-assessment/" in assessment_mail.body
    # The step's ordinary milestone reminders stay for ordinary milestones.
    reminded = {n.subject_id for n in sent() if n.kind.startswith("milestone_")}
    assert reminded == {mine.pk}
    assert step.pk not in reminded


def test_action_item_overdue_goes_to_its_owner_once(time_machine: Any) -> None:
    pairing = pairing_from()
    time_machine.move_to(at(START + dt.timedelta(days=2), 15), tick=False)
    checkin = checkin_log(
        pairing=pairing,
        by=pairing.mentee,
        occurred_on=START + dt.timedelta(days=2),
        duration_minutes=30,
        action_items=[
            ActionItemSpec(
                text="Draft the hiring plan",
                owner=pairing.mentor,
                due_on=START + dt.timedelta(days=6),
            ),
            ActionItemSpec(
                text="Book skip-levels", owner=pairing.mentee, due_on=START + dt.timedelta(days=6)
            ),
            ActionItemSpec(text="No date on this one", owner=pairing.mentee),
        ],
    )
    done = checkin.action_items.get(text="Book skip-levels")
    done.done_at = at(START + dt.timedelta(days=5))
    done.save()

    run_engine(
        time_machine,
        start=at(START + dt.timedelta(days=2), 15),
        end=at(START + dt.timedelta(days=13)),
    )

    assert nudges("action_item_overdue") == [(pairing.mentor_id, START + dt.timedelta(days=7))]
    message = next(
        m for m in mail.outbox if "Action item" in m.subject or "action item" in m.subject
    )
    assert "Draft the hiring plan" in message.body
    assert message.to == [pairing.mentor.email]


def test_nudges_respect_the_preferences(time_machine: Any) -> None:
    from mentorship.notifications.services import email_preferences_update

    pairing = pairing_from()
    email_preferences_update(person=pairing.mentee, weekdays_only=False, enabled_kinds=[])

    run_engine(time_machine, start=at(START), end=at(START + dt.timedelta(days=16)))

    assert [who for who, _ in nudges()] == [pairing.mentor_id]
    assert pairing.status == PairingStatus.ACTIVE

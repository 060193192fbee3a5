"""Each reminder goes out once, at 09:00 where its recipient is — checked by
running the engine every half hour across the 2026 and 2027 DST changes for
people in New York, Berlin and Kolkata."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from mentorship.notifications.models import EmailOptOut, Notification
from mentorship.pairings.models import Milestone, MilestoneStatus, PairingStatus
from mentorship.plans.models import StepKind, StepOwner
from tests.factories import MilestoneFactory, PairingFactory, PersonFactory, ProgramFactory
from tests.notifications.simulate import run_engine, sent

# The world is built a few days before the reminders it is about (each test
# that looks at other days says when), then the engine runs forward.
pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-06-05T00:00:00Z")]

UTC = dt.UTC


def at_nine(zone: str, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=ZoneInfo(zone)).astimezone(UTC)


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    new_york = PersonFactory.create(email="ny@scaffold.test", time_zone="America/New_York")
    berlin = PersonFactory.create(email="berlin@scaffold.test", time_zone="Europe/Berlin")
    kolkata = PersonFactory.create(email="kolkata@scaffold.test", time_zone="Asia/Kolkata")
    program = ProgramFactory.create(reminder_lead_days=3)
    first = PairingFactory.create(program=program, mentee=new_york, mentor=berlin)
    second = PairingFactory.create(program=program, mentee=kolkata, mentor=berlin)
    return {"program": program, "pairings": [first, second], "people": [new_york, berlin, kolkata]}


def milestones_due(world: dict[str, Any], due_on: dt.date) -> list[Milestone]:
    return [
        MilestoneFactory.create(
            pairing=pairing, due_on=due_on, owner=StepOwner.BOTH, title="Hold a skip-level"
        )
        for pairing in world["pairings"]
    ]


# Due dates just after each DST change of 2026 and 2027 (New York: 8 Mar,
# 1 Nov 2026; 14 Mar, 7 Nov 2027. Berlin: 29 Mar, 25 Oct 2026; 28 Mar,
# 31 Oct 2027), so the three-day lead, the day-after nudge and the weekly
# nudges straddle the change.
DST_DUE_DATES = [
    dt.date(2026, 3, 10),
    dt.date(2026, 3, 31),
    dt.date(2026, 10, 27),
    dt.date(2026, 11, 3),
    dt.date(2027, 3, 16),
    dt.date(2027, 3, 30),
    dt.date(2027, 10, 26),
    dt.date(2027, 11, 9),
]


@pytest.mark.parametrize(
    "due_on",
    [
        pytest.param(
            due_on,
            marks=pytest.mark.clock(
                dt.datetime.combine(due_on - dt.timedelta(days=4), dt.time(0), tzinfo=UTC)
            ),
        )
        for due_on in DST_DUE_DATES
    ],
    ids=str,
)
def test_due_soon_and_overdue_go_out_once_at_nine_local(
    world: dict[str, Any], time_machine: Any, due_on: dt.date
) -> None:
    milestones_due(world, due_on)
    start = dt.datetime.combine(due_on - dt.timedelta(days=4), dt.time(0), tzinfo=UTC)
    end = dt.datetime.combine(due_on + dt.timedelta(days=23), dt.time(0), tzinfo=UTC)

    run_engine(time_machine, start=start, end=end)

    for person in world["people"]:
        zone = person.time_zone
        # The milestone reminders (the mentees' Friday question is tested
        # in tests/checkins/test_week_split_email.py).
        received = [
            n for n in sent() if n.recipient_id == person.pk and n.kind.startswith("milestone_")
        ]
        share = 2 if person.email == "berlin@scaffold.test" else 1  # mentor in both pairings
        expected = {
            ("milestone_due_soon", at_nine(zone, due_on - dt.timedelta(days=3))),
            ("milestone_overdue", at_nine(zone, due_on + dt.timedelta(days=1))),
            ("milestone_overdue", at_nine(zone, due_on + dt.timedelta(days=8))),
            ("milestone_overdue", at_nine(zone, due_on + dt.timedelta(days=15))),
        }
        assert Counter((n.kind, n.sent_at) for n in received) == Counter(
            dict.fromkeys(expected, share)
        ), person.email
        for notification in received:
            assert notification.sent_at is not None
            local = notification.sent_at.astimezone(ZoneInfo(zone))
            assert local.time() == dt.time(9, 0), (person.email, local)
    # Every row became exactly one email (the Friday questions too).
    assert len(mail.outbox) == Notification.objects.count()
    assert Notification.objects.filter(kind__startswith="milestone_").count() == 4 * 4
    assert all(n.sent_at for n in Notification.objects.all())


@pytest.mark.clock("2026-03-27T06:00:00Z")
def test_a_welcome_the_sweep_finds_leaves_at_once_even_in_the_small_hours(
    world: dict[str, Any], time_machine: Any
) -> None:
    """The welcome answers the pairing's start: it does not wait for 09:00
    (here 02:00 in New York). A pairing started outside the activation
    service is found by the sweep, and leaves then."""
    activated = dt.datetime(2026, 3, 27, 6, 0, tzinfo=UTC)
    pairing = world["pairings"][0]
    pairing.activated_at = activated
    pairing.save()
    MilestoneFactory.create(
        pairing=pairing, kind=StepKind.KICKOFF, title="Kickoff", due_on=dt.date(2026, 4, 3)
    )

    run_engine(time_machine, start=activated, end=activated + dt.timedelta(days=3))

    welcomes = sent("pairing_welcome")
    assert {(n.recipient.email, n.sent_at) for n in welcomes} == {
        ("ny@scaffold.test", activated),
        ("berlin@scaffold.test", activated),
    }
    to_new_york = next(m for m in mail.outbox if m.to == ["ny@scaffold.test"])
    assert "Kickoff" in to_new_york.body
    assert "Meet your mentor" in to_new_york.subject


def test_a_second_sweep_and_a_second_beat_add_nothing(
    world: dict[str, Any], time_machine: Any
) -> None:
    milestones_due(world, dt.date(2026, 6, 10))
    from mentorship.notifications.services import notifications_sweep

    moment = dt.datetime(2026, 6, 7, 12, 0, tzinfo=UTC)
    time_machine.move_to(moment, tick=False)
    for _ in range(3):
        notifications_sweep(now=moment)

    assert Notification.objects.filter(kind="milestone_due_soon").count() == 4


def test_nothing_for_paused_or_ended_pairings(world: dict[str, Any], time_machine: Any) -> None:
    first, second = world["pairings"]
    first.status = PairingStatus.PAUSED
    first.save()
    second.status = PairingStatus.ENDED
    second.save()
    milestones_due(world, dt.date(2026, 6, 10))

    run_engine(
        time_machine,
        start=dt.datetime(2026, 6, 6, tzinfo=UTC),
        end=dt.datetime(2026, 6, 28, tzinfo=UTC),
    )

    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_a_milestone_done_before_its_reminder_leaves_gets_none(
    world: dict[str, Any], time_machine: Any
) -> None:
    milestone = milestones_due(world, dt.date(2026, 6, 10))[0]
    from mentorship.notifications.services import notifications_sweep

    # Queued at night for 09:00, then done at 08:00 Berlin time.
    night = dt.datetime(2026, 6, 7, 0, 30, tzinfo=UTC)
    time_machine.move_to(night, tick=False)
    notifications_sweep(now=night)
    Milestone.objects.filter(pk=milestone.pk).update(
        status=MilestoneStatus.DONE, completed_at=night
    )

    run_engine(time_machine, start=night, end=night + dt.timedelta(days=2))

    about_done = Notification.objects.filter(subject_id=milestone.pk, kind="milestone_due_soon")
    assert {n.status for n in about_done} == {"cancelled"}
    assert not any(
        "Hold a skip-level" in m.subject and m.to == ["ny@scaffold.test"] for m in mail.outbox
    )


def test_an_opted_out_kind_is_not_sent(world: dict[str, Any], time_machine: Any) -> None:
    new_york = world["people"][0]
    EmailOptOut.objects.create(person=new_york, kind="milestone_overdue")
    milestones_due(world, dt.date(2026, 6, 10))

    run_engine(
        time_machine,
        start=dt.datetime(2026, 6, 6, tzinfo=UTC),
        end=dt.datetime(2026, 6, 13, tzinfo=UTC),
    )

    kinds = {n.kind for n in sent() if n.recipient_id == new_york.pk}
    assert kinds - {"week_split_ask"} == {"milestone_due_soon"}


def test_snoozing_holds_reminders_for_a_week(world: dict[str, Any], time_machine: Any) -> None:
    milestone = milestones_due(world, dt.date(2026, 6, 10))[0]
    Milestone.objects.filter(pk=milestone.pk).update(snoozed_until=dt.date(2026, 6, 14))

    run_engine(
        time_machine,
        start=dt.datetime(2026, 6, 6, tzinfo=UTC),
        end=dt.datetime(2026, 6, 20, tzinfo=UTC),
    )

    about_it = [
        (n.kind, n.dedup_key.rsplit(":", 1)[1], n.sent_at)
        for n in sent()
        if n.kind.startswith("milestone_")
        and n.subject_id == milestone.pk
        and n.recipient.email == "ny@scaffold.test"
    ]
    # Nothing while snoozed (no due-soon); the first overdue nudge on the
    # first morning after the snooze, the second a week after the due date.
    assert about_it == [
        ("milestone_overdue", "1", at_nine("America/New_York", dt.date(2026, 6, 14))),
        ("milestone_overdue", "2", at_nine("America/New_York", dt.date(2026, 6, 18))),
    ]


def test_weekday_only_people_hear_on_monday(world: dict[str, Any], time_machine: Any) -> None:
    berlin = world["people"][1]
    berlin.email_weekdays_only = True
    berlin.save()
    # Due Tuesday 16 June 2026: due-soon becomes due Saturday 13 June.
    MilestoneFactory.create(
        pairing=world["pairings"][0], due_on=dt.date(2026, 6, 16), owner=StepOwner.BOTH
    )

    run_engine(
        time_machine,
        start=dt.datetime(2026, 6, 11, tzinfo=UTC),
        end=dt.datetime(2026, 6, 16, tzinfo=UTC),
    )

    by_person = {n.recipient.email: n.sent_at for n in sent("milestone_due_soon")}
    assert by_person == {
        "ny@scaffold.test": at_nine("America/New_York", dt.date(2026, 6, 13)),
        "berlin@scaffold.test": at_nine("Europe/Berlin", dt.date(2026, 6, 15)),
    }

"""The reminder sweep and the claim-and-queue step on 100,000 due milestones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.test import override_settings
from django.utils import timezone

from config.celery_app import app as celery_app
from mentorship.notifications.models import Notification, NotificationStatus
from mentorship.notifications.services import (
    notifications_claim,
    notifications_dispatch,
    notifications_sweep,
)
from mentorship.pairings.models import Milestone, Pairing, PairingStatus
from mentorship.people.models import Person
from mentorship.plans.models import OnboardingPlan, StepKind, StepOwner
from mentorship.programs.models import Program, ProgramStatus

PROGRAMS = 5
PAIRINGS_PER_PROGRAM = 5_000
MILESTONES_PER_PAIRING = 4  # 5 programs, 5,000 pairings, 4 each: 100,000 due milestones
TITLE = (
    "Reminder engine (budget: 100,000 due items swept, claimed and queued in seconds, "
    "with queries that do not grow per row)"
)
NOTES = [
    "How the query counts scale: a sweep runs a fixed number of queries per reminder",
    "kind (one set-based read, and on PostgreSQL a COPY into a temporary table and one",
    "`INSERT … SELECT … ON CONFLICT (dedup_key) DO NOTHING`), whatever the number of",
    "reminders. Dispatching claims 1,000 rows per transaction (five queries each) and",
    "publishes one send task per 50 rows over a single broker connection.",
]
ZONES = [
    "America/New_York",
    "Europe/Berlin",
    "Asia/Kolkata",
    "America/Sao_Paulo",
    "Australia/Sydney",
]


def build(today: dt.date) -> int:
    plan = OnboardingPlan.objects.create(name="Bench plan")
    people = Person.objects.bulk_create(
        [
            Person(
                email=f"bench{i}@scaffold.test",
                full_name=f"Bench Person {i}",
                time_zone=ZONES[i % len(ZONES)],
                password="!",
            )
            for i in range(PAIRINGS_PER_PROGRAM * 2)
        ],
        batch_size=5_000,
    )
    mentees, mentors = people[:PAIRINGS_PER_PROGRAM], people[PAIRINGS_PER_PROGRAM:]
    for p in range(PROGRAMS):
        program = Program.objects.create(
            name=f"Bench {p}",
            slug=f"bench-{p}",
            status=ProgramStatus.ACTIVE,
            plan=plan,
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=90),
            reminder_lead_days=3,
        )
        pairings = Pairing.objects.bulk_create(
            [
                Pairing(
                    program=program,
                    mentee=mentees[i],
                    mentor=mentors[(i + p) % len(mentors)],
                    status=PairingStatus.ACTIVE,
                    starts_on=today - dt.timedelta(days=20),
                    ends_on=today + dt.timedelta(days=70),
                )
                for i in range(PAIRINGS_PER_PROGRAM)
            ],
            batch_size=5_000,
        )
        Milestone.objects.bulk_create(
            [
                Milestone(
                    pairing=pairing,
                    position=m + 1,
                    title=f"Step {m + 1}",
                    owner=StepOwner.MENTEE,
                    kind=StepKind.MILESTONE,
                    due_on=today + dt.timedelta(days=2),
                )
                for pairing in pairings
                for m in range(MILESTONES_PER_PAIRING)
            ],
            batch_size=10_000,
        )
    return Milestone.objects.count()


def run(measure: Callable[[str, Callable[[], Any]], dict[str, Any]]) -> list[dict[str, Any]]:
    now = timezone.now()
    today = now.date()
    rows = [
        measure(
            "Setup: 10,000 people, 25,000 pairings, 100,000 due milestones", lambda: build(today)
        )
    ]
    rows.append(
        measure(
            "Sweep: find 100,000 due reminders and insert them",
            lambda: sum(notifications_sweep(now=now).values()),
        )
    )
    queued = Notification.objects.count()
    rows.append(
        measure(
            "Sweep again (a second beat): inserts nothing",
            lambda: (
                f"{sum(notifications_sweep(now=now).values())} found, "
                f"{Notification.objects.count() - queued} new"
            ),
        )
    )
    later = now + dt.timedelta(days=2)
    one_claim = measure(
        "Claim one batch of 1,000 (SELECT … FOR UPDATE SKIP LOCKED, UPDATE)",
        lambda: len(notifications_claim(due_by=later)[1]),
    )
    rows.append(one_claim)
    Notification.objects.filter(status=NotificationStatus.SENDING).update(
        status=NotificationStatus.PENDING, claim_id=None
    )
    # The claim-and-queue machinery at full stretch: the in-flight cap (which
    # in production hands a burst over as the workers get through it) is
    # lifted so one dispatch takes all 100,000.
    with override_settings(NOTIFICATIONS_MAX_IN_FLIGHT=1_000_000):
        rows.append(
            measure(
                "Dispatch: claim all 100,000 and queue send tasks on Redis",
                lambda: f"{notifications_dispatch(due_by=later)} claimed",
            )
        )
    with celery_app.connection_for_write() as conn:
        queue = conn.default_channel.client.llen(celery_app.conf.task_default_queue)  # type: ignore[attr-defined]
    rows[-1]["result"] += f", {queue} tasks on the queue"
    celery_app.control.purge()
    return rows

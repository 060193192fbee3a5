"""At risk: a score, not one signal. For each live pairing one row of plain
values (the last check-in, overdue milestones, the last two confidence
pulses, an open pause or end request, check-in nudges unanswered, the newest
week split), then a score and the reasons in words."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Coalesce

from mentorship.core.queries import subquery_count
from mentorship.notifications.models import Notification, NotificationStatus
from mentorship.pairings.models import (
    ChangeRequestKind,
    ChangeRequestStatus,
    Milestone,
    MilestoneStatus,
    PairingChangeRequest,
    PairingQuerySet,
    PairingStatus,
)

# A pairing scoring this much or more is at risk.
AT_RISK_FROM = 2

# Past this day of the pairing, a week that is still this much individual
# work (percent) or more says the move into management has not happened yet.
INDIVIDUAL_HIGH_AFTER_DAY = 45
INDIVIDUAL_HIGH_FROM = 50


def individual_still_high(
    starts_on: dt.date | None, split_week: dt.date | None, share: int | None, today: dt.date
) -> int | None:
    """The day of the pairing the newest week split was at, when it is past
    day 45 and still mostly individual work; else None."""
    if starts_on is None or split_week is None or share is None:
        return None
    day = split_day(starts_on, split_week, today)
    if day > INDIVIDUAL_HIGH_AFTER_DAY and share >= INDIVIDUAL_HIGH_FROM:
        return day
    return None


def split_day(starts_on: dt.date, split_week: dt.date, today: dt.date) -> int:
    """The day of the pairing a week's split speaks for: the week's last
    day, or today while the week is still going."""
    return (min(split_week + dt.timedelta(days=6), today) - starts_on).days


class Signals(NamedTuple):
    """One live pairing's row, as the query returns it (a tuple: a program's
    thousands of rows are read without a dict or an object each)."""

    pk: int
    status: str
    starts_on: dt.date | None
    program__checkin_cadence_days: int
    last_checkin: dt.date | None
    overdue_milestones: int
    latest_pulse: int | None
    previous_pulse: int | None
    pause_requested: bool
    nudges_ignored: int
    latest_split_week: dt.date | None
    latest_individual_share: int | None


def risk_score(pairing: Signals, today: dt.date) -> tuple[int, list[str]]:
    """The at-risk score of one live pairing and the reasons, in words."""
    score, reasons = 0, []
    cadence = pairing.program__checkin_cadence_days
    since = pairing.last_checkin or pairing.starts_on
    if pairing.status == PairingStatus.ACTIVE and since is not None:
        days = (today - since).days
        if days > cadence:
            score += 2 if days > 2 * cadence else 1
            what = "no check-in yet" if pairing.last_checkin is None else "no check-in"
            reasons.append(f"{what} for {days} days (cadence {cadence})")
    if pairing.overdue_milestones:
        score += 1 if pairing.overdue_milestones < 3 else 2
        reasons.append(
            f"{pairing.overdue_milestones} milestone"
            f"{'s' if pairing.overdue_milestones != 1 else ''} overdue"
        )
    if (
        pairing.latest_pulse is not None
        and pairing.previous_pulse is not None
        and pairing.latest_pulse < pairing.previous_pulse
    ):
        score += 1
        # Never the values: one mentee's ratings reach HR only inside a
        # group figure; the reason says the direction, nothing more.
        reasons.append("confidence falling")
    if pairing.pause_requested:
        score += 1
        reasons.append("asked to pause or end")
    if pairing.nudges_ignored >= 2:
        score += 1
        reasons.append(f"{pairing.nudges_ignored} check-in nudges unanswered")
    if individual_still_high(
        pairing.starts_on, pairing.latest_split_week, pairing.latest_individual_share, today
    ):
        score += 1
        # Never the share: how one person's week splits is the pair's; HR
        # reads only that it is still mostly individual work.
        reasons.append(f"still mostly individual work past day {INDIVIDUAL_HIGH_AFTER_DAY}")
    return score, reasons


def risk_signals(pairings: PairingQuerySet, *, today: dt.date) -> list[Signals]:
    """What the at-risk score is made of, for every live pairing: one query,
    one row each, no model objects."""
    live = (
        pairings.live()
        .annotate(
            # From the pairing's summary row (checkins/summaries.py), not
            # its check-ins: one row per pairing shown.
            last_checkin=F("activity__last_checkin_on"),
            overdue_milestones=subquery_count(
                Milestone.objects.filter(
                    pairing=OuterRef("pk"), status=MilestoneStatus.OPEN, due_on__lt=today
                ),
                "pairing",
            ),
            latest_pulse=F("activity__latest_pulse"),
            previous_pulse=F("activity__previous_pulse"),
            pause_requested=Exists(
                PairingChangeRequest.objects.filter(
                    pairing=OuterRef("pk"),
                    status=ChangeRequestStatus.OPEN,
                    kind__in=(ChangeRequestKind.PAUSE, ChangeRequestKind.END),
                )
            ),
            nudges_ignored=Coalesce(
                subquery_count(
                    Notification.objects.filter(
                        pairing_id=OuterRef("pk"),
                        kind="checkin_nudge",
                        status=NotificationStatus.SENT,
                        sent_at__date__gt=Coalesce(OuterRef("last_checkin"), OuterRef("starts_on")),
                    ),
                    "pairing",
                ),
                0,
            ),
            latest_split_week=F("activity__latest_split_week"),
            latest_individual_share=F("activity__latest_individual_share"),
        )
        .order_by("pk")
        .values_list(*Signals._fields)
    )
    return list(map(Signals._make, live))

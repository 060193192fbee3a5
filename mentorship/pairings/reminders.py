"""Reminder kinds about pairings and their milestones.

Each ``due`` runs one set-based query over a window of dates wide enough for
every time zone (a day either side of UTC's today), then decides per
recipient with their own local date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any, cast

from django.conf import settings
from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import timezone

from mentorship.core.timezones import local_today
from mentorship.notifications.events import notifications_queue_now
from mentorship.notifications.kinds import (
    Due,
    Recipient,
    ReminderKind,
    SubjectKind,
    content_type_id,
    each_recipient,
    subject_id,
)
from mentorship.notifications.links import action_url
from mentorship.notifications.models import Notification
from mentorship.pairings.models import (
    Feedback,
    Milestone,
    MilestoneStatus,
    Pairing,
    PairingStatus,
)
from mentorship.plans.models import StepKind, StepOwner
from mentorship.programs.models import Program, ProgramStatus

# Steps with emails of their own (the assessment prompt, the upward feedback
# round's invitations, the line manager's agreement): no "due soon" or
# "overdue" about them.
SELF_SENDING_STEPS = (
    StepKind.ASSESSMENT,
    StepKind.UPWARD,
    StepKind.AGREEMENT,
    StepKind.AGREEMENT_REVIEW,
)

# Overdue nudges: the day after the due date, then weekly, at most this often.
OVERDUE_NUDGES = 3
OVERDUE_EVERY_DAYS = 7
# A welcome found later than this after activation is no longer a welcome.
WELCOME_WITHIN = dt.timedelta(days=7)
# Asked for feedback only this soon after the pairing closed.
FEEDBACK_WITHIN = dt.timedelta(days=7)

_MILESTONE_FIELDS = (
    "id",
    "due_on",
    "owner",
    "snoozed_until",
    "pairing_id",
    "pairing__program_id",
    "pairing__program__reminder_lead_days",
    "pairing__mentee_id",
    "pairing__mentee__time_zone",
    "pairing__mentee__email_weekdays_only",
    "pairing__mentee__is_active",
    "pairing__mentor_id",
    "pairing__mentor__time_zone",
    "pairing__mentor__email_weekdays_only",
    "pairing__mentor__is_active",
)


# The sides of the pair a milestone's owner names.
OWNER_SIDES = {
    StepOwner.MENTEE: ("mentee",),
    StepOwner.MENTOR: ("mentor",),
    StepOwner.BOTH: ("mentee", "mentor"),
}


def _recipients(row: dict[str, Any]) -> Iterator[Recipient]:
    """Whoever owns the milestone, of those still active."""
    return pair_sides(row, prefix="pairing__", sides=OWNER_SIDES[row["owner"]])


def _snoozed(row: dict[str, Any], today: dt.date) -> bool:
    return bool(row["snoozed_until"] and today < row["snoozed_until"])


def pairing_subject_due(
    row: Mapping[str, Any],
    recipient: tuple[int, str, bool],
    *,
    dedup_key: str,
    becomes_due: dt.date,
    last_day: dt.date,
    subject_type_id: int,
) -> Due:
    """What is due to one person about a row of a pairing's own (a milestone,
    an action item): the row gives ``id``, ``pairing_id`` and
    ``pairing__program_id``; ``recipient`` is (id, time zone, weekdays only)."""
    person_id, time_zone, weekdays_only = recipient
    return Due(
        recipient_id=person_id,
        dedup_key=dedup_key,
        becomes_due=becomes_due,
        last_day=last_day,
        time_zone=time_zone,
        weekdays_only=weekdays_only,
        program_id=row["pairing__program_id"],
        pairing_id=row["pairing_id"],
        subject_type_id=subject_type_id,
        subject_id=row["id"],
    )


def live_milestones() -> QuerySet[Milestone]:
    """Milestones still worth a reminder (open, in an active pairing), with
    what a reminder about one shows."""
    return Milestone.objects.select_related(
        "pairing__program", "pairing__mentee", "pairing__mentor", "competency"
    ).filter(status=MilestoneStatus.OPEN, pairing__status=PairingStatus.ACTIVE)


def _milestone_context(milestone: Milestone, notification: Notification) -> dict[str, Any]:
    person_id = notification.recipient_id
    return {
        "milestone": milestone,
        "pairing": milestone.pairing,
        "partner": (
            milestone.pairing.mentor
            if person_id == milestone.pairing.mentee_id
            else milestone.pairing.mentee
        ),
        "done_url": action_url(
            action="milestone_done", person_id=person_id, object_id=milestone.pk
        ),
        "snooze_url": action_url(
            action="milestone_snooze", person_id=person_id, object_id=milestone.pk
        ),
        "pairing_url": settings.SITE_URL
        + reverse("pairings:detail", kwargs={"pairing_id": milestone.pairing_id}),
    }


class MilestoneDueSoon(SubjectKind):
    name = "milestone_due_soon"
    label = "Milestone coming up"
    description = "A few days before a milestone in your plan is due (the program sets how many)."
    # Self-assessment steps have a reminder of their own (AssessmentDue).
    template = "milestone_due_soon"

    def due(self, *, now: dt.datetime) -> Iterator[Due]:
        utc_today = now.astimezone(dt.UTC).date()
        subject_type = content_type_id(Milestone)
        longest_lead = (
            Program.objects.filter(status=ProgramStatus.ACTIVE).aggregate(
                days=Max("reminder_lead_days")
            )["days"]
            or 0
        )
        rows = (
            Milestone.objects.exclude(kind__in=SELF_SENDING_STEPS)
            .filter(
                status=MilestoneStatus.OPEN,
                pairing__status=PairingStatus.ACTIVE,
                due_on__gte=utc_today - dt.timedelta(days=1),
                due_on__lte=utc_today + dt.timedelta(days=longest_lead + 1),
            )
            .values(*_MILESTONE_FIELDS)
            .iterator(chunk_size=5000)
        )
        for row, recipient, today in each_recipient(rows, _recipients, now=now):
            lead = dt.timedelta(days=row["pairing__program__reminder_lead_days"])
            becomes_due = row["due_on"] - lead
            if not becomes_due <= today <= row["due_on"] or _snoozed(row, today):
                continue
            yield pairing_subject_due(
                row,
                recipient,
                dedup_key=f"{self.name}:{row['id']}:{recipient[0]}",
                becomes_due=becomes_due,
                last_day=row["due_on"],
                subject_type_id=subject_type,
            )

    def live_subjects(self) -> QuerySet[Milestone]:
        return live_milestones()

    def context_for(self, subject: Milestone, notification: Notification) -> dict[str, Any]:
        return _milestone_context(subject, notification)


class MilestoneOverdue(SubjectKind):
    name = "milestone_overdue"
    label = "Milestone overdue"
    description = "The day after a milestone was due, then weekly, at most three times."
    template = "milestone_overdue"

    def due(self, *, now: dt.datetime) -> Iterator[Due]:
        utc_today = now.astimezone(dt.UTC).date()
        subject_type = content_type_id(Milestone)
        oldest = utc_today - dt.timedelta(days=OVERDUE_NUDGES * OVERDUE_EVERY_DAYS + 1)
        rows = (
            Milestone.objects.exclude(kind__in=SELF_SENDING_STEPS)
            .filter(
                status=MilestoneStatus.OPEN,
                pairing__status=PairingStatus.ACTIVE,
                due_on__lt=utc_today + dt.timedelta(days=1),
                due_on__gte=oldest,
            )
            .values(*_MILESTONE_FIELDS)
            .iterator(chunk_size=5000)
        )
        for row, recipient, today in each_recipient(rows, _recipients, now=now):
            days_late = (today - row["due_on"]).days
            nudge = 1 + (days_late - 1) // OVERDUE_EVERY_DAYS
            if days_late < 1 or nudge > OVERDUE_NUDGES or _snoozed(row, today):
                continue
            becomes_due = row["due_on"] + dt.timedelta(days=1 + (nudge - 1) * OVERDUE_EVERY_DAYS)
            yield pairing_subject_due(
                row,
                recipient,
                dedup_key=f"{self.name}:{row['id']}:{recipient[0]}:{nudge}",
                becomes_due=becomes_due,
                last_day=becomes_due + dt.timedelta(days=OVERDUE_EVERY_DAYS - 1),
                subject_type_id=subject_type,
            )

    def live_subjects(self) -> QuerySet[Milestone]:
        return live_milestones()

    def context_for(self, subject: Milestone, notification: Notification) -> dict[str, Any]:
        context = _milestone_context(subject, notification)
        nudge = int(notification.dedup_key.rsplit(":", 1)[1])
        return {**context, "nudge": nudge, "last_nudge": nudge == OVERDUE_NUDGES}


def _pair_context(notification: Notification) -> dict[str, Any]:
    """The pairing a reminder is about, and who the recipient's partner is."""
    pairing = Pairing.objects.select_related(
        "program", "mentee__department", "mentor__department"
    ).get(pk=subject_id(notification))
    return pair_context(pairing, notification.recipient_id)


PAIR_SIDE_FIELDS = tuple(
    f"{side}{suffix}"
    for side in ("mentee", "mentor")
    for suffix in ("_id", "__time_zone", "__email_weekdays_only", "__is_active")
)


def pair_sides(
    row: dict[str, Any], prefix: str = "", sides: tuple[str, ...] = ("mentee", "mentor")
) -> Iterator[Recipient]:
    """Each active side of a pairing row fetched with ``PAIR_SIDE_FIELDS``
    (under ``prefix``), or only the ``sides`` named."""
    for side in sides:
        if row[f"{prefix}{side}__is_active"]:
            yield (
                row[f"{prefix}{side}_id"],
                row[f"{prefix}{side}__time_zone"],
                row[f"{prefix}{side}__email_weekdays_only"],
            )


def pair_context(pairing: Pairing, recipient_id: int) -> dict[str, Any]:
    is_mentee = recipient_id == pairing.mentee_id
    return {
        "pairing": pairing,
        "is_mentee": is_mentee,
        "partner": pairing.mentor if is_mentee else pairing.mentee,
    }


def _to_both_sides(
    name: str,
    pairings: QuerySet[Pairing],
    *,
    moment: str,
    within: dt.timedelta | None = None,
) -> Iterator[Due]:
    """One reminder to each active side of each pairing, due on the local
    date of ``moment`` (a datetime field) and, with ``within``, no later."""
    subject_type = content_type_id(Pairing)
    rows = pairings.values("id", "program_id", moment, *PAIR_SIDE_FIELDS)
    for values in rows.iterator(chunk_size=2000):
        row = cast(dict[str, Any], values)
        for person_id, time_zone, weekdays_only in pair_sides(row):
            becomes_due = local_today(row[moment], time_zone)
            yield Due(
                recipient_id=person_id,
                dedup_key=f"{name}:{row['id']}:{person_id}",
                becomes_due=becomes_due,
                last_day=becomes_due + within if within is not None else None,
                time_zone=time_zone,
                weekdays_only=weekdays_only,
                program_id=row["program_id"],
                pairing_id=row["id"],
                subject_type_id=subject_type,
                subject_id=row["id"],
            )


class PairingWelcome(ReminderKind):
    """Sent at once when a pairing starts (``pairing_welcome_queue``, called
    by the activation). The sweep finds any a pairing started another way
    missed, and its dedup key makes the two one email."""

    name = "pairing_welcome"
    label = "Welcome to a new pairing"
    description = "When your pairing starts: who you are paired with and your kickoff."
    template = "pairing_welcome"
    immediate = True

    def due(self, *, now: dt.datetime) -> Iterator[Due]:
        activated = Pairing.objects.filter(
            status=PairingStatus.ACTIVE,
            activated_at__gte=now - WELCOME_WITHIN,
            activated_at__lte=now,
        )
        return _to_both_sides(self.name, activated, moment="activated_at")

    def still_wanted(self, notification: Notification) -> bool:
        return Pairing.objects.filter(
            pk=subject_id(notification), status=PairingStatus.ACTIVE
        ).exists()

    def context(self, notification: Notification) -> dict[str, Any]:
        context = _pair_context(notification)
        pairing = context["pairing"]
        open_steps = pairing.milestones.filter(status=MilestoneStatus.OPEN)
        kickoff = open_steps.filter(kind=StepKind.KICKOFF).order_by("due_on", "position").first()
        # The recipient's today: a step already past is not a first step
        # (its own overdue reminder speaks of it); a kickoff not yet held is
        # still the first thing to do, said as late.
        today = local_today(timezone.now(), notification.recipient.time_zone)
        upcoming = open_steps.filter(due_on__gte=today).order_by("due_on", "position")
        if kickoff is not None:
            upcoming = upcoming.exclude(pk=kickoff.pk)
        return {
            **context,
            "kickoff": kickoff,
            "kickoff_late": kickoff is not None and kickoff.due_on < today,
            "first_steps": list(upcoming[:4]),
            "pairing_url": settings.SITE_URL
            + reverse("pairings:detail", kwargs={"pairing_id": pairing.pk}),
        }


def pairing_welcome_queue(*, pairing: Pairing) -> list[int]:
    """Welcome both sides of a pairing that has just started, at once. One
    recorded as started long ago (a backdated activation) is welcomed by
    nobody, as the sweep would not either."""

    started = Pairing.objects.filter(
        pk=pairing.pk,
        status=PairingStatus.ACTIVE,
        activated_at__gte=timezone.now() - WELCOME_WITHIN,
    )
    return notifications_queue_now(
        kind=PairingWelcome.name,
        dues=_to_both_sides(PairingWelcome.name, started, moment="activated_at"),
    )


class PairingFeedbackRequest(ReminderKind):
    name = "pairing_feedback"
    label = "Feedback at the end of a pairing"
    description = "When your pairing completes: how did it go? (one rating and a comment)."
    template = "pairing_feedback"

    def due(self, *, now: dt.datetime) -> Iterator[Due]:
        completed = Pairing.objects.filter(
            status=PairingStatus.COMPLETED,
            closed_at__gte=now - FEEDBACK_WITHIN,
            closed_at__lte=now,
        )
        return _to_both_sides(self.name, completed, moment="closed_at", within=FEEDBACK_WITHIN)

    def still_wanted(self, notification: Notification) -> bool:
        # Not once the person has already given their feedback.
        return not Feedback.objects.filter(
            pairing_id=subject_id(notification), author_id=notification.recipient_id
        ).exists()

    def context(self, notification: Notification) -> dict[str, Any]:
        context = _pair_context(notification)
        return {
            **context,
            "feedback_url": settings.SITE_URL
            + reverse("pairings:feedback", kwargs={"pairing_id": context["pairing"].pk}),
        }

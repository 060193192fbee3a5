"""Nudges: reminder kinds about check-ins, self-assessments and action items.

Like every kind, each one finds what is due with one set-based query and
decides per recipient with their own local date; the engine does the rest
(deduplication, 09:00 local, preferences, sending). None is sent for a
paused or closed pairing: each asks for an active one, both when it is
found and again just before it is sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, cast

from django.conf import settings
from django.db.models import Max, QuerySet
from django.urls import reverse

from mentorship.checkins.models import ActionItem, WeekSplit
from mentorship.checkins.selectors import REFLECTION_OCCASIONS, occasion_of
from mentorship.checkins.services import week_of
from mentorship.core.timezones import local_today
from mentorship.notifications import links
from mentorship.notifications.kinds import (
    Due,
    Recipient,
    ReminderKind,
    SubjectKind,
    content_type_id,
    each_recipient,
    subject_id,
)
from mentorship.notifications.models import Notification
from mentorship.pairings.models import Milestone, MilestoneStatus, Pairing, PairingStatus
from mentorship.pairings.reminders import (
    PAIR_SIDE_FIELDS,
    live_milestones,
    pair_context,
    pair_sides,
    pairing_subject_due,
)
from mentorship.plans.models import StepKind

# An assessment prompt is worth sending for a week after the step's due date.
ASSESSMENT_PROMPT_DAYS = 7
# An overdue action item is mentioned once, within a week of its due date.
ACTION_ITEM_NUDGE_DAYS = 7


def _the_mentee(row: dict[str, Any]) -> Iterator[Recipient]:
    return pair_sides(row, prefix="pairing__", sides=("mentee",))


def _the_owner(row: dict[str, Any]) -> Iterator[Recipient]:
    yield row["owner_id"], row["owner__time_zone"], row["owner__email_weekdays_only"]


def checkin_form_url(pairing_id: int) -> str:
    return settings.SITE_URL + reverse("checkins:new", kwargs={"pairing_id": pairing_id})


class CheckInNudge(ReminderKind):
    """No check-in for a whole cadence: both sides hear about it, once per
    cadence period. The count starts at the latest of the pairing's start,
    its approval, its last check-in and its return from a pause."""

    name = "checkin_nudge"
    label = "Time for a check-in"
    description = (
        "When your pairing has gone a full cadence (the program sets it; 14 days unless "
        "changed) without a check-in. At most once per cadence."
    )
    template = "checkin_nudge"

    def due(self, *, now: dt.datetime) -> Iterator[Due]:
        subject_type = content_type_id(Pairing)
        rows = (
            Pairing.objects.filter(
                status=PairingStatus.ACTIVE, starts_on__isnull=False, activated_at__isnull=False
            )
            .annotate(last_checkin=Max("checkins__occurred_on"))
            .values(
                "id",
                "program_id",
                "program__checkin_cadence_days",
                "starts_on",
                "ends_on",
                "activated_at",
                "resumed_at",
                "last_checkin",
                *PAIR_SIDE_FIELDS,
            )
        )
        rows_as_dicts = (cast(dict[str, Any], r) for r in rows.iterator(chunk_size=2000))
        for row, recipient, today in each_recipient(rows_as_dicts, pair_sides, now=now):
            person_id, time_zone, weekdays_only = recipient
            cadence = row["program__checkin_cadence_days"]
            # Approved late or back from a pause: count from then.
            anchor = max(
                row["starts_on"],
                row["last_checkin"] or row["starts_on"],
                local_today(row["activated_at"], time_zone),
                local_today(row["resumed_at"], time_zone)
                if row["resumed_at"]
                else row["starts_on"],
            )
            period = (today - anchor).days // cadence
            if period < 1 or (row["ends_on"] and today > row["ends_on"]):
                continue
            becomes_due = anchor + dt.timedelta(days=period * cadence)
            yield Due(
                recipient_id=person_id,
                dedup_key=f"{self.name}:{row['id']}:{person_id}:{anchor}:{period}",
                becomes_due=becomes_due,
                last_day=becomes_due + dt.timedelta(days=cadence - 1),
                time_zone=time_zone,
                weekdays_only=weekdays_only,
                program_id=row["program_id"],
                pairing_id=row["id"],
                subject_type_id=subject_type,
                subject_id=row["id"],
            )

    @staticmethod
    def _anchor(notification: Notification) -> dt.date:
        return dt.date.fromisoformat(notification.dedup_key.split(":")[3])

    def load(self, notifications: Sequence[Notification]) -> dict[int, dict[str, Any] | None]:
        """The batch's pairings in one query, each with its latest check-in
        by date and by when it was logged: wanted while the pairing is active
        and nothing was logged since the reminder's period began, nor since
        it was queued."""
        pairings = (
            Pairing.objects.filter(status=PairingStatus.ACTIVE)
            .select_related("program", "mentee", "mentor")
            .annotate(
                last_occurred=Max("checkins__occurred_on"),
                last_logged=Max("checkins__created_at"),
            )
            .in_bulk({subject_id(row) for row in notifications})
        )
        contexts: dict[int, dict[str, Any] | None] = {}
        for row in notifications:
            pairing = pairings.get(subject_id(row))
            logged_since = pairing is not None and (
                (pairing.last_occurred is not None and pairing.last_occurred > self._anchor(row))
                or (pairing.last_logged is not None and pairing.last_logged > row.created_at)
            )
            contexts[row.pk] = (
                None
                if pairing is None or logged_since
                else {
                    **pair_context(pairing, row.recipient_id),
                    "cadence": pairing.program.checkin_cadence_days,
                    "last_checkin": pairing.last_occurred,
                    "log_url": checkin_form_url(pairing.pk),
                }
            )
        return contexts


class AssessmentDue(SubjectKind):
    """A scheduled self-assessment (a plan step) is due: the mentee is asked,
    on its due date, to rate their confidence."""

    name = "assessment_due"
    label = "Self-assessment due"
    description = "On day 0, 30, 60 and 90 of your pairing: rate your confidence (mentees)."
    template = "assessment_due"

    def due(self, *, now: dt.datetime) -> Iterator[Due]:
        utc_today = now.astimezone(dt.UTC).date()
        subject_type = content_type_id(Milestone)
        rows = (
            Milestone.objects.filter(
                kind=StepKind.ASSESSMENT,
                status=MilestoneStatus.OPEN,
                pairing__status=PairingStatus.ACTIVE,
                due_on__gte=utc_today - dt.timedelta(days=ASSESSMENT_PROMPT_DAYS + 1),
                due_on__lte=utc_today + dt.timedelta(days=1),
            )
            .values(
                "id",
                "due_on",
                "pairing_id",
                "pairing__program_id",
                "pairing__mentee_id",
                "pairing__mentee__time_zone",
                "pairing__mentee__email_weekdays_only",
                "pairing__mentee__is_active",
            )
            .iterator(chunk_size=5000)
        )
        rows_as_dicts = (cast(dict[str, Any], r) for r in rows)
        for row, recipient, today in each_recipient(rows_as_dicts, _the_mentee, now=now):
            last_day = row["due_on"] + dt.timedelta(days=ASSESSMENT_PROMPT_DAYS)
            if not row["due_on"] <= today <= last_day:
                continue
            yield pairing_subject_due(
                row,
                recipient,
                dedup_key=f"{self.name}:{row['id']}:{recipient[0]}",
                becomes_due=row["due_on"],
                last_day=last_day,
                subject_type_id=subject_type,
            )

    def live_subjects(self) -> QuerySet[Milestone]:
        return live_milestones()

    def context_for(self, subject: Milestone, notification: Notification) -> dict[str, Any]:
        milestone = subject
        pairing = milestone.pairing
        occasion = occasion_of(milestone, pairing.starts_on)
        return {
            **pair_context(pairing, notification.recipient_id),
            "milestone": milestone,
            "asks_why": occasion in REFLECTION_OCCASIONS,
            "assess_url": settings.SITE_URL
            + reverse("checkins:assess", kwargs={"pairing_id": pairing.pk}),
        }


class ActionItemOverdue(SubjectKind):
    """An open action item past its due date: its owner hears about it once,
    the day after."""

    name = "action_item_overdue"
    label = "Action item overdue"
    description = "The day after an action item you own was due, if it is still open."
    template = "action_item_overdue"

    def due(self, *, now: dt.datetime) -> Iterator[Due]:
        utc_today = now.astimezone(dt.UTC).date()
        subject_type = content_type_id(ActionItem)
        rows = (
            ActionItem.objects.filter(
                done_at__isnull=True,
                pairing__status=PairingStatus.ACTIVE,
                due_on__gte=utc_today - dt.timedelta(days=ACTION_ITEM_NUDGE_DAYS + 2),
                due_on__lt=utc_today + dt.timedelta(days=1),
                owner__is_active=True,
            )
            .values(
                "id",
                "due_on",
                "pairing_id",
                "pairing__program_id",
                "owner_id",
                "owner__time_zone",
                "owner__email_weekdays_only",
            )
            .iterator(chunk_size=5000)
        )
        rows_as_dicts = (cast(dict[str, Any], r) for r in rows)
        for row, recipient, today in each_recipient(rows_as_dicts, _the_owner, now=now):
            becomes_due = row["due_on"] + dt.timedelta(days=1)
            last_day = row["due_on"] + dt.timedelta(days=ACTION_ITEM_NUDGE_DAYS)
            if not becomes_due <= today <= last_day:
                continue
            yield pairing_subject_due(
                row,
                recipient,
                dedup_key=f"{self.name}:{row['id']}:{recipient[0]}",
                becomes_due=becomes_due,
                last_day=last_day,
                subject_type_id=subject_type,
            )

    def live_subjects(self) -> QuerySet[ActionItem]:
        return ActionItem.objects.select_related(
            "pairing__program", "pairing__mentee", "pairing__mentor"
        ).filter(done_at__isnull=True, pairing__status=PairingStatus.ACTIVE)

    def context_for(self, subject: ActionItem, notification: Notification) -> dict[str, Any]:
        item = subject
        return {
            **pair_context(item.pairing, notification.recipient_id),
            "item": item,
            "log_url": checkin_form_url(item.pairing_id),
            "pairing_url": settings.SITE_URL
            + reverse("pairings:detail", kwargs={"pairing_id": item.pairing_id}),
        }


# The ask goes out on the Friday of a week (09:00 where the mentee is), and
# is worth sending until that Sunday.
WEEK_ASK_WEEKDAY = 4


class WeekSplitAsk(ReminderKind):
    """Once a week, on Friday, to the mentee of an active pairing who has
    neither said where the week went nor logged a check-in that week: one
    link, no sign-in, to say it."""

    name = "week_split_ask"
    label = "Where did your week go?"
    description = (
        "On Fridays, when you have neither logged a check-in nor said where your week "
        "went that week: one link to say it (mentees)."
    )
    template = "week_split_ask"

    def due(self, *, now: dt.datetime) -> Iterator[Due]:
        subject_type = content_type_id(Pairing)
        rows = (
            Pairing.objects.filter(status=PairingStatus.ACTIVE, starts_on__isnull=False)
            .values(
                "id",
                "program_id",
                "starts_on",
                "ends_on",
                "activity__last_checkin_on",
                "activity__latest_split_week",
                "mentee_id",
                "mentee__time_zone",
                "mentee__email_weekdays_only",
                "mentee__is_active",
            )
            .iterator(chunk_size=5000)
        )
        rows_as_dicts = (cast(dict[str, Any], r) for r in rows)
        for row, recipient, today in each_recipient(
            rows_as_dicts, lambda r: pair_sides(r, sides=("mentee",)), now=now
        ):
            week = week_of(today)
            friday = week + dt.timedelta(days=WEEK_ASK_WEEKDAY)
            if today < friday or row["starts_on"] > friday:
                continue
            if row["ends_on"] and week > row["ends_on"]:
                continue
            if row["activity__latest_split_week"] == week:
                continue
            last_checkin = row["activity__last_checkin_on"]
            if last_checkin is not None and last_checkin >= week:
                continue
            yield Due(
                recipient_id=recipient[0],
                dedup_key=f"{self.name}:{row['id']}:{recipient[0]}:{week}",
                becomes_due=friday,
                last_day=week + dt.timedelta(days=6),
                time_zone=recipient[1],
                weekdays_only=recipient[2],
                program_id=row["program_id"],
                pairing_id=row["id"],
                subject_type_id=subject_type,
                subject_id=row["id"],
            )

    @staticmethod
    def _week(notification: Notification) -> dt.date:
        return dt.date.fromisoformat(notification.dedup_key.split(":")[3])

    def load(self, notifications: Sequence[Notification]) -> dict[int, dict[str, Any] | None]:
        """The batch's pairings in one query, and their splits of the weeks
        asked about in another: wanted while the pairing is active and the
        week has neither a split nor a check-in."""
        ids = {subject_id(row) for row in notifications}
        pairings = (
            Pairing.objects.filter(status=PairingStatus.ACTIVE)
            .select_related("program", "mentee", "mentor")
            .annotate(last_occurred=Max("checkins__occurred_on"))
            .in_bulk(ids)
        )
        weeks = {self._week(row) for row in notifications}
        splits: dict[int, list[WeekSplit]] = {}
        # A pairing has a few dozen weeks at most: all of them up to the
        # latest week asked about (the answer, or the one before to show).
        for split in WeekSplit.objects.filter(pairing_id__in=ids, week_of__lte=max(weeks)).order_by(
            "week_of"
        ):
            splits.setdefault(split.pairing_id, []).append(split)
        contexts: dict[int, dict[str, Any] | None] = {}
        for row in notifications:
            pairing, week = pairings.get(subject_id(row)), self._week(row)
            given = splits.get(subject_id(row), [])
            answered = any(split.week_of == week for split in given)
            met = pairing is not None and (pairing.last_occurred or dt.date.min) >= week
            if pairing is None or answered or met:
                contexts[row.pk] = None
                continue
            before = [split for split in given if split.week_of < week]
            contexts[row.pk] = {
                **pair_context(pairing, row.recipient_id),
                "week_of": week,
                "last_week": before[-1] if before else None,
                "week_url": links.week_url(
                    person_id=row.recipient_id, pairing_id=pairing.pk, week_of=week
                ),
            }
        return contexts

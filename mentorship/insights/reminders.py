"""The weekly digest: each program admin hears, on Monday at 09:00 their
time, how each program they run is doing, and which pairings are at risk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.urls import reverse

from mentorship import access
from mentorship.insights.selectors import Filters, program_health
from mentorship.notifications.kinds import (
    Due,
    Recipient,
    ReminderKind,
    content_type_id,
    each_recipient,
    subject_id,
)
from mentorship.notifications.models import Notification
from mentorship.programs.models import Program, ProgramStatus

AT_RISK_LISTED = 10


def _the_admin(row: dict[str, Any]) -> Iterator[Recipient]:
    yield row["person_id"], row["person__time_zone"], row["person__email_weekdays_only"]


class WeeklyDigest(ReminderKind):
    name = "weekly_digest"
    label = "Weekly program digest"
    description = (
        "Monday mornings, for program admins: each program's health in numbers and the "
        "pairings at risk."
    )
    template = "weekly_digest"

    def reaches(self, person: Any) -> bool:
        return access.roles(person).is_program_admin

    def due(self, *, now: dt.datetime) -> Iterator[Due]:
        subject_type = content_type_id(Program)
        rows = (
            access.named_admins()
            .filter(program__status=ProgramStatus.ACTIVE, person__is_active=True)
            .values("program_id", "person_id", "person__time_zone", "person__email_weekdays_only")
        )
        for row, recipient, today in each_recipient(
            rows.iterator(chunk_size=2000), _the_admin, now=now
        ):
            if today.weekday() != 0:  # Mondays only, in the admin's own zone
                continue
            person_id, time_zone, weekdays_only = recipient
            yield Due(
                recipient_id=person_id,
                dedup_key=f"{self.name}:{row['program_id']}:{person_id}:{today}",
                becomes_due=today,
                last_day=today,
                time_zone=time_zone,
                weekdays_only=weekdays_only,
                program_id=row["program_id"],
                subject_type_id=subject_type,
                subject_id=row["program_id"],
            )

    def still_wanted(self, notification: Notification) -> bool:
        return Program.objects.filter(
            pk=subject_id(notification),
            status=ProgramStatus.ACTIVE,
            admins=notification.recipient_id,
        ).exists()

    def context(self, notification: Notification) -> dict[str, Any]:
        program = Program.objects.get(pk=subject_id(notification))
        recipient = notification.recipient
        today = dt.date.fromisoformat(notification.dedup_key.rsplit(":", 1)[1])
        health = program_health(recipient, Filters(program=program), today=today)
        dashboard = settings.SITE_URL + reverse("insights:dashboard") + f"?program={program.pk}"
        return {
            "program": program,
            "health": health,
            "at_risk": [
                {
                    "risk": risk,
                    "url": settings.SITE_URL
                    + reverse("pairings:detail", kwargs={"pairing_id": risk.pairing.pk}),
                }
                for risk in health.at_risk[:AT_RISK_LISTED]
            ],
            "more_at_risk": max(health.at_risk_total - AT_RISK_LISTED, 0),
            "dashboard_url": dashboard,
        }

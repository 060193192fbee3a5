"""The agreement's emails: to the line manager when it is asked for, and to
both sides when the review comes back near day 90."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from mentorship.agreements.models import ManagerAgreement
from mentorship.core.timezones import local_today
from mentorship.notifications import links
from mentorship.notifications.kinds import Due, ReminderKind, content_type_id, each_recipient
from mentorship.notifications.models import Notification
from mentorship.pairings.models import Milestone, PairingStatus
from mentorship.people.models import Person
from mentorship.plans.models import StepKind

# Worth sending for two weeks after it becomes due.
WITHIN_DAYS = 14


def _agreements() -> Any:
    return ManagerAgreement.objects.filter(
        pairing__status=PairingStatus.ACTIVE, line_manager__is_active=True
    ).select_related("pairing__mentee", "pairing__program", "line_manager")


def page_url(pairing_id: int) -> str:
    return settings.SITE_URL + reverse("agreements:pairing", kwargs={"pairing_id": pairing_id})


class AgreementRequest(ReminderKind):
    """The line manager is asked to write down what success looks like."""

    name = "agreement_request"
    label = "Agree on success with someone new to managing"
    description = (
        "When someone who reports to you starts a mentoring program as a new manager: "
        "write down together what success looks like at 90 days (line managers)."
    )
    template = "agreement_request"
    # The link writes in the line manager's name: kept nowhere.
    secret_context = ("agreement_url",)

    def reaches(self, person: Any) -> bool:
        """Those who manage someone."""
        return Person.objects.filter(manager_id=person.pk).exists()

    def due(self, *, now: dt.datetime) -> Iterator[Due]:
        subject_type = content_type_id(ManagerAgreement)
        rows = _agreements().filter(written_at__isnull=True)
        for agreement, recipient, today in each_recipient(
            rows,
            lambda a: [
                (a.line_manager_id, a.line_manager.time_zone, a.line_manager.email_weekdays_only)
            ],
            now=now,
        ):
            asked_on = local_today(agreement.created_at, recipient[1])
            if not asked_on <= today <= asked_on + dt.timedelta(days=WITHIN_DAYS):
                continue
            yield Due(
                recipient_id=recipient[0],
                dedup_key=f"{self.name}:{agreement.pk}",
                becomes_due=asked_on,
                last_day=asked_on + dt.timedelta(days=WITHIN_DAYS),
                time_zone=recipient[1],
                weekdays_only=recipient[2],
                program_id=agreement.pairing.program_id,
                pairing_id=agreement.pairing_id,
                subject_type_id=subject_type,
                subject_id=agreement.pk,
            )

    def load(self, notifications: Sequence[Notification]) -> dict[int, dict[str, Any] | None]:
        found = _agreements().in_bulk({row.subject_id for row in notifications})
        contexts: dict[int, dict[str, Any] | None] = {}
        for row in notifications:
            agreement = found.get(row.subject_id or 0)
            if agreement is None or agreement.written_at is not None:
                contexts[row.pk] = None
                continue
            contexts[row.pk] = {
                "mentee": agreement.pairing.mentee,
                "program": agreement.pairing.program,
                "agreement_url": links.agreement_url(
                    person_id=row.recipient_id, agreement_id=agreement.pk
                ),
            }
        return contexts


class AgreementReviewAsk(ReminderKind):
    """Near day 90, both sides are asked how the three went."""

    name = "agreement_review"
    label = "Review the agreement with your manager"
    description = (
        "Near day 90: was what you agreed with your manager done, partly done or not yet? "
        "(new managers and their line managers)"
    )
    template = "agreement_review"
    secret_context = ("review_url",)

    def reaches(self, person: Any) -> bool:
        """The two sides of an agreement."""
        return ManagerAgreement.objects.filter(
            Q(pairing__mentee_id=person.pk) | Q(line_manager_id=person.pk)
        ).exists()

    def due(self, *, now: dt.datetime) -> Iterator[Due]:
        subject_type = content_type_id(ManagerAgreement)
        rows = list(_agreements().filter(confirmed_at__isnull=False, reviewed_at__isnull=True))
        steps: dict[int, dt.date] = {}
        for step in Milestone.objects.filter(
            pairing_id__in=[a.pairing_id for a in rows], kind=StepKind.AGREEMENT_REVIEW
        ).order_by("-due_on"):
            steps[step.pairing_id] = step.due_on

        def both(a: ManagerAgreement) -> list[tuple[int, str, bool]]:
            mentee, boss = a.pairing.mentee, a.line_manager
            assert boss is not None  # _agreements() keeps those with an active one
            return [
                (mentee.pk, mentee.time_zone, mentee.email_weekdays_only),
                (boss.pk, boss.time_zone, boss.email_weekdays_only),
            ]

        for agreement, recipient, today in each_recipient(
            [a for a in rows if a.pairing_id in steps], both, now=now
        ):
            due_on = steps[agreement.pairing_id]
            if not due_on <= today <= due_on + dt.timedelta(days=WITHIN_DAYS):
                continue
            yield Due(
                recipient_id=recipient[0],
                dedup_key=f"{self.name}:{agreement.pk}:{recipient[0]}",
                becomes_due=due_on,
                last_day=due_on + dt.timedelta(days=WITHIN_DAYS),
                time_zone=recipient[1],
                weekdays_only=recipient[2],
                program_id=agreement.pairing.program_id,
                pairing_id=agreement.pairing_id,
                subject_type_id=subject_type,
                subject_id=agreement.pk,
            )

    def load(self, notifications: Sequence[Notification]) -> dict[int, dict[str, Any] | None]:
        found = _agreements().in_bulk({row.subject_id for row in notifications})
        contexts: dict[int, dict[str, Any] | None] = {}
        for row in notifications:
            agreement = found.get(row.subject_id or 0)
            if agreement is None or agreement.confirmed_at is None or agreement.reviewed_at:
                contexts[row.pk] = None
                continue
            is_mentee = row.recipient_id == agreement.pairing.mentee_id
            contexts[row.pk] = {
                "is_mentee": is_mentee,
                "mentee": agreement.pairing.mentee,
                "line_manager": agreement.line_manager,
                "review_url": page_url(agreement.pairing_id)
                if is_mentee
                else links.agreement_url(person_id=row.recipient_id, agreement_id=agreement.pk),
            }
        return contexts

"""The emails of an upward feedback round: the invitation to each report
when it opens, and one reminder to those who have not answered four days
before it closes. Both go to the report at 09:00 where they are, through the
same engine as every reminder (exactly once, preferences, unsubscribe)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import QuerySet

from mentorship.notifications import links
from mentorship.notifications.kinds import Due, ReminderKind, content_type_id, each_recipient
from mentorship.notifications.models import Notification
from mentorship.pairings.models import Pairing
from mentorship.upward import services
from mentorship.upward.models import FeedbackInvite, FeedbackLinkUse
from mentorship.upward.statements import STATEMENTS

# The reminder goes this many days before the round's last day.
REMINDER_DAYS_BEFORE_CLOSE = 4


def _open_invites() -> QuerySet[FeedbackInvite]:
    return FeedbackInvite.objects.filter(
        round__closed_at__isnull=True, person__is_active=True
    ).select_related("round__pairing__mentee", "round__pairing__program", "person")


def _used_digests(invites: Sequence[FeedbackInvite]) -> set[str]:
    return set(
        FeedbackLinkUse.objects.filter(
            round_id__in={invite.round_id for invite in invites}
        ).values_list("digest", flat=True)
    )


class _UpwardKind(ReminderKind):
    # Who got the reminder says who had not answered; and the link answers
    # in the report's name, so it is kept nowhere (not in the dev outbox).
    recipient_only = True
    secret_context = ("answer_url",)

    def reaches(self, person: Any) -> bool:
        """Those whose own manager is, or was, a mentee: they are the ones
        ever asked."""
        return (
            bool(person.manager_id) and Pairing.objects.filter(mentee_id=person.manager_id).exists()
        )

    def _becomes_due(self, invite: FeedbackInvite) -> dt.date:
        raise NotImplementedError

    def due(self, *, now: dt.datetime) -> Iterator[Due]:
        invites = list(_open_invites())
        used = _used_digests(invites)
        subject_type = content_type_id(FeedbackInvite)
        waiting = (i for i in invites if services.invite_digest(i.pk) not in used)
        for invite, recipient, today in each_recipient(
            waiting,
            lambda i: [(i.person_id, i.person.time_zone, i.person.email_weekdays_only)],
            now=now,
        ):
            becomes_due = self._becomes_due(invite)
            if today < becomes_due or today > invite.round.closes_on:
                continue
            yield Due(
                recipient_id=recipient[0],
                dedup_key=f"{self.name}:{invite.pk}",
                becomes_due=becomes_due,
                last_day=invite.round.closes_on,
                time_zone=recipient[1],
                weekdays_only=recipient[2],
                program_id=invite.round.pairing.program_id,
                subject_type_id=subject_type,
                subject_id=invite.pk,
            )

    def load(self, notifications: Sequence[Notification]) -> dict[int, dict[str, Any] | None]:
        """Wanted while the round takes answers and the link is unused."""
        invites = _open_invites().in_bulk({row.subject_id for row in notifications})
        used = _used_digests(list(invites.values()))
        contexts: dict[int, dict[str, Any] | None] = {}
        for row in notifications:
            invite = invites.get(row.subject_id or 0)
            if (
                invite is None
                or services.invite_digest(invite.pk) in used
                or not services.round_takes_answers(invite.round)
            ):
                contexts[row.pk] = None
                continue
            contexts[row.pk] = {
                "manager": invite.round.pairing.mentee,
                "round": invite.round,
                "statements": len(STATEMENTS),
                "answer_url": links.upward_url(invite_id=invite.pk),
            }
        return contexts


class UpwardInvitation(_UpwardKind):
    """A report is asked about their manager when a round opens."""

    name = "upward_invite"
    label = "Feedback for your manager"
    description = (
        "When someone you report to in their first months as a manager asks their team for "
        "anonymous feedback (twice in 90 days)."
    )
    template = "upward_invite"

    def _becomes_due(self, invite: FeedbackInvite) -> dt.date:
        return invite.round.opened_on


class UpwardReminder(_UpwardKind):
    """One reminder, four days before the round closes, to those who have
    neither answered nor declined."""

    name = "upward_reminder"
    label = "Feedback for your manager: a reminder"
    description = (
        "Once, four days before a round of feedback for your manager closes, "
        "if you have not answered."
    )
    template = "upward_reminder"

    def _becomes_due(self, invite: FeedbackInvite) -> dt.date:
        return invite.round.closes_on - dt.timedelta(days=REMINDER_DAYS_BEFORE_CLOSE)

"""Erasing a person: HR's answer to "delete everything you hold about me".

The person stays as a row, so that every figure they are part of stays
true — their pairings, the dates and lengths of their check-ins, their
confidence pulses and self-assessment ratings, milestones done — but
nothing in the database says who they were:

- **who they were** becomes "Erased person #<id>" at an address that cannot
  receive mail; title, manager, expertise, password, second factor, API
  tokens, calendar address, email preferences, every session, and the
  addresses and browsers their sign-ins came from go; they can
  no longer sign in, run a program or be matched (their enrollments are
  withdrawn);
- **what only they wrote** goes: their private notes and reflections, where
  their weeks went (week splits, and the dashboard summary's copy), the
  comments of their end-of-pairing feedback (the rating stays);
- **every text that names them** is rewritten to the new name (name and
  address, whatever the case): what Scaffold wrote (the audit trail's
  descriptions, email subjects, the development outbox — their own mail is
  deleted —, uploaded people files and their previews, matching runs' notes,
  the Django admin's history) and what people wrote (reasons for ending or
  pausing, decisions, milestone notes, the pair's shared notes and action
  items, others' feedback and private notes); in the texts about their own
  pairings, their first or last name alone too. The texts themselves stay:
  the shared notes are their partner's record too;
- **people who reported to them** no longer have a manager set (HR sets a
  new one).

One transaction, refused while they are in an open pairing (end it first),
for oneself, and for a superuser. Rewriting reads each listed column once
(``icontains``): rare, and bounded by the tables, not by the person. The audit event it leaves
(``person.erased``) names only the new name and counts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F, Q, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from mentorship import access
from mentorship.audit.models import AuditEvent, SecurityEvent
from mentorship.audit.services import audit_record
from mentorship.checkins.models import (
    ActionItem,
    CheckIn,
    CheckInPrivateNote,
    PairingActivity,
    Reflection,
    WeekSplit,
)
from mentorship.feeds.models import CalendarFeed
from mentorship.notifications.models import (
    EmailOptOut,
    Notification,
    NotificationStatus,
    OutboxMessage,
    SignedLinkUse,
)
from mentorship.pairings.models import (
    Feedback,
    MatchingRun,
    Milestone,
    Pairing,
    PairingChangeRequest,
    PairingStatus,
)
from mentorship.people.models import ERASED_DOMAIN, ApiToken, Person, PersonImport, RecoveryCode
from mentorship.programs.models import Enrollment, EnrollmentStatus
from mentorship.upward.models import FeedbackInvite, FeedbackRound


def erased_name(person: Person) -> str:
    return f"Erased person #{person.pk}"


def erased_email(person: Person) -> str:
    return f"erased-{person.pk}@{ERASED_DOMAIN}"


@dataclass(frozen=True)
class ErasurePlan:
    """What erasing would do, for the confirmation page; ``blockers`` are
    why it cannot be done now (empty: it can)."""

    blockers: list[Blocker]
    private_notes: int
    reflections: int
    feedback_comments: int
    reports: int
    # Those who report to them (the first 50 by name), named on the page so
    # HR knows whose manager to set afterwards.
    reporting: list[Person]
    pairings_kept: int
    checkins_kept: int


@dataclass(frozen=True)
class Blocker:
    """Why erasing cannot be done now, and (if any) the page that fixes it."""

    message: str
    url: str = ""


def erasure_plan(*, person: Person, by: Person) -> ErasurePlan:
    blockers = []
    if person.is_erased:
        blockers.append(Blocker("They have already been erased."))
    if person.pk == by.pk:
        blockers.append(Blocker("You cannot erase yourself: ask someone else in HR."))
    if person.is_superuser:
        blockers.append(
            Blocker(
                "They are a superuser: take that away in the Django admin first, "
                "so that erasing them cannot lock everyone out of it."
            )
        )
    open_pairings = (
        Pairing.objects.open()
        .filter(access.member_q(person))
        .select_related("program", "mentee", "mentor")
        .order_by("pk")
    )
    for pairing in open_pairings:
        partner = pairing.mentor if pairing.mentee_id == person.pk else pairing.mentee
        todo = (
            "decline the proposal first"
            if pairing.status == PairingStatus.PROPOSED
            else "end it first"
        )
        blockers.append(
            Blocker(
                f"Their pairing with {partner.full_name} in {pairing.program.name} is "
                f"{pairing.get_status_display().lower()}: {todo}.",
                reverse("pairings:detail", args=[pairing.pk]) + "#lifecycle",
            )
        )
    pairings = Pairing.objects.filter(access.member_q(person))
    reports = Person.objects.filter(access.line_manager_q(person))
    return ErasurePlan(
        blockers=blockers,
        private_notes=CheckInPrivateNote.objects.filter(author=person).count(),
        reflections=Reflection.objects.filter(author=person).count(),
        feedback_comments=Feedback.objects.filter(author=person).exclude(comment="").count(),
        reports=reports.count(),
        reporting=list(reports.order_by("full_name", "pk")[:50]),
        pairings_kept=pairings.count(),
        checkins_kept=CheckIn.objects.filter(pairing__in=pairings).count(),
    )


def person_erase(*, person: Person, by: Person, confirm_email: str) -> dict[str, int]:
    """Erase ``person`` (see the module's docstring). ``confirm_email`` must
    be their address as typed by HR; returns what was deleted or rewritten."""
    if not access.manages_people(by):
        raise PermissionDenied("Only HR can erase a person.")
    if confirm_email.strip().lower() != person.email.lower():
        raise ValidationError({"confirm_email": f"Type their address, {person.email}, to confirm."})
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        plan = erasure_plan(person=person, by=by)
        if plan.blockers:
            raise ValidationError({"confirm_email": [b.message for b in plan.blockers]})
        old = [value for value in (person.email, person.full_name) if len(value) >= 4]
        old_name = person.full_name
        new_name, new_email = erased_name(person), erased_email(person)
        done: dict[str, int] = {
            "private_notes": CheckInPrivateNote.objects.filter(author=person).delete()[0],
            "reflections": Reflection.objects.filter(author=person).delete()[0],
            # How their weeks went, as they said it: theirs alone to keep.
            "week_splits": WeekSplit.objects.filter(pairing__mentee=person).delete()[0],
            "feedback_comments": Feedback.objects.filter(author=person)
            .exclude(comment="")
            .update(comment=""),
            "api_tokens": ApiToken.objects.filter(person=person).delete()[0],
            # What their own reports said of them as a manager (rounds,
            # answers, comments); and that they were asked about theirs.
            "upward_rounds": FeedbackRound.objects.filter(pairing__mentee=person)
            .delete()[1]
            .get("upward.FeedbackRound", 0),
            "upward_invitations": FeedbackInvite.objects.filter(person=person).delete()[0],
        }
        # ...and the summary's copy of the newest one.
        PairingActivity.objects.filter(pairing__mentee=person).update(
            latest_split_week=None, latest_individual_share=None
        )
        RecoveryCode.objects.filter(person=person).delete()
        TOTPDevice.objects.filter(user=person).delete()
        CalendarFeed.objects.filter(person=person).delete()
        EmailOptOut.objects.filter(person=person).delete()
        SignedLinkUse.objects.filter(person=person).delete()
        # The security log keeps what happened to the account, and when; not
        # from where, nor on what device.
        SecurityEvent.objects.filter(person=person).update(client_ip="", user_agent="")
        done["outbox_messages"] = OutboxMessage.objects.filter(
            to_email__iexact=person.email
        ).delete()[0]
        Notification.objects.filter(recipient=person, status=NotificationStatus.PENDING).update(
            status=NotificationStatus.CANCELLED
        )
        Notification.objects.filter(recipient=person).update(email_subject="", last_error="")
        done["enrollments_withdrawn"] = Enrollment.objects.filter(
            person=person, status=EnrollmentStatus.ACTIVE
        ).update(
            status=EnrollmentStatus.WITHDRAWN, withdrawn_at=timezone.now(), withdrawn_reason=""
        )
        Enrollment.objects.filter(person=person).update(withdrawn_reason="")
        access.named_admins().filter(person_id=person.pk).delete()
        done["reports_unlinked"] = Person.objects.filter(access.line_manager_q(person)).update(
            manager=None
        )

        person.email = new_email
        person.full_name = new_name
        person.title = ""
        person.manager = None
        person.is_active = False
        person.is_staff = False
        person.is_hr = False
        person.invited_at = None
        person.two_factor_since = None
        person.last_login = None
        person.set_unusable_password()
        person.save()
        person.expertise.clear()
        person.groups.clear()
        person.user_permissions.clear()
        # Every session of theirs ends (see Person.get_session_auth_hash).
        Person.objects.filter(pk=person.pk).update(session_epoch=F("session_epoch") + 1)

        done["texts_rewritten"] = _rewrite_everywhere(old, new_name) + _rewrite_their_pairings(
            person, old_name, new_name
        )
        audit_record(actor=by, action="person.erased", target=person, data={"counts": dict(done)})
    return done


# --------------------------------------------------------------------------
# Rewriting what Scaffold wrote that names them. Each column is searched in
# the database first (text, or JSON read as text), then rewritten in Python.

_TEXT_COLUMNS: list[tuple[type[models.Model], tuple[str, ...]]] = [
    # What people wrote: a reason, a decision, a note may name them.
    (Pairing, ("close_reason",)),
    (PairingChangeRequest, ("reason", "decision_note")),
    (Enrollment, ("withdrawn_reason",)),
    (Milestone, ("note",)),
    (CheckIn, ("shared_notes",)),
    (CheckInPrivateNote, ("body",)),
    (ActionItem, ("text",)),
    (Feedback, ("comment",)),
    # What Scaffold wrote.
    (AuditEvent, ("target_repr",)),
    (Notification, ("email_subject", "last_error")),
    (OutboxMessage, ("subject", "body_text", "body_html")),
    (MatchingRun, ("error",)),
    (PersonImport, ("failure",)),
    (LogEntry, ("object_repr", "change_message")),
]
_JSON_COLUMNS: list[tuple[type[models.Model], tuple[str, ...]]] = [
    (AuditEvent, ("data",)),
    (MatchingRun, ("unmatched",)),
    (Pairing, ("match_explanation",)),
    (PersonImport, ("summary", "errors", "preview", "mentees_without_focus")),
]


def _spellings(values: Iterable[str]) -> list[str]:
    """Each value as stored in text, and as JSON writes it (escaped)."""
    found: list[str] = []
    for value in values:
        for spelling in (value, json.dumps(value)[1:-1]):
            if spelling not in found:
                found.append(spelling)
    return found


def _walk(value: Any, old: list[str], new: str) -> Any:
    if isinstance(value, str):
        return _replace_any_case(value, old, new)
    if isinstance(value, list):
        return [_walk(item, old, new) for item in value]
    if isinstance(value, dict):
        return {_walk(k, old, new): _walk(v, old, new) for k, v in value.items()}
    return value


def _rewrite_everywhere(old: list[str], new: str) -> int:
    if not old:
        return 0
    spellings = _spellings(old)
    changed = 0
    for model, fields in _TEXT_COLUMNS:
        for field in fields:
            match = Q()
            for spelling in old:
                match |= Q(**{f"{field}__icontains": spelling})
            for row in model._default_manager.filter(match).only("pk", field):
                setattr(row, field, _replace_any_case(getattr(row, field), old, new))
                row.save(update_fields=[field])
                changed += 1
    for model, fields in _JSON_COLUMNS:
        for field in fields:
            text = f"_{field}_text"
            match = Q()
            for spelling in spellings:
                match |= Q(**{f"{text}__icontains": spelling})
            rows = model._default_manager.annotate(**{text: Cast(field, TextField())}).filter(match)
            for row in rows.only("pk", field):
                setattr(row, field, _walk(getattr(row, field), old, new))
                row.save(update_fields=[field])
                changed += 1
    # The people files as uploaded: few, and bytes, so read in Python.
    needles = [value.encode().lower() for value in old]
    for upload in PersonImport.objects.only("pk", "content"):
        content = bytes(upload.content)
        if any(needle in content.lower() for needle in needles):
            text = content.decode("utf-8", errors="replace")
            upload.content = _replace_any_case(text, old, new).encode()
            upload.save(update_fields=["content"])
            changed += 1
    return changed


# The texts about one pairing, where a first or last name alone ("Tariq left
# the company") means one of the pair: there, each part of the name is
# replaced too, as a whole word and as written (so "Will" the person, not
# "will" the verb).
_PAIRING_TEXTS: list[tuple[type[models.Model], str, tuple[str, ...]]] = [
    (Pairing, "pk", ("close_reason",)),
    (PairingChangeRequest, "pairing_id", ("reason", "decision_note")),
    (Milestone, "pairing_id", ("note",)),
    (CheckIn, "pairing_id", ("shared_notes",)),
    (CheckInPrivateNote, "checkin__pairing_id", ("body",)),
    (ActionItem, "pairing_id", ("text",)),
    (Feedback, "pairing_id", ("comment",)),
]


def _rewrite_their_pairings(person: Person, full_name: str, new: str) -> int:
    parts = [part for part in re.split(r"\s+", full_name.strip()) if len(part) >= 2]
    if not parts:
        return 0
    words = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in parts) + r")\b")
    pairings = list(Pairing.objects.filter(access.member_q(person)).values_list("pk", flat=True))
    changed = 0
    for model, path, fields in _PAIRING_TEXTS:
        for field in fields:
            match = Q()
            for part in parts:
                match |= Q(**{f"{field}__contains": part})
            rows = model._default_manager.filter(match, **{f"{path}__in": pairings})
            for row in rows.only("pk", field):
                text = getattr(row, field)
                rewritten = words.sub(new, text)
                if rewritten != text:
                    setattr(row, field, rewritten)
                    row.save(update_fields=[field])
                    changed += 1
    return changed


def _replace_any_case(text: str, old: list[str], new: str) -> str:
    """Matched whatever the case: a file may spell an address
    ``Mira@Example.com``, a subject a name in capitals."""
    for value in sorted(old, key=len, reverse=True):
        text = re.sub(re.escape(value), new, text, flags=re.IGNORECASE)
    return text

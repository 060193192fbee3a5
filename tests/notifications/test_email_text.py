"""Subjects and text bodies are plain text: what people typed arrives as
they typed it. Only the HTML body escapes it — for every kind of email."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.utils import timezone

from mentorship.agreements.services import (
    AgreementText,
    agreement_ask,
    agreement_confirm,
    agreement_write,
)
from mentorship.audit.models import SecurityEvent, SecurityEventKind
from mentorship.checkins.models import ActionItem
from mentorship.notifications.kinds import registry
from mentorship.notifications.models import Notification, NotificationStatus
from mentorship.pairings.models import Milestone, Pairing
from mentorship.plans.models import StepKind, StepOwner
from mentorship.upward.models import FeedbackInvite
from mentorship.upward.services import round_open
from tests.factories import MilestoneFactory, PairingFactory, PersonFactory, ProgramFactory
from tests.notifications.simulate import deliver_due

pytestmark = pytest.mark.django_db

# An apostrophe, an ampersand, double quotes and markup, in one word (a
# short name is the first word of a full name).
TRICKY = 'O\'Ko&"Q"<b>'
TRICKY_HTML = "O&#x27;Ko&amp;&quot;Q&quot;&lt;b&gt;"
ENTITIES = ("&#x27;", "&#39;", "&amp;", "&quot;", "&lt;", "&gt;")


def every_kind_of_email(*, recipient: Any, partner: Any, when: dt.datetime) -> dict[str, Any]:
    """One queued email of every kind, to ``recipient`` (the mentee of a
    pairing with ``partner``), due at ``when``. A kind this does not know
    fails the test that uses it, so a new kind cannot go unchecked."""
    today = timezone.localdate(when)
    monday = today - dt.timedelta(days=today.weekday())
    program = ProgramFactory.create(name=f"Program {TRICKY}", admins=[recipient])
    pairing = PairingFactory.create(
        program=program, mentee=recipient, mentor=partner, activated_at=when
    )
    assert pairing.starts_on is not None
    milestone = MilestoneFactory.create(
        pairing=pairing,
        title=f"Milestone {TRICKY}",
        description=f"Why {TRICKY}",
        owner=StepOwner.BOTH,
        due_on=today + dt.timedelta(days=2),
    )
    MilestoneFactory.create(
        pairing=pairing,
        title=f"Kickoff {TRICKY}",
        kind=StepKind.KICKOFF,
        owner=StepOwner.BOTH,
        due_on=today,
    )
    overdue = MilestoneFactory.create(
        pairing=pairing, title=f"Late {TRICKY}", due_on=today - dt.timedelta(days=1)
    )
    assessment = MilestoneFactory.create(
        pairing=pairing,
        title=f"Day-30 self-assessment {TRICKY}",
        kind=StepKind.ASSESSMENT,
        due_on=pairing.starts_on + dt.timedelta(days=30),
    )
    item = ActionItem.objects.create(
        pairing=pairing,
        text=f"Item {TRICKY}",
        owner=recipient,
        due_on=today - dt.timedelta(days=1),
    )
    event = SecurityEvent.objects.create(
        kind=SecurityEventKind.TOKEN_CREATED,
        person=recipient,
        client_ip="127.0.0.1",
        data={"token": "sc_abcd1234", "name": f"Script {TRICKY}"},
    )
    # A round of upward feedback about ``partner``, to whom the recipient reports.
    recipient.manager = partner
    recipient.save(update_fields=["manager"])
    for _ in range(2):
        PersonFactory.create(manager=partner)
    led = PairingFactory.create(program=program, mentee=partner, activated_at=when)
    round_open(
        milestone=MilestoneFactory.create(pairing=led, kind=StepKind.UPWARD, due_on=today),
        today=today,
    )
    invite = FeedbackInvite.objects.get(person=recipient)
    # The agreement with the line manager: about a pairing of someone who
    # reports to the recipient.
    report = PersonFactory.create(full_name=f"{TRICKY}report Newmanager", manager=recipient)
    agreement = agreement_ask(
        pairing=PairingFactory.create(program=program, mentee=report, activated_at=when)
    )
    assert agreement is not None
    # Written and confirmed (the review's email is about an agreed one); the
    # request's email is then no longer wanted, so it goes to a second one.
    asked_only = agreement_ask(
        pairing=PairingFactory.create(
            program=program,
            mentee=PersonFactory.create(full_name=f"{TRICKY}asked Newmanager", manager=recipient),
            activated_at=when,
        )
    )
    assert asked_only is not None
    agreement = agreement_confirm(
        agreement=agreement_write(
            agreement=agreement, by=recipient, text=AgreementText("s", "d", "h")
        ),
        by=report,
    )
    about = {
        "agreement_request": (asked_only, f"agreement_request:{asked_only.pk}"),
        "agreement_review": (agreement, f"agreement_review:{agreement.pk}:{recipient.pk}"),
        "upward_invite": (invite, f"upward_invite:{invite.pk}"),
        "upward_reminder": (invite, f"upward_reminder:{invite.pk}"),
        "milestone_due_soon": (milestone, f"milestone_due_soon:{milestone.pk}:{recipient.pk}"),
        "milestone_overdue": (overdue, f"milestone_overdue:{overdue.pk}:{recipient.pk}:1"),
        "pairing_welcome": (pairing, f"pairing_welcome:{pairing.pk}:{recipient.pk}"),
        "pairing_feedback": (pairing, f"pairing_feedback:{pairing.pk}:{recipient.pk}"),
        "checkin_nudge": (
            pairing,
            f"checkin_nudge:{pairing.pk}:{recipient.pk}:{pairing.starts_on}:1",
        ),
        "assessment_due": (assessment, f"assessment_due:{assessment.pk}:{recipient.pk}"),
        "action_item_overdue": (item, f"action_item_overdue:{item.pk}:{recipient.pk}"),
        "week_split_ask": (pairing, f"week_split_ask:{pairing.pk}:{recipient.pk}:{monday}"),
        "weekly_digest": (program, f"weekly_digest:{program.pk}:{recipient.pk}:{today}"),
        "invitation": (None, f"invitation:{recipient.pk}:test"),
        "password_reset": (None, f"password_reset:{recipient.pk}:test"),
        "account_changed": (event, f"account_changed:{event.pk}"),
    }
    unknown = set(registry()) - set(about)
    assert not unknown, f"Add the new kinds to every_kind_of_email: {sorted(unknown)}"
    # Invited, and not signed in yet: the invitation still makes sense.
    recipient.set_unusable_password()
    recipient.last_login = None
    recipient.save()
    rows = {}
    for kind, (subject, key) in about.items():
        rows[kind] = Notification.objects.create(
            kind=kind,
            recipient=recipient,
            dedup_key=key,
            send_after=when,
            program=program if subject is not None and subject != event else None,
            pairing=pairing if isinstance(subject, Milestone | Pairing | ActionItem) else None,
            subject_type=ContentType.objects.get_for_model(subject) if subject else None,
            subject_id=subject.pk if subject else None,
        )
    return rows


def test_every_kind_of_email_carries_typed_text_verbatim_except_in_html() -> None:
    now = timezone.now()
    recipient = PersonFactory.create(full_name=f"{TRICKY} Mentee", email="tricky@scaffold.test")
    partner = PersonFactory.create(full_name=f"{TRICKY}partner Mentor", title=f"Lead {TRICKY}")
    rows = every_kind_of_email(recipient=recipient, partner=partner, when=now)

    deliver_due(now)

    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}
    by_id = {m.extra_headers["Message-ID"]: m for m in mail.outbox}
    for kind, row in rows.items():
        row.refresh_from_db()
        message = by_id[row.message_id]
        text = str(message.body)
        html = str(message.alternatives[0][0])  # type: ignore[attr-defined]
        # The recipient's name (a greeting) is in every email.
        assert f"{TRICKY}" in text, kind
        assert not any(entity in text for entity in ENTITIES), (kind, text)
        assert not any(entity in message.subject for entity in ENTITIES), (kind, message.subject)
        assert row.email_subject == message.subject
        assert TRICKY not in html, kind
        assert TRICKY_HTML in html, kind
    subjects = {kind: by_id[row.message_id].subject for kind, row in rows.items()}
    assert subjects["milestone_due_soon"].endswith(f": Milestone {TRICKY}")
    assert subjects["milestone_overdue"].startswith(f"Overdue: Late {TRICKY} (was due")
    assert subjects["pairing_welcome"] == f"Meet your mentor, {TRICKY}partner Mentor"
    assert subjects["pairing_feedback"] == (
        f"How did your mentoring with {TRICKY}partner Mentor go?"
    )
    assert subjects["checkin_nudge"] == f"Time for a check-in with {TRICKY}partner Mentor"
    assert subjects["assessment_due"] == (
        f"Day-30 self-assessment {TRICKY}: how confident do you feel?"
    )
    assert subjects["upward_invite"] == (
        f"{TRICKY}partner Mentor asks for your feedback, anonymously"
    )
    assert subjects["upward_reminder"].startswith(f"Feedback for {TRICKY}partner Mentor closes on ")
    assert subjects["agreement_request"] == (
        f"{TRICKY}asked Newmanager is new to managing: agree on what success looks like"
    )
    assert subjects["agreement_review"] == (
        f"How did it go? The agreement with {TRICKY}report Newmanager"
    )
    assert subjects["weekly_digest"].startswith(f"Program {TRICKY} this week:")
    welcome = str(by_id[rows["pairing_welcome"].message_id].body)
    assert f"Welcome to Program {TRICKY}." in welcome
    assert f"{TRICKY}partner Mentor, Lead {TRICKY}" in welcome
    assert f"First: Kickoff {TRICKY}" in welcome
    overdue_item = str(by_id[rows["action_item_overdue"].message_id].body)
    assert f"Item {TRICKY}" in overdue_item
    # The footer says when the kind comes: as it happens, or at 09:00.
    assert "emails from Scaffold when it happens." in welcome
    assert "at 09:00 your time" in overdue_item

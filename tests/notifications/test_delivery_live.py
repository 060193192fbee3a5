"""End to end on real infrastructure: a Celery worker process on real Redis
sends reminders to a real SMTP server, and the links in them work."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mentorship.notifications.models import Notification, NotificationStatus
from mentorship.notifications.services import notifications_dispatch, notifications_sweep
from mentorship.pairings.models import MilestoneStatus
from mentorship.pairings.services.lifecycle import pairing_activate, pairing_propose
from mentorship.plans.models import StepOwner
from tests.factories import MilestoneFactory, PairingFactory, PersonFactory, ProgramFactory
from tests.fixtures.celery_worker import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def body_of(message: Any) -> str:
    return str(message.get_body(preferencelist=("plain",)).get_content())


def test_due_milestones_become_emails_whose_done_link_works(
    celery_worker_factory: Any, smtp_server: Any, client: Client, settings: Any
) -> None:
    program = ProgramFactory.create(reminder_lead_days=3)
    mentee = PersonFactory.create(
        email="amira@scaffold.test", full_name="Amira Haddad", time_zone="Europe/Berlin"
    )
    mentor = PersonFactory.create(
        email="kofi@scaffold.test", full_name="Kofi Osei", time_zone="Asia/Kolkata"
    )
    pairing = PairingFactory.create(program=program, mentee=mentee, mentor=mentor)
    due_on = timezone.localdate() + dt.timedelta(days=2)
    milestone = MilestoneFactory.create(
        pairing=pairing,
        due_on=due_on,
        owner=StepOwner.BOTH,
        title="A delegation experiment",
        description="Pick one decision and delegate it fully.",
    )
    celery_worker_factory(extra_env=smtp_server.env())

    notifications_sweep()
    queued = list(Notification.objects.all())
    assert {n.recipient_id for n in queued} == {mentee.pk, mentor.pk}
    # Each goes out at 09:00 in its recipient's zone; claim as a worker would then.
    notifications_dispatch(due_by=max(n.send_after for n in queued))

    messages = wait_for(lambda: len(smtp_server.messages) == 2 and smtp_server.messages)
    by_recipient = {m["To"]: m for m in messages}
    assert set(by_recipient) == {"amira@scaffold.test", "kofi@scaffold.test"}
    to_mentee = by_recipient["amira@scaffold.test"]
    assert to_mentee["Subject"] == f"Coming up {due_on:%A %-d %B}: A delegation experiment"
    assert to_mentee["Message-ID"] == Notification.objects.get(recipient=mentee).message_id
    assert to_mentee["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = body_of(to_mentee)
    assert "Hello Amira" in text
    assert "Pick one decision and delegate it fully." in text
    assert "your plan with Kofi Osei" in text
    wait_for(lambda: Notification.objects.filter(status=NotificationStatus.SENT).count() == 2)

    done = re.search(
        re.escape(settings.SITE_URL) + r"(/pairings/email/\S+/)", text.split("Snooze")[0]
    )
    assert done is not None
    assert client.get(done.group(1)).status_code == 200
    client.post(done.group(1))
    milestone.refresh_from_db()
    assert (milestone.status, milestone.completed_by) == (MilestoneStatus.DONE, mentee)


def test_a_new_pairing_welcomes_both_with_the_kickoff(
    celery_worker_factory: Any, smtp_server: Any, personas_live: Any
) -> None:
    program, mentee, mentor = personas_live
    celery_worker_factory(extra_env=smtp_server.env())

    pairing = pairing_activate(
        pairing=pairing_propose(program=program, mentee=mentee, mentor=mentor, by=None), by=None
    )
    notifications_sweep()
    notifications_dispatch(due_by=max(n.send_after for n in Notification.objects.all()))

    def welcomes() -> list[Any]:
        found = [m for m in smtp_server.messages if "mentor" in m["Subject"].lower()]
        return found if len(found) == 2 else []

    messages = wait_for(welcomes)
    subjects = {m["To"]: m["Subject"] for m in messages}
    assert subjects == {
        mentee.email: f"Meet your mentor, {mentor.full_name}",
        mentor.email: f"You are now mentoring {mentee.full_name}",
    }
    assert all("Kickoff" in body_of(m) for m in messages)
    assert pairing.milestones.exists()


@pytest.fixture
def personas_live(db: None) -> Any:
    """A program with a plan, a mentee and a mentor, enrolled."""
    from mentorship.plans.models import StepKind
    from mentorship.plans.services import StepSpec, plan_create
    from mentorship.programs.models import EnrollmentRole
    from mentorship.programs.services.enrollments import enrollment_create
    from mentorship.programs.services.programs import program_activate, program_create

    plan = plan_create(
        name="Live plan",
        by=None,
        steps=[
            StepSpec(title="Kickoff", offset_days=0, kind=StepKind.KICKOFF, owner=StepOwner.BOTH),
            StepSpec(title="First 1:1s", offset_days=7),
        ],
    )
    today = timezone.localdate()
    program = program_create(
        name="Live program",
        starts_on=today,
        ends_on=today + dt.timedelta(days=120),
        plan=plan,
        by=None,
    )
    program_activate(program=program, by=None)
    mentee = PersonFactory.create(time_zone="America/New_York")
    mentor = PersonFactory.create(time_zone="Europe/Berlin")
    enrollment_create(program=program, person=mentee, role=EnrollmentRole.MENTEE, by=None)
    enrollment_create(program=program, person=mentor, role=EnrollmentRole.MENTOR, by=None)
    return program, mentee, mentor

"""An audit event is written in the same transaction as its change: a change
that fails leaves no event, and an event that cannot be written undoes the
change — so the trail never lacks a change, nor tells of one that did not
happen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models.signals import post_save

from mentorship.audit.models import AuditEvent
from mentorship.checkins.models import ActionItem, CheckIn, CheckInPrivateNote
from mentorship.checkins.services import ActionItemSpec, checkin_log
from mentorship.core.timezones import today_for
from mentorship.feeds.models import CalendarFeed
from mentorship.feeds.services import calendar_feed_issue
from mentorship.notifications.models import EmailOptOut
from mentorship.notifications.services import email_opt_out, email_preferences_update
from mentorship.pairings.models import Milestone, Pairing
from mentorship.pairings.services.lifecycle import pairing_pause
from mentorship.pairings.services.milestones import milestone_complete
from mentorship.people.models import ApiToken, Person
from mentorship.people.services import api_token_create, person_invite
from mentorship.plans.models import OnboardingPlan, PlanStep
from mentorship.plans.services import StepSpec, plan_create
from mentorship.programs.models import Enrollment
from mentorship.programs.services.enrollments import enrollment_update
from tests.factories import EnrollmentFactory
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


class AuditWriteError(Exception):
    pass


@contextmanager
def audit_writes_fail() -> Iterator[None]:
    """Fails every audit event just after its row is written: whatever the
    service changed before must go with it."""

    def fail(**kwargs: Any) -> None:
        raise AuditWriteError

    post_save.connect(fail, sender=AuditEvent, dispatch_uid="audit-writes-fail")
    try:
        yield
    finally:
        post_save.disconnect(sender=AuditEvent, dispatch_uid="audit-writes-fail")


def mentor_enrollment(p: Personas) -> Enrollment:
    return Enrollment.objects.get(person=p.mentor, role="mentor")


def first_milestone(p: Personas) -> Milestone:
    milestone = p.pairing.milestones.order_by("position").first()
    assert milestone is not None
    return milestone


def log_checkin(p: Personas) -> None:
    checkin_log(
        pairing=p.pairing,
        by=p.mentee,
        occurred_on=today_for(p.mentee),
        duration_minutes=30,
        private_note="Mine",
        action_items=[ActionItemSpec(text="Book the room", owner=p.mentee)],
    )


# (a change through a service, what it changes in the database)
CHANGES: dict[str, tuple[Callable[[Personas], object], Callable[[Personas], object]]] = {
    "programs: a capacity": (
        lambda p: enrollment_update(enrollment=mentor_enrollment(p), by=p.mentor, capacity=3),
        lambda p: mentor_enrollment(p).capacity,
    ),
    "pairings: a pause": (
        lambda p: pairing_pause(pairing=p.pairing, by=p.program_admin, reason="Leave"),
        lambda p: Pairing.objects.get(pk=p.pairing.pk).status,
    ),
    "pairings: a milestone": (
        lambda p: milestone_complete(milestone=first_milestone(p), by=p.mentee, note="Done"),
        lambda p: list(Milestone.objects.values_list("status", "note").order_by("pk")),
    ),
    "checkins: a check-in": (
        log_checkin,
        lambda p: (
            CheckIn.objects.count(),
            CheckInPrivateNote.objects.count(),
            ActionItem.objects.count(),
        ),
    ),
    "plans: a plan": (
        lambda p: plan_create(
            name="Leads", by=p.hr, steps=[StepSpec(title="Kickoff", offset_days=0)]
        ),
        lambda p: (OnboardingPlan.objects.count(), PlanStep.objects.count()),
    ),
    "people: an API token": (
        lambda p: api_token_create(person=p.mentee, name="laptop"),
        lambda p: ApiToken.objects.count(),
    ),
    "feeds: a calendar feed": (
        lambda p: calendar_feed_issue(person=p.mentee),
        lambda p: CalendarFeed.objects.count(),
    ),
    "notifications: email preferences": (
        lambda p: email_preferences_update(person=p.mentee, enabled_kinds=[], weekdays_only=True),
        lambda p: (
            EmailOptOut.objects.count(),
            Person.objects.get(pk=p.mentee.pk).email_weekdays_only,
        ),
    ),
    "notifications: an unsubscribe link": (
        lambda p: email_opt_out(person=p.mentee, kind="checkin_nudge"),
        lambda p: EmailOptOut.objects.count(),
    ),
}

# Known gaps in the application, each a test that fails until it is fixed.
GAPS: dict[str, str] = {}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=GAPS[name]))
        if name in GAPS
        else name
        for name in CHANGES
    ],
)
def test_a_change_and_its_audit_event_stand_or_fall_together(personas: Personas, name: str) -> None:
    change, state = CHANGES[name]
    before, events = state(personas), AuditEvent.objects.count()

    with audit_writes_fail(), pytest.raises(AuditWriteError):
        change(personas)
    assert state(personas) == before, "the change outlived its failed audit event"
    assert AuditEvent.objects.count() == events

    # The same change, with the trail working: it happens, and is audited.
    change(personas)
    assert state(personas) != before
    assert AuditEvent.objects.count() > events


def test_a_refused_change_leaves_no_event(personas: Personas) -> None:
    pairing_pause(pairing=personas.pairing, by=personas.program_admin, reason="Leave")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        enrollment_update(enrollment=mentor_enrollment(personas), by=personas.mentor, capacity=0)
    with pytest.raises(ValidationError):
        pairing_pause(pairing=personas.pairing, by=personas.program_admin, reason="Again")
    assert AuditEvent.objects.count() == events
    assert mentor_enrollment(personas).capacity is None


def test_an_invitation_is_queued_only_with_its_audit_event(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    newcomer = EnrollmentFactory.create(program=personas.program).person
    with (
        django_capture_on_commit_callbacks(execute=False) as queued,
        audit_writes_fail(),
        pytest.raises(AuditWriteError),
    ):
        person_invite(person=newcomer, by=personas.program_admin)
    assert queued == [], "an invitation went out without its audit event"

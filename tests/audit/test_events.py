"""What one audit event records: who acted (none for the system), the action,
the object acted on, its program, and structure only in ``data`` — written
by ``audit_record`` and, through it, by the services of every app."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from mentorship.audit.models import AuditEvent
from mentorship.audit.services import audit_record
from mentorship.checkins.models import CheckIn
from mentorship.checkins.services import ActionItemSpec, checkin_log
from mentorship.core.timezones import today_for
from mentorship.feeds.services import calendar_feed_issue
from mentorship.pairings.models import Pairing
from mentorship.pairings.services.lifecycle import pairing_pause, pairings_complete_past_end
from mentorship.pairings.services.milestones import milestone_complete
from mentorship.people.models import ApiToken
from mentorship.people.services import api_token_create
from mentorship.plans.models import OnboardingPlan
from mentorship.plans.services import StepSpec, plan_create
from mentorship.programs.models import Enrollment
from mentorship.programs.services.enrollments import enrollment_update
from tests.fixtures.personas import Personas

pytestmark = pytest.mark.django_db


def only(action: str) -> AuditEvent:
    return AuditEvent.objects.get(action=action)


def is_about(event: AuditEvent, target: models.Model) -> bool:
    return (event.target_type, event.target_id, event.target_repr) == (
        ContentType.objects.get_for_model(target),
        str(target.pk),
        str(target),
    )


@pytest.mark.clock("2027-05-04T10:00:00Z")
def test_audit_record_writes_who_did_what_to_which_object_where_and_when(
    personas: Personas,
) -> None:
    event = audit_record(
        actor=personas.hr,
        action="program.looked_at",
        target=personas.program,
        program=personas.program,
        data={"pairings": 2},
    )
    event.refresh_from_db()
    assert event.actor == personas.hr
    assert event.action == "program.looked_at"
    assert is_about(event, personas.program)
    assert event.program == personas.program
    assert event.data == {"pairings": 2}
    assert event.at == dt.datetime(2027, 5, 4, 10, 0, tzinfo=dt.UTC)
    assert str(event) == "2027-05-04 10:00 program.looked_at Test program"


def test_nobody_signed_in_and_the_system_are_no_actor(personas: Personas) -> None:
    anonymous = audit_record(actor=AnonymousUser(), action="x.seen", target=personas.program)
    system = audit_record(actor=None, action="x.seen", target=personas.program)
    assert anonymous.actor is None
    assert system.actor is None
    assert system.program is None
    assert system.data == {}


def test_the_target_is_named_in_at_most_200_characters(personas: Personas) -> None:
    personas.program.name = "N" * 250
    event = audit_record(actor=None, action="x.seen", target=personas.program)
    assert event.target_repr == "N" * 200


def test_the_trail_reads_newest_first(personas: Personas) -> None:
    older = audit_record(actor=None, action="x.first", target=personas.program)
    newer = audit_record(actor=None, action="x.second", target=personas.program)
    AuditEvent.objects.filter(pk=older.pk).update(at=timezone.now() - dt.timedelta(minutes=1))
    assert list(AuditEvent.objects.filter(action__startswith="x."))[:2] == [newer, older]


# --------------------------------------------------------------------------
# Representative actions, one or two per app


def test_a_mentor_changing_their_capacity(personas: Personas) -> None:
    enrollment = Enrollment.objects.get(person=personas.mentor, role="mentor")
    enrollment_update(enrollment=enrollment, by=personas.mentor, capacity=3)
    event = only("enrollment.updated")
    assert event.actor == personas.mentor
    assert is_about(event, enrollment)
    assert event.program == personas.program
    assert event.data == {"person": personas.mentor.pk, "fields": ["capacity"]}


def test_a_program_admin_pausing_a_pairing(personas: Personas) -> None:
    pairing_pause(pairing=personas.pairing, by=personas.program_admin, reason="Parental leave")
    event = only("pairing.paused")
    assert event.actor == personas.program_admin
    assert is_about(event, Pairing.objects.get(pk=personas.pairing.pk))
    assert event.program == personas.program
    assert event.data == {"from": "active", "to": "paused"}


def test_the_beat_completing_a_pairing_past_its_last_day(personas: Personas) -> None:
    Pairing.objects.filter(pk=personas.pairing.pk).update(
        ends_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert pairings_complete_past_end() == 1
    event = only("pairing.completed")
    assert event.actor is None
    assert event.target_id == str(personas.pairing.pk)
    assert event.program == personas.program
    assert event.data == {"from": "active", "to": "completed", "outcome": ""}


def test_a_mentee_completing_a_milestone_with_a_note(personas: Personas) -> None:
    milestone = personas.pairing.milestones.order_by("position").first()
    assert milestone is not None
    milestone_complete(milestone=milestone, by=personas.mentee, note="Went well")
    event = only("milestone.completed")
    assert event.actor == personas.mentee
    assert is_about(event, milestone)
    assert event.program == personas.program
    assert event.data == {"pairing": personas.pairing.pk, "has_note": True}


def test_a_mentee_logging_a_check_in(personas: Personas) -> None:
    checkin = checkin_log(
        pairing=personas.pairing,
        by=personas.mentee,
        occurred_on=today_for(personas.mentee),
        duration_minutes=30,
        action_items=[ActionItemSpec(text="Book the room", owner=personas.mentee)],
    )
    event = only("checkin.logged")
    assert event.actor == personas.mentee
    assert is_about(event, CheckIn.objects.get(pk=checkin.pk))
    assert event.program == personas.program
    assert event.data == {
        "pairing": personas.pairing.pk,
        "action_items_added": 1,
        "action_items_closed": 0,
        "week_split": False,
    }


def test_issuing_a_calendar_feed_and_replacing_it(personas: Personas) -> None:
    calendar_feed_issue(person=personas.mentee)
    calendar_feed_issue(person=personas.mentee)
    first, second = AuditEvent.objects.filter(action="calendar_feed.issued").order_by("id")
    assert first.actor == personas.mentee
    assert is_about(first, personas.mentee)
    assert first.program is None
    assert (first.data, second.data) == ({"replaced": False}, {"replaced": True})


def test_creating_an_api_token_names_it_by_its_prefix_only(personas: Personas) -> None:
    token, raw = api_token_create(person=personas.mentee, name="laptop")
    event = only("api_token.created")
    assert event.actor == personas.mentee
    assert is_about(event, ApiToken.objects.get(pk=token.pk))
    assert event.target_repr == f"{token.prefix}… (laptop)"
    assert raw not in str(event)
    assert event.data == {}


def test_hr_creating_a_plan(personas: Personas) -> None:
    plan = plan_create(
        name="Leads",
        by=personas.hr,
        steps=[StepSpec(title="Kickoff", offset_days=0), StepSpec(title="1:1s", offset_days=7)],
    )
    event = AuditEvent.objects.get(action="plan.created", target_id=str(plan.pk))
    assert event.actor == personas.hr
    assert is_about(event, OnboardingPlan.objects.get(pk=plan.pk))
    assert event.program is None
    assert event.data == {"steps": 2}

"""No N+1: every list runs the same number of queries for 1 row and for 50,
and shows all 50."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from mentorship.pairings.models import PairingStatus
from mentorship.programs.models import EnrollmentRole
from tests.factories import (
    CheckInFactory,
    DepartmentFactory,
    EnrollmentFactory,
    PairingFactory,
    PersonFactory,
    PlanFactory,
    PlanStepFactory,
    ProgramFactory,
    competency,
)
from tests.fixtures.personas import Personas
from tests.helpers import api_rows, assert_constant_queries, occurrences

pytestmark = pytest.mark.django_db


# A page of an API list large enough for every grown row.
ALL = "page_size=200"


def visit(client: Any, url: str) -> Callable[[], Any]:
    return lambda: client.get(url)


def test_people(personas: Personas, client_for: Any) -> None:
    skills = [competency("coaching-and-feedback"), competency("conflict-resolution")]

    def grow(n: int) -> None:
        for _ in range(n):
            PersonFactory.create(expertise=skills)

    assert_constant_queries(
        visit(client_for(personas.hr), f"/api/v1/people/?{ALL}"),
        grow,
        served=api_rows,
        at_most=6,
    )


def test_programs(personas: Personas, client_for: Any) -> None:
    def grow(n: int) -> None:
        for _ in range(n):
            ProgramFactory.create(admins=[personas.program_admin, personas.hr])

    assert_constant_queries(
        visit(client_for(personas.hr), f"/api/v1/programs/?{ALL}"),
        grow,
        served=api_rows,
        at_most=6,
    )


def test_plans(personas: Personas, client_for: Any) -> None:
    def grow(n: int) -> None:
        for _ in range(n):
            PlanStepFactory.create_batch(
                3, plan=PlanFactory.create(), competency=competency("coaching-and-feedback")
            )

    def steps(response: Any) -> int:
        api_rows(response)
        return sum(len(plan["steps"]) for plan in response.json()["results"])

    assert_constant_queries(
        visit(client_for(personas.hr), f"/api/v1/plans/?{ALL}"),
        grow,
        served=steps,
        per_unit=3,
        at_most=6,
    )


def test_departments(personas: Personas, client_for: Any) -> None:
    assert_constant_queries(
        visit(client_for(personas.mentee), f"/api/v1/departments/?{ALL}"),
        DepartmentFactory.create_batch,
        served=api_rows,
        at_most=4,
    )


def test_tokens(personas: Personas, client_for: Any) -> None:
    from mentorship.people.services import api_token_create

    def grow(n: int) -> None:
        for _ in range(n):
            api_token_create(person=personas.mentee, name="t")

    assert_constant_queries(
        visit(client_for(personas.mentee), f"/api/v1/auth/tokens/?{ALL}"),
        grow,
        served=api_rows,
        at_most=4,
    )


def test_home_for_a_mentor_with_many_mentees(personas: Personas, client: Any) -> None:
    def grow(n: int) -> None:
        for _ in range(n):
            pairing = PairingFactory.create(program=personas.program, mentor=personas.mentor)
            EnrollmentFactory.create(
                program=personas.program, person=pairing.mentee, role=EnrollmentRole.MENTEE
            )

    client.force_login(personas.mentor)
    assert_constant_queries(
        visit(client, "/"), grow, served=occurrences('<td><a href="/pairings/'), at_most=8
    )


def test_home_for_hr_with_many_programs(personas: Personas, client: Any) -> None:
    def grow(n: int) -> None:
        for _ in range(n):
            program = ProgramFactory.create()
            PairingFactory.create(program=program, status=PairingStatus.ACTIVE)

    client.force_login(personas.hr)
    assert_constant_queries(
        visit(client, "/"), grow, served=occurrences('/people/">People</a>'), at_most=8
    )


def test_home_for_a_line_manager_with_many_reports(personas: Personas, client: Any) -> None:
    def grow(n: int) -> None:
        for _ in range(n):
            report = PersonFactory.create(manager=personas.line_manager)
            EnrollmentFactory.create(
                program=personas.program, person=report, role=EnrollmentRole.MENTEE
            )
            PairingFactory.create(program=personas.program, mentee=report)

    client.force_login(personas.line_manager)
    assert_constant_queries(
        visit(client, "/"), grow, served=occurrences('<td><a href="/pairings/'), at_most=8
    )


def test_milestones(personas: Personas, client_for: Any) -> None:
    from tests.factories import MilestoneFactory

    def grow(n: int) -> None:
        for _ in range(n):
            MilestoneFactory.create(
                pairing=personas.pairing, competency=competency("coaching-and-feedback")
            )

    assert_constant_queries(
        visit(
            client_for(personas.mentee), f"/api/v1/milestones/?pairing={personas.pairing.pk}&{ALL}"
        ),
        grow,
        served=api_rows,
        at_most=6,
    )


def test_notifications(personas: Personas, client_for: Any) -> None:
    import datetime as dt

    from mentorship.notifications.models import Notification

    def grow(n: int) -> None:
        for _ in range(n):
            person = PersonFactory.create()
            Notification.objects.create(
                kind="pairing_welcome",
                recipient=person,
                dedup_key=f"grow:{person.pk}",
                send_after=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
                program=personas.program,
            )

    assert_constant_queries(
        visit(client_for(personas.program_admin), f"/api/v1/notifications/?{ALL}"),
        grow,
        served=api_rows,
        at_most=6,
    )


def test_pairing_page(personas: Personas, client: Any) -> None:
    from mentorship.checkins.models import ActionItem
    from tests.factories import MilestoneFactory

    def grow(n: int) -> None:
        for _ in range(n):
            MilestoneFactory.create(
                pairing=personas.pairing,
                competency=competency("conflict-resolution"),
                description="Guidance",
            )
            checkin = CheckInFactory.create(pairing=personas.pairing, shared_notes="Talked")
            checkin.topics.set([competency("conflict-resolution")])
            ActionItem.objects.create(
                pairing=personas.pairing,
                created_in=checkin,
                text="Try it",
                owner=personas.mentor,
            )

    client.force_login(personas.mentee)
    assert_constant_queries(
        visit(client, f"/pairings/{personas.pairing.pk}/"),
        grow,
        # Each unit: a milestone, a check-in with its topic, and an open action item.
        served=occurrences(
            '<li id="milestone-',
            '<li id="checkin-',
            'class="badge topic"',
            'action="/action-items/',
        ),
        per_unit=4,
        at_most=13,
    )


def _emails_to(personas: Personas, recipient: Any) -> Callable[[int], None]:
    import datetime as dt

    from mentorship.notifications.models import Notification

    def grow(n: int) -> None:
        for _ in range(n):
            Notification.objects.create(
                kind="milestone_overdue",
                recipient=recipient,
                dedup_key=f"grow:{Notification.objects.count()}",
                send_after=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
                program=personas.program,
            )

    return grow


# One per row of the email log and of "Your emails".
EMAIL_ROW = "<td><time datetime="


def test_email_log(personas: Personas, client: Any) -> None:
    client.force_login(personas.hr)
    # A page of the log holds 50 emails: only the grown kind, so that all 50 show.
    assert_constant_queries(
        visit(client, "/mail/log/?kind=milestone_overdue"),
        _emails_to(personas, personas.mentee),
        served=occurrences(EMAIL_ROW),
        at_most=8,
    )


def test_my_emails(personas: Personas, client: Any) -> None:
    # Someone with no email yet, as a page of "Your emails" holds 25.
    client.force_login(personas.outsider)
    assert_constant_queries(
        visit(client, "/mail/"),
        _emails_to(personas, personas.outsider),
        served=occurrences(EMAIL_ROW),
        up_to=25,
        at_most=8,
    )


def test_plans_page(personas: Personas, client: Any) -> None:
    def grow(n: int) -> None:
        for _ in range(n):
            PlanStepFactory.create_batch(2, plan=PlanFactory.create())

    client.force_login(personas.hr)
    assert_constant_queries(
        visit(client, "/plans/"), grow, served=occurrences('<td><a href="/plans/'), at_most=8
    )


def _log_checkins(personas: Personas, n: int) -> None:
    from mentorship.checkins.selectors import plan_competencies
    from mentorship.checkins.services import ActionItemSpec, assessment_record, checkin_log
    from mentorship.core.timezones import today_for

    topics = plan_competencies(personas.pairing)
    for _ in range(n):
        checkin_log(
            pairing=personas.pairing,
            by=personas.mentee,
            occurred_on=today_for(personas.mentee),
            duration_minutes=30,
            topics=topics,
            shared_notes="Shared",
            private_note="Mine",
            action_items=[ActionItemSpec(text="Do it", owner=personas.mentor)],
        )
        assessment_record(
            pairing=personas.pairing,
            by=personas.mentee,
            occasion="ad_hoc",
            ratings=dict.fromkeys(topics, 3),
            shared_with_mentor=True,
            reflection="Why",
        )


@pytest.mark.parametrize("persona", ["mentee", "mentor", "hr"])
def test_checkins(personas: Personas, client_for: Any, persona: str) -> None:
    client = client_for(getattr(personas, persona))
    assert_constant_queries(
        visit(client, f"/api/v1/check-ins/?{ALL}"),
        lambda n: _log_checkins(personas, n),
        served=api_rows,
        at_most=9,
    )


def test_action_items(personas: Personas, client_for: Any) -> None:
    client = client_for(personas.mentor)
    assert_constant_queries(
        visit(client, f"/api/v1/action-items/?{ALL}"),
        lambda n: _log_checkins(personas, n),
        served=api_rows,
        at_most=5,
    )


@pytest.mark.parametrize("persona", ["mentee", "mentor"])
def test_assessments(personas: Personas, client_for: Any, persona: str) -> None:
    client = client_for(getattr(personas, persona))
    assert_constant_queries(
        visit(client, f"/api/v1/assessments/?{ALL}"),
        lambda n: _log_checkins(personas, n),
        served=api_rows,
        at_most=6,
    )


def test_confidence_summary(personas: Personas, client_for: Any) -> None:
    from mentorship.checkins.services import assessment_record

    rated = [competency("coaching-and-feedback"), competency("conflict-resolution")]

    # The summary counts mentees, not assessments: grow the mentees who rate.
    def grow(n: int) -> None:
        for _ in range(n):
            pairing = PairingFactory.create(program=personas.program)
            assessment_record(
                pairing=pairing,
                by=pairing.mentee,
                occasion="ad_hoc",
                ratings=dict.fromkeys(rated, 3),
            )

    def mentees_counted(response: Any) -> int:
        assert response.status_code == 200, response.content
        # Counted in a figure or left out with a department too small.
        return sum(row["mentees"] + row["left_out"] for row in response.json()["competencies"])

    client = client_for(personas.hr)
    assert_constant_queries(
        visit(client, f"/api/v1/assessments/summary/?program={personas.program.pk}"),
        grow,
        served=mentees_counted,
        per_unit=len(rated),
        at_most=6,
    )


@pytest.mark.parametrize("persona", ["mentee", "mentor"])
def test_week_splits(personas: Personas, client_for: Any, persona: str) -> None:
    import datetime as dt

    from mentorship.checkins.models import WeekSplit
    from mentorship.checkins.services import week_of
    from mentorship.core.timezones import today_for

    weeks = iter(range(60))
    this_week = week_of(today_for(personas.mentee))

    def grow(n: int) -> None:
        WeekSplit.objects.bulk_create(
            WeekSplit(
                pairing=personas.pairing,
                week_of=this_week - dt.timedelta(weeks=next(weeks)),
                individual=40,
                people=30,
                direction=20,
                other=10,
            )
            for _ in range(n)
        )

    client = client_for(getattr(personas, persona))
    assert_constant_queries(
        visit(client, f"/api/v1/week-splits/?{ALL}"),
        grow,
        served=api_rows,
        at_most=5,
    )


def _closed_rounds(pairings: list[Any], *, answers: int = 3) -> None:
    """A closed round of ``answers`` answers (all 4s, one comment each) on
    each pairing, written directly: for volume."""
    import datetime as dt

    from django.utils import timezone

    from mentorship.upward.models import (
        FeedbackComment,
        FeedbackResponse,
        FeedbackRound,
        FeedbackScore,
    )
    from mentorship.upward.statements import KEYS

    today = timezone.localdate()
    for pairing in pairings:
        number = FeedbackRound.objects.filter(pairing=pairing).count() + 1
        round_ = FeedbackRound.objects.create(
            pairing=pairing,
            number=number,
            opened_on=today - dt.timedelta(days=20),
            closes_on=today - dt.timedelta(days=11),
            closed_at=timezone.now(),
            invited_count=answers,
            min_answers=3,
        )
        responses = FeedbackResponse.objects.bulk_create(
            FeedbackResponse(round=round_) for _ in range(answers)
        )
        FeedbackScore.objects.bulk_create(
            FeedbackScore(response=r, statement=key, score=4) for r in responses for key in KEYS
        )
        FeedbackComment.objects.bulk_create(
            FeedbackComment(round=round_, question="keep", text="Clear priorities")
            for _ in range(answers)
        )


@pytest.mark.parametrize("where", ["api", "page"])
def test_upward_rounds(personas: Personas, client_for: Any, where: str) -> None:
    def grow(n: int) -> None:
        _closed_rounds([personas.pairing] * n)

    client = client_for(personas.mentee)
    if where == "api":
        assert_constant_queries(
            visit(client, "/api/v1/upward-rounds/"), grow, served=api_rows, at_most=5
        )
    else:
        assert_constant_queries(
            visit(client, f"/pairings/{personas.pairing.pk}/upward-feedback/"),
            grow,
            served=occurrences('class="upward-round"'),
            at_most=12,
        )


@pytest.mark.parametrize("where", ["api", "page"])
def test_upward_cohort(personas: Personas, client_for: Any, where: str) -> None:
    """The cohort's averages cost the same for 1 manager's round and 50."""

    def grow(n: int) -> None:
        _closed_rounds([PairingFactory.create(program=personas.program) for _ in range(n)])

    def managers(response: Any) -> int:
        assert response.status_code == 200
        if where == "api":
            body = response.json()
            return int(body["managers_round_1"]) + int(body["waiting_round_1"])
        html = response.content.decode()
        found = re.search(r"In the figures: (\d+) manager", html)
        assert found is not None
        waiting = re.search(r"Waiting for a whole group of \d+: (\d+) in round 1", html)
        return int(found.group(1)) + (int(waiting.group(1)) if waiting else 0)

    url = (
        f"/api/v1/upward-cohorts/?program={personas.program.pk}"
        if where == "api"
        else f"/insights/upward-feedback/?program={personas.program.pk}"
    )
    assert_constant_queries(visit(client_for(personas.hr), url), grow, served=managers, at_most=12)


@pytest.mark.parametrize("persona", ["line_manager", "hr"])
def test_agreements(personas: Personas, client_for: Any, persona: str) -> None:
    """A line manager with fifty new managers reporting to them reads their
    agreements in as many queries as with one; HR reads none, as cheaply."""
    from mentorship.agreements.services import AgreementText, agreement_ask, agreement_write

    def grow(n: int) -> None:
        for _ in range(n):
            pairing = PairingFactory.create(
                program=personas.program,
                mentee=PersonFactory.create(manager=personas.line_manager),
            )
            agreement = agreement_ask(pairing=pairing)
            assert agreement is not None
            agreement_write(
                agreement=agreement, by=personas.line_manager, text=AgreementText("s", "d", "h")
            )

    client = client_for(getattr(personas, persona))
    if persona == "hr":
        grow(50)
        response = client.get(f"/api/v1/agreements/?{ALL}")
        assert api_rows(response) == 0
        return
    assert_constant_queries(
        visit(client, f"/api/v1/agreements/?{ALL}"), grow, served=api_rows, at_most=4
    )

"""Program health: every figure against a small world worked out by hand,
the at-risk list with its reasons, group suppression, filters, who may look,
and a query count that does not grow with the program."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mentorship.checkins.selectors import plan_competencies
from mentorship.checkins.services import assessment_record, checkin_log
from mentorship.core.timezones import today_for
from mentorship.insights.selectors import Filters, Health, program_health
from mentorship.notifications.models import Notification, NotificationStatus
from mentorship.pairings.models import Pairing, PairingStatus
from mentorship.pairings.services.change_requests import change_request_open
from mentorship.pairings.services.milestones import milestone_complete
from mentorship.programs.models import EnrollmentRole
from mentorship.programs.services.enrollments import enrollment_create
from tests.factories import PairingFactory, PersonFactory, competency
from tests.fixtures.personas import Personas
from tests.helpers import ChartsAndTables, queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _midday(time_machine: Any) -> None:
    """Noon UTC of the day the run is on, before the personas are built: the
    personas' dates count from UTC's today and the dashboard's from HR's
    (Berlin), and at noon UTC every persona's zone is on the same date.
    Late in the UTC evening Berlin is a day ahead, and every count of days
    would be one off."""
    now = timezone.now()
    time_machine.move_to(now.replace(hour=12, minute=0, second=0, microsecond=0), tick=False)


def build_world(p: Personas) -> dict[str, Any]:
    """Three live pairings (A: the personas' own; B: the other; C: forty days
    old and silent), one completed and one ended early."""
    today = today_for(p.hr)
    a, b = p.pairing, p.other_pairing
    assert a.starts_on == today - dt.timedelta(days=10)
    # A: Kickoff done on time, First 1:1s done late (due 3 days ago); Read
    # past reviews (due on the start) overdue; the day-30 step not yet due.
    milestone_complete(
        milestone=a.milestones.get(title="Kickoff"),
        by=p.mentee,
        when=timezone.now() - dt.timedelta(days=10),
    )
    milestone_complete(milestone=a.milestones.get(title="First 1:1s"), by=p.mentee)
    for days_ago, pulse in ((9, 4), (2, 2)):
        checkin_log(
            pairing=a,
            by=p.mentee,
            occurred_on=today - dt.timedelta(days=days_ago),
            duration_minutes=30,
            confidence_pulse=pulse,
        )
    # B: three milestones overdue, no check-in yet (10 days < cadence 14),
    # and the mentor asked to pause.
    change_request_open(pairing=b, by=p.other_mentor, kind="pause", reason="Busy quarter")
    # C: forty days, no check-in, two nudges sent since the start.
    c = PairingFactory.create(
        program=p.program,
        mentee=PersonFactory.create(department=p.mentee.department),
        starts_on=today - dt.timedelta(days=40),
    )
    for n in range(2):
        Notification.objects.create(
            kind="checkin_nudge",
            recipient=c.mentee,
            dedup_key=f"world:{n}",
            send_after=timezone.now(),
            status=NotificationStatus.SENT,
            sent_at=timezone.now() - dt.timedelta(days=n + 1),
            pairing=c,
        )
    PairingFactory.create(
        program=p.program, status=PairingStatus.COMPLETED, outcome="still_managing"
    )
    PairingFactory.create(program=p.program, status=PairingStatus.ENDED, outcome="ic_track")
    enrollment_create(
        program=p.program,
        person=PersonFactory.create(),
        role=EnrollmentRole.MENTEE,
        by=p.hr,
        focus_competencies=[competency("coaching-and-feedback")],
    )
    return {"today": today, "a": a, "b": b, "c": c}


def health_of(p: Personas, **filters: Any) -> Health:
    return program_health(p.hr, Filters(**filters), today=today_for(p.hr))


def test_a_pairing_not_started_yet_adds_no_quiet_days(personas: Personas) -> None:
    world = build_world(personas)
    PairingFactory.create(program=personas.program, starts_on=world["today"] + dt.timedelta(days=5))

    health = health_of(personas)

    assert health.statuses["active"] == 4
    assert health.median_days_since_checkin == 10  # A 2, B 10, C 40; D starts later


def test_each_figure_matches_the_hand_count(personas: Personas) -> None:
    world = build_world(personas)
    health = health_of(personas)

    assert health.statuses == {"active": 3, "completed": 1, "ended": 1}
    assert health.checkins_30_days == 2
    assert health.checkins_per_live_pairing == pytest.approx(2 / 3)
    assert health.median_days_since_checkin == 10  # A 2, B 10, C 40
    assert sum(w.checkins for w in health.checkins_per_week) == 2
    assert len(health.checkins_per_week) == 12
    # A: 1 on time, 1 late, 1 overdue, 1 open; B: 3 overdue, 1 open.
    c = health.completion
    assert (c.on_time, c.late, c.overdue, c.open, c.skipped) == (1, 1, 4, 2, 0)
    by_name = {row.label: row for row in health.completion_by_competency}
    coaching = by_name["Coaching and feedback"]
    assert (coaching.on_time, coaching.late, coaching.overdue) == (0, 1, 1)
    assert health.unmatched_mentees == 1
    assert health.proposed_mentees == 0
    assert {(m.mentor, m.pairings) for m in health.mentor_load} == {
        (personas.mentor.full_name, 1),
        (personas.other_mentor.full_name, 1),
    }
    assert health.outcomes == {"still_managing": 1, "ic_track": 1}
    assert world["c"].pk in {risk.pairing.pk for risk in health.at_risk}


def test_at_risk_pairings_come_with_their_reasons(personas: Personas) -> None:
    world = build_world(personas)

    risks = [(r.pairing.pk, r.score, r.reasons) for r in health_of(personas).at_risk]

    assert risks == [
        (world["b"].pk, 3, ["3 milestones overdue", "asked to pause or end"]),
        (
            world["c"].pk,
            3,
            ["no check-in yet for 40 days (cadence 14)", "2 check-in nudges unanswered"],
        ),
        (world["a"].pk, 2, ["1 milestone overdue", "confidence falling"]),
    ]


def test_confidence_shows_only_for_big_enough_groups(personas: Personas, settings: Any) -> None:
    coaching = competency("coaching-and-feedback")
    rated = plan_competencies(personas.pairing)
    for pairing, mentee, first, later in (
        (personas.pairing, personas.mentee, 2, 5),
        (personas.other_pairing, personas.other_mentee, 4, None),
    ):
        assessment_record(
            pairing=pairing,
            by=mentee,
            occasion="day_0",
            ratings=dict.fromkeys(rated, first),
            taken_on=pairing.starts_on,
        )
        if later:
            assessment_record(
                pairing=pairing, by=mentee, occasion="ad_hoc", ratings={coaching: later}
            )

    settings.SCAFFOLD_MIN_AGGREGATE_GROUP = 2
    row = next(r for r in health_of(personas).confidence if r.competency == coaching.name)
    assert (row.day0_mentees, row.day0, row.latest_mentees, row.latest) == (2, 3.0, 2, 4.5)

    settings.SCAFFOLD_MIN_AGGREGATE_GROUP = 3
    row = next(r for r in health_of(personas).confidence if r.competency == coaching.name)
    # Under the threshold the two are left out of every figure, and said to be.
    assert (row.day0_mentees, row.day0, row.latest, row.day0_left_out) == (0, None, None, 2)


def test_every_chart_names_its_axes_and_has_its_figures_in_a_table(
    personas: Personas, settings: Any
) -> None:
    world = build_world(personas)
    for pairing, mentee in (
        (personas.pairing, personas.mentee),
        (personas.other_pairing, personas.other_mentee),
    ):
        assessment_record(
            pairing=pairing,
            by=mentee,
            occasion="day_0",
            ratings=dict.fromkeys(plan_competencies(pairing), 3),
            taken_on=pairing.starts_on,
        )
        assessment_record(
            pairing=pairing,
            by=mentee,
            occasion="ad_hoc",
            ratings={competency("coaching-and-feedback"): 4},
            taken_on=world["today"],
        )
    settings.SCAFFOLD_MIN_AGGREGATE_GROUP = 2
    client = Client()
    client.force_login(personas.hr)

    page = ChartsAndTables(client.get("/insights/").content.decode())

    weekly, by_day, confidence = page.charts
    for chart, name in (
        (weekly, "weekly"),
        (by_day, "by-day"),
        (confidence, "confidence-bars"),
    ):
        assert chart.attrs["role"] == "img"
        assert chart.attrs["aria-labelledby"] == f"{name}-title"
        assert chart.attrs["aria-describedby"] == f"{name}-desc"
        assert chart.desc.endswith("The table beside has every figure.")
    assert {"Week of", "Check-ins"} <= set(weekly.texts)
    assert {"Days into the pairing (when due)", "Done (% of due milestones)"} <= set(by_day.texts)
    assert "Mean confidence (1–5)" in confidence.texts
    # Each bar is named on the chart: the series and its value.
    assert {"Day 0 3.0", "Latest 4.0"} <= set(confidence.texts)

    table = page.table(weekly.title)
    assert table.header == ["Week of", "Check-ins"]
    assert len(table.rows) == 12
    assert sum(int(count) for _, count in table.rows) == 2  # the world's two check-ins
    assert page.table(by_day.title).header == [
        "Days into the pairing (when due)",
        "Done (% of due milestones)",
    ]
    conf = page.table("Mean confidence per competency (1–5), with the number of mentees")
    assert ["Coaching and feedback", "3.0 (2)", "4.0 (2)"] in conf.rows


def test_filters_narrow_the_figures(personas: Personas) -> None:
    build_world(personas)
    elsewhere = personas.other_pairing.mentee
    elsewhere.department = PersonFactory.create().department
    elsewhere.save()

    engineering = health_of(personas, department=personas.mentee.department)
    assert engineering.statuses.get("active") == 2  # A and C
    future = health_of(personas, since=today_for(personas.hr) + dt.timedelta(days=200))
    assert future.statuses == {}


def test_mentor_load_by_department_lists_the_mentors_of_its_mentees(
    personas: Personas,
) -> None:
    """The department filter is the mentee's: its view lists the mentors of
    that department's mentees, wherever those mentors work themselves."""
    mentees_department = personas.mentee.department
    assert mentees_department is not None
    mentors_department = PersonFactory.create().department
    for mentor in (personas.mentor, personas.other_mentor):
        mentor.department = mentors_department
        mentor.save()

    of_mentees = health_of(personas, department=mentees_department)
    of_mentors = health_of(personas, department=mentors_department)

    assert {m.mentor for m in of_mentees.mentor_load} == {
        personas.mentor.full_name,
        personas.other_mentor.full_name,
    }
    assert of_mentors.mentor_load == []
    assert of_mentors.statuses == {}


PERSONAS = ["hr", "program_admin", "mentor", "mentee", "line_manager", "outsider"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_those_who_run_programs_see_insights(personas: Personas, persona: str) -> None:
    build_world(personas)
    client = Client()
    client.force_login(getattr(personas, persona))
    allowed = persona in ("hr", "program_admin")

    page = client.get("/insights/")
    api = client.get("/api/v1/insights/")

    assert page.status_code == (200 if allowed else 404)
    assert api.status_code == (200 if allowed else 404)
    if allowed:
        html = page.content.decode()
        assert "Pairings at risk" in html
        assert "3 milestones overdue · asked to pause or end" in html
        assert "Busy quarter" not in html  # the request's reason is the pair's
        # A mentee's own ratings never reach HR: the direction, not the values.
        assert "confidence falling" in html
        assert "confidence falling" in api.content.decode()
        for leak in ("from 4 to 2", "fell from"):
            assert leak not in html
            assert leak not in api.content.decode()
        assert api.json()["statuses"] == {"active": 3, "completed": 1, "ended": 1}


def test_the_api_refuses_bad_filters(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.hr)
    assert client.get("/api/v1/insights/", {"program": 999999}).status_code == 404
    nobody = client.get("/api/v1/insights/", {"department": 999999})
    assert nobody.status_code == 200
    assert nobody.json()["statuses"] == {}
    assert client.get("/api/v1/insights/", {"until": ""}).status_code == 400
    bad_range = client.get("/api/v1/insights/", {"since": "2027-01-02", "until": "2027-01-01"})
    assert bad_range.status_code == 400
    assert (
        client.get("/insights/", {"since": "2027-01-02", "until": "2027-01-01"}).status_code == 400
    )


def test_the_dashboard_runs_the_same_queries_for_1_and_200_pairings(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.hr)

    def grow(n: int) -> None:
        for _ in range(n):
            pairing: Pairing = PairingFactory.create(program=personas.program)
            checkin_log(
                pairing=pairing,
                by=pairing.mentee,
                occurred_on=today_for(pairing.mentee),
                duration_minutes=20,
                confidence_pulse=3,
            )

    def page() -> None:
        assert client.get("/insights/").status_code == 200

    grow(1)
    small = queries_for(page)
    grow(199)
    large = queries_for(page)
    assert small == large, f"{small} queries for 1 pairing, {large} for 200"
    assert small <= 20, small


def test_the_last_30_days_and_the_weekly_chart_count_their_own_windows(
    personas: Personas,
) -> None:
    """One pass over the check-ins feeds both: one logged 40 days ago is in
    the chart (twelve weeks) but not in the last 30 days."""
    today = today_for(personas.hr)
    pairing = PairingFactory.create(
        program=personas.program, starts_on=today - dt.timedelta(days=60)
    )
    for days_ago in (40, 25, 0):
        checkin_log(
            pairing=pairing,
            by=pairing.mentee,
            occurred_on=today - dt.timedelta(days=days_ago),
            duration_minutes=30,
        )

    health = health_of(personas)

    assert health.checkins_30_days == 2
    assert sum(week.checkins for week in health.checkins_per_week) == 3
    weeks = {week.week: week.checkins for week in health.checkins_per_week}
    forty_days_ago = today - dt.timedelta(days=40)
    assert weeks[forty_days_ago - dt.timedelta(days=forty_days_ago.weekday())] >= 1


def test_a_mentee_with_only_a_proposal_is_still_without_a_mentor(personas: Personas) -> None:
    """A proposal waiting for HR's approval is not a mentor yet: the mentee
    counts among those without one, and apart as "with a proposal"."""
    build_world(personas)
    waiting = enrollment_create(
        program=personas.program,
        person=PersonFactory.create(),
        role=EnrollmentRole.MENTEE,
        by=personas.hr,
        focus_competencies=[competency("coaching-and-feedback")],
    )
    PairingFactory.create(
        program=personas.program, mentee=waiting.person, status=PairingStatus.PROPOSED
    )
    declined = PairingFactory.create(program=personas.program, status=PairingStatus.DECLINED)
    enrollment_create(
        program=personas.program,
        person=declined.mentee,
        role=EnrollmentRole.MENTEE,
        by=personas.hr,
        focus_competencies=[competency("coaching-and-feedback")],
    )

    health = health_of(personas)

    # The world's one unmatched mentee, the proposed one, the declined one.
    assert health.unmatched_mentees == 3
    assert health.proposed_mentees == 1


def test_the_page_says_what_is_wrong_with_a_filter(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.hr)

    page = client.get("/insights/", {"since": "garbage", "until": "31/12/2026"})

    assert page.status_code == 400
    html = page.content.decode()
    assert html.count("Enter a date in the form YYYY-MM-DD (for example 2026-12-31).") == 2

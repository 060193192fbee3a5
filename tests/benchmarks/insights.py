"""The program health dashboard over a large program: 10,000 people, 5,000
pairings, 100,000 milestones, 1,000,000 check-ins."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentorship.checkins.summaries import summaries_rebuild
from mentorship.insights.selectors import Filters, program_health
from mentorship.pairings.summaries import tallies_rebuild
from mentorship.people.models import Competency, Person
from mentorship.plans.models import OnboardingPlan
from mentorship.programs.models import Program, ProgramStatus

PEOPLE = 10_000
PAIRINGS = 5_000
MILESTONES_PER_PAIRING = 20
CHECKINS_PER_PAIRING = 200  # over the past year: 1,000,000
TITLE = (
    "Program health dashboard (budget: the insights API ≤ 100 ms on 10,000 people, 5,000 "
    "pairings, 100,000 milestones, 1,000,000 check-ins; a constant number of queries)"
)
NOTES = [
    "The database also holds the reminder section's 25,000 pairings and 100,000",
    "milestones, in other programs. The check-ins are written with SQL, so the",
    "check-in summaries are rebuilt once after (`summaries_rebuild`, timed below);",
    "the app keeps them as it writes. The dashboard reads no check-in: the weekly",
    "chart and the last 30 days come from one program's daily counts (`CheckInDay`,",
    "84 rows), the at-risk list and the median from one `PairingActivity` row per",
    "pairing shown. Nor every milestone: the completion figures come from the",
    "program's milestone tallies (`MilestoneTally`: 100,000 milestones are about",
    "2,300 tallies, pairings that start on one day sharing theirs); that statement",
    "took about 100 ms over the milestones, and 66 ms hand-written. The at-risk",
    "statement counts each pairing's overdue milestones through a partial index of",
    "open milestones by pairing, and runs without PostgreSQL's JIT compiler (off",
    "for our connections): 102 ms before both, 31 ms after, measured alone on this",
    "data. A view narrowed to a department or a date range counts those pairings'",
    "check-ins and milestones itself (see the architecture page).",
    "The Python around the SQL (scoring the at-risk list, building the charts and",
    "the page) is the gap between the dashboard's time and its own SQL run bare.",
]


def build(today: dt.date) -> str:
    hr = Person.objects.create_user(
        "insights-hr@scaffold.test", None, full_name="Insights HR", is_hr=True
    )
    plan = OnboardingPlan.objects.create(name="Bench plan")
    program = Program.objects.create(
        name="Bench program",
        slug="bench-program",
        status=ProgramStatus.ACTIVE,
        plan=plan,
        starts_on=today - dt.timedelta(days=400),
        ends_on=today + dt.timedelta(days=90),
    )
    program.admins.add(hr)
    competencies = list(Competency.objects.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO people_person (password, is_superuser, email, full_name, title,
                time_zone, is_hr, is_staff, is_active, email_weekdays_only,
                default_mentor_capacity, date_joined, session_epoch)
            SELECT '!', false, 'insights' || g || '@scaffold.test', 'Insights Person ' || g, '',
                'Europe/Berlin', false, false, true, false, 2, now(), 0
            FROM generate_series(1, %s) g
            """,
            [PEOPLE],
        )
        cursor.execute(
            """
            INSERT INTO pairings_pairing (created_at, updated_at, program_id, mentee_id,
                mentor_id, status, source, match_explanation, starts_on, ends_on,
                activated_at, close_reason, outcome, ended_for_rematch)
            SELECT now() - (g %% 400) * interval '1 day' - g * interval '1 second',
                now(), %(program)s, m.id, m.id + %(pairings)s,
                CASE WHEN g %% 20 = 0 THEN 'paused' WHEN g %% 10 = 1 THEN 'completed'
                     WHEN g %% 25 = 2 THEN 'ended' ELSE 'active' END,
                'matching', '[]'::jsonb, %(today)s::date - (g %% 90)::int,
                %(today)s::date - (g %% 90)::int + 90, now(), '',
                CASE WHEN g %% 10 = 1 THEN 'still_managing' ELSE '' END, false
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS g FROM people_person
                  WHERE email LIKE 'insights%%@scaffold.test'
                  ORDER BY id LIMIT %(pairings)s) m
            """,
            {"program": program.pk, "pairings": PAIRINGS, "today": today},
        )
        cursor.execute(
            """
            INSERT INTO pairings_milestone (created_at, updated_at, pairing_id, position, title,
                description, competency_id, owner, kind, due_on, status, completed_at, note,
                revision)
            SELECT now(), now(), p.id, g, 'Step ' || g, '',
                (%(competencies)s::bigint[])[1 + g %% array_length(%(competencies)s::bigint[], 1)],
                'mentee', CASE WHEN g %% 5 = 0 THEN 'assessment' ELSE 'milestone' END,
                p.starts_on + g * 4,
                CASE WHEN p.starts_on + g * 4 < %(today)s AND (p.id + g) %% 4 <> 0 THEN 'done'
                     ELSE 'open' END,
                CASE WHEN p.starts_on + g * 4 < %(today)s AND (p.id + g) %% 4 <> 0
                     THEN (p.starts_on + g * 4 + ((p.id + g) %% 5)::int - 2)::timestamptz END,
                '', 0
            FROM pairings_pairing p, generate_series(1, %(per)s) g
            WHERE p.program_id = %(program)s
            """,
            {
                "competencies": competencies,
                "today": today,
                "per": MILESTONES_PER_PAIRING,
                "program": program.pk,
            },
        )
        cursor.execute(
            """
            INSERT INTO checkins_checkin (created_at, updated_at, pairing_id, occurred_on,
                duration_minutes, kind, logged_by_id, shared_notes, confidence_pulse)
            SELECT (%(today)s::date - ((g * 7 + p.id) %% 365)::int)::timestamptz
                    + ((p.id * 37 + g * 11) %% 43200) * interval '1 second',
                now(), p.id, %(today)s::date - ((g * 7 + p.id) %% 365)::int,
                30 + g %% 60, 'meeting', p.mentee_id, '', 1 + (g + p.id) %% 5
            FROM pairings_pairing p, generate_series(1, %(per)s) g
            WHERE p.program_id = %(program)s
            """,
            {"today": today, "per": CHECKINS_PER_PAIRING, "program": program.pk},
        )
        # VACUUM as well: a bulk load leaves every row's visibility to be
        # settled by the first reads and by autovacuum, which would then run
        # beside the measurements. A live table is vacuumed.
        cursor.execute("VACUUM ANALYZE")
        of_program = "pairing_id IN (SELECT id FROM pairings_pairing WHERE program_id = %s)"
        cursor.execute(f"SELECT count(*) FROM checkins_checkin WHERE {of_program}", [program.pk])  # noqa: S608
        checkins = cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*) FROM pairings_milestone WHERE {of_program}", [program.pk])  # noqa: S608
        milestones = cursor.fetchone()[0]
    return f"{PAIRINGS} pairings, {milestones} milestones, {checkins} check-ins"


def _raw_sql_seconds(statements: list[str]) -> float:
    """The dashboard's own SQL, run bare, one statement after another."""
    timings = []
    with connection.cursor() as cursor:
        for sql in statements:
            started = time.perf_counter()
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()
            timings.append((time.perf_counter() - started, sql))
    if os.environ.get("BENCH_PROFILE"):
        for seconds, sql in sorted(timings, reverse=True)[:12]:
            print(f"  {seconds:.3f} s  {sql[:700]}")  # noqa: T201
    return sum(seconds for seconds, _ in timings)


def run(measure: Callable[[str, Callable[[], Any]], dict[str, Any]]) -> list[dict[str, Any]]:
    today = timezone.localdate()
    rows = [
        measure(
            "Setup: 10,000 people, 5,000 pairings, 100,000 milestones, 1,000,000 check-ins",
            lambda: build(today),
        )
    ]
    rows.append(
        measure(
            "Rebuild the check-in summaries from every check-in (once, after a bulk load)",
            lambda: "{} pairings, {} program-days".format(*summaries_rebuild()),
        )
    )
    rows.append(
        measure(
            "Rebuild the milestone tallies from every milestone (once, after a bulk load)",
            lambda: f"{tallies_rebuild()} tallies",
        )
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    hr = Person.objects.get(email="insights-hr@scaffold.test")
    program = Program.objects.get(slug="bench-program")
    filters = Filters(program=program)

    def health() -> str:
        result = program_health(hr, filters, today=today)
        return (
            f"{result.statuses.get('active', 0)} active, {result.checkins_30_days} check-ins "
            f"in 30 days, {len(result.at_risk)} at risk"
        )

    program_health(hr, filters, today=today)  # warm the caches, as a live server would be
    selector = measure("Dashboard figures (the selector), warm", health)
    rows.append(selector)
    with CaptureQueriesContext(connection) as captured:
        program_health(hr, filters, today=today)
    statements = [q["sql"] for q in captured.captured_queries]
    _raw_sql_seconds(statements)  # warm, like the dashboard's run
    raw = _raw_sql_seconds(statements)
    floor = {
        "label": "The same SQL run bare, no Django (the floor)",
        "seconds": raw,
        "queries": len(statements),
        "result": f"the dashboard takes {selector['seconds'] / raw:.2f}× its bare SQL",
    }
    print(f"{floor['label']:<62} {raw:8.2f} s {len(statements):6d} queries  {floor['result']}")  # noqa: T201
    rows.append(floor)
    client = Client()
    client.force_login(hr)
    client.get(f"/insights/?program={program.pk}")
    rows.append(
        measure(
            "The dashboard page, rendered (GET /insights/?program=…)",
            lambda: f"HTTP {client.get(f'/insights/?program={program.pk}').status_code}",
        )
    )
    rows.append(
        measure(
            "The insights API (GET /api/v1/insights/?program=…)",
            lambda: f"HTTP {client.get(f'/api/v1/insights/?program={program.pk}').status_code}",
        )
    )
    return rows

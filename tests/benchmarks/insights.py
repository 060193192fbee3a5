"""The program health dashboard over a large program: 10,000 people, 5,000
pairings, 100,000 milestones, 1,000,000 check-ins."""

from __future__ import annotations

import datetime as dt
import os
import statistics
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
# The dashboard's timings: each in turn, this many times over.
ROUNDS = 21
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
    "Its biggest part is reading one row per live pairing (4,300 here) for the",
    "at-risk score: as tuples (`values_list`, a named tuple each) instead of dicts",
    "made into frozen dataclasses, 20.8 ms of CPU became 14.2 ms.",
    "",
    "The selector, the bare SQL, the page and the API are each run in turn,",
    f"{ROUNDS} rounds, after a warm-up; the seconds are medians, beside each p95.",
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


def _seconds(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


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
        # The summaries were just written: vacuumed too, as above.
        cursor.execute("VACUUM ANALYZE")
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
    with CaptureQueriesContext(connection) as captured:
        health_said = health()
    statements = [q["sql"] for q in captured.captured_queries]
    _raw_sql_seconds(statements)  # warm, like the dashboard's run
    client = Client()
    client.force_login(hr)
    page_url = f"/insights/?program={program.pk}"
    api_url = f"/api/v1/insights/?program={program.pk}"
    counts = {}
    for name, url in (("page", page_url), ("api", api_url)):
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as captured_url:
            client.get(url)
        counts[name] = len(captured_url.captured_queries)
    # Each one in turn, round after round, so that what the shared machine
    # is doing meanwhile falls on all of them alike.
    samples: dict[str, list[float]] = {"selector": [], "sql": [], "page": [], "api": []}
    for _ in range(ROUNDS):
        samples["selector"].append(_seconds(lambda: program_health(hr, filters, today=today)))
        samples["sql"].append(_raw_sql_seconds(statements))
        samples["page"].append(_seconds(lambda: client.get(page_url)))
        samples["api"].append(_seconds(lambda: client.get(api_url)))
    sql = statistics.median(samples["sql"])

    def row(label: str, name: str, queries: int, said: str) -> dict[str, Any]:
        median = statistics.median(samples[name])
        p95 = statistics.quantiles(samples[name], n=20)[-1]
        result = f"p95 {p95 * 1000:.0f} ms; {median / sql:.2f}× the bare SQL; {said}"
        print(f"{label:<62} {median:8.3f} s {queries:6d} queries  {result}")  # noqa: T201
        return {"label": label, "seconds": median, "queries": queries, "result": result}

    rows += [
        row("Dashboard figures (the selector), warm", "selector", len(statements), health_said),
        row("The same SQL run bare, no Django (the floor)", "sql", len(statements), "one by one"),
        row(
            "The dashboard page, rendered (GET /insights/?program=…)",
            "page",
            counts["page"],
            "HTTP 200",
        ),
        row("The insights API (GET /api/v1/insights/?program=…)", "api", counts["api"], "HTTP 200"),
    ]
    return rows

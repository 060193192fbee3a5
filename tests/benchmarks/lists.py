"""The API's lists at a million check-ins, for HR and for a mentor, a first
page and a deep one, each run interleaved with the hand-written keyset query
that returns the same page (the floor), and each list's query plan read.

The data is the dashboard section's (built here if that section did not
run): 10,000 people, 5,000 pairings, 100,000 milestones, 1,000,000
check-ins. The mentor has one pairing and its 200 check-ins.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentorship.checkins.selectors import checkins_visible_to
from mentorship.core.api.pagination import cursor_for
from mentorship.pairings.models import Pairing
from mentorship.pairings.selectors import milestones_visible_to, pairings_visible_to
from mentorship.people.models import Person
from mentorship.programs.models import Program
from tests.benchmarks import insights

ROUNDS = 41
TITLE = (
    "API lists at a million check-ins (budget: p95 ≤ 30 ms, or ≤ 3× the hand-written "
    "keyset query, whichever is larger; a mentor's lists do not grow with the company)"
)
NOTES = [
    "Each request is served in-process by Django's test client (the server's own time:",
    "routing, authentication, scope, page query, serializer, JSON), with DEBUG off. The",
    "hand-written query is the keyset SQL a person would write for the same page: the",
    "same rows, ordered by the list's key, joined to what the page shows of them, with a",
    "row comparison `(created_at, id) < (…)` for a deep page. The two are run one after",
    "the other, round by round, and the ratio is of their medians. A deep page starts",
    "at the middle of the viewer's rows (row 500,000 of HR's check-ins). The rows marked",
    '"table at 1/10" run the check-in pages again after nine in ten check-ins are',
    "deleted (the mentor's own kept), the table vacuumed and checkpointed and the",
    "machine left to go quiet (load under 1, a minute at most): the mentor's page",
    "costs the same with a tenth of",
    "the company's check-ins as with all of them, and so does HR's. The query plans of",
    "each page's main query are in [query-plans.md](query-plans.md).",
    "",
    "The first row is the least any signed-in request costs (session, person, a one-row",
    "answer): read the lists against it as well as against the SQL. It moves with the",
    "machine far more than the SQL does: 4.3 ms on the machine of an earlier run, where",
    "the HR check-in page took 31.5 ms with the code before the written-out serializer.",
]
# Filled by run(): each list's plan, for docs/query-plans.md.
PLANS: list[tuple[str, str]] = []


@dataclass
class Case:
    label: str
    url: str
    baseline: str
    params: list[Any]
    table: str


# Each page's rows joined to what the API's page shows of them (the
# check-in's author; the pairing's status, which says whether it may still
# be edited; a pairing's two people), no more: more joins would cost
# PostgreSQL more planning than the rows cost to read.
CHECKIN_PAGE = """
    SELECT c.id, c.occurred_on, c.duration_minutes, c.kind, c.created_at, c.updated_at,
           c.pairing_id, c.logged_by_id, p.status, logger.full_name, logger.email
    FROM checkins_checkin c
    JOIN pairings_pairing p ON p.id = c.pairing_id
    JOIN people_person logger ON logger.id = c.logged_by_id
    WHERE {scope} AND {after}
    ORDER BY c.created_at DESC, c.id DESC LIMIT 51
"""
MILESTONE_PAGE = """
    SELECT m.id, m.title, m.kind, m.due_on, m.status, m.pairing_id, comp.name
    FROM pairings_milestone m
    LEFT JOIN people_competency comp ON comp.id = m.competency_id
    WHERE {scope} AND {after}
    ORDER BY m.due_on, m.id LIMIT 51
"""
PAIRING_PAGE = """
    SELECT p.id, p.program_id, p.status, p.source, p.match_score, p.match_explanation,
           p.starts_on, p.ends_on, p.activated_at, p.approved_at, p.closed_at,
           p.close_reason, p.outcome, p.created_at,
           mentee.full_name, mentee.email, mentor.full_name, mentor.email
    FROM pairings_pairing p
    JOIN people_person mentee ON mentee.id = p.mentee_id
    JOIN people_person mentor ON mentor.id = p.mentor_id
    WHERE {scope} AND {after}
    ORDER BY p.created_at DESC, p.id DESC LIMIT 51
"""
# The viewer's own pairings, each side by its own index (an OR here makes
# PostgreSQL misjudge the rows and read far more than the one pairing).
OWN = (
    "(SELECT id FROM pairings_pairing WHERE mentor_id = %s"
    " UNION ALL SELECT id FROM pairings_pairing WHERE mentee_id = %s)"
)


def _cursor(values: list[Any]) -> str:
    return quote(cursor_for(values))


def _cases(hr: Person, mentor: Person, *, only: str = "") -> list[Case]:
    cases = []
    lists = (
        ("check-ins", checkins_visible_to, ("-created_at", "-id"), CHECKIN_PAGE, "c"),
        ("milestones", milestones_visible_to, ("due_on", "id"), MILESTONE_PAGE, "m"),
        ("pairings", pairings_visible_to, ("-created_at", "-id"), PAIRING_PAGE, "p"),
    )
    for name, selector, ordering, sql, alias in lists:
        if only and name != only:
            continue
        table = selector(hr).model._meta.db_table
        fields = [f.lstrip("-") for f in ordering]
        newer = "<" if ordering[0].startswith("-") else ">"
        for who, viewer in (("HR", hr), ("mentor", mentor)):
            rows = selector(viewer).order_by(*ordering).values_list(*fields)
            total = rows.count()
            scope = "true"
            scope_params: list[Any] = []
            if who == "mentor":
                column = "id" if name == "pairings" else "pairing_id"
                scope = f"{alias}.{column} IN {OWN}"
                scope_params = [viewer.pk, viewer.pk]
            cases.append(
                Case(
                    f"{who} · {name} · first page",
                    f"/api/v1/{name}/",
                    sql.format(scope=scope, after="true"),
                    scope_params,
                    table,
                )
            )
            middle = list(rows[total // 2])
            columns = ", ".join(f"{alias}.{f}" for f in fields)
            cases.append(
                Case(
                    f"{who} · {name} · deep page (row {total // 2:,} of {total:,})",
                    f"/api/v1/{name}/?cursor={_cursor(middle)}",
                    sql.format(scope=scope, after=f"({columns}) {newer} (%s, %s)"),
                    [*scope_params, *middle],
                    table,
                )
            )
    return cases


def _profile(client: Client, url: str) -> None:
    """BENCH_PROFILE=<part of a label>: where that request's time goes."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(lambda: [client.get(url) for _ in range(20)])
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)


def _time(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def _page_query(queries: list[dict[str, Any]], table: str) -> str:
    """The statement that read the page's rows: the longest one on the
    list's table with a LIMIT."""
    limited = [q["sql"] for q in queries if "LIMIT" in q["sql"] and f'FROM "{table}"' in q["sql"]]
    return max(limited, key=len) if limited else ""


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def run(measure: Callable[[str, Callable[[], Any]], dict[str, Any]]) -> list[dict[str, Any]]:
    if not Program.objects.filter(slug="bench-program").exists():
        measure("Setup: the dashboard section's data", lambda: insights.build(timezone.localdate()))
    program = Program.objects.get(slug="bench-program")
    hr = Person.objects.get(email="insights-hr@scaffold.test")
    pairing = Pairing.objects.filter(program=program, status="active").order_by("id")[1000]
    mentor = pairing.mentor
    hr_client, mentor_client = Client(), Client()
    hr_client.force_login(hr)
    mentor_client.force_login(mentor)
    rows = []
    PLANS.clear()
    cases = [
        # The least a signed-in API request costs: session, person, roles, a
        # one-row answer. Every list pays it before reading a row.
        Case(
            "HR · competencies (the fixed cost of a request)",
            "/api/v1/competencies/?page_size=1",
            "SELECT id, name FROM people_competency ORDER BY name, id LIMIT 2",
            [],
            "people_competency",
        ),
        *_cases(hr, mentor),
    ]
    for case in cases:
        client = hr_client if case.label.startswith("HR") else mentor_client
        if os.environ.get("BENCH_PROFILE") and os.environ["BENCH_PROFILE"] in case.label:
            _profile(client, case.url)
        row, plan = _measure(client, case)
        rows.append(row)
        PLANS.append((case.label, plan))
    # The same check-in pages with the table cut to a tenth (the mentor's
    # pairing kept whole): a mentor's list must not notice; HR's neither.
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM checkins_checkin WHERE pairing_id %% 10 <> 0 AND pairing_id <> %s",
            [pairing.pk],
        )
        cursor.execute("VACUUM ANALYZE checkins_checkin")
        # Writing out the 900,000 deletions would otherwise fall on the
        # requests timed next (on the machine of one run: 13 ms became
        # 20 ms for HR's first page, the query plan unchanged).
        cursor.execute("CHECKPOINT")
        cursor.execute("SELECT count(*) FROM checkins_checkin")
        left = cursor.fetchone()[0]
    _settle()
    for case in _cases(hr, mentor, only="check-ins"):
        case.label = f"{case.label} · table at 1/10 ({left:,} check-ins)"
        client = hr_client if case.label.startswith("HR") else mentor_client
        rows.append(_measure(client, case)[0])
    return rows


def _settle(*, below: float = 1.0, longest: float = 60.0) -> None:
    """Wait (a minute at most) for the machine to go quiet: the one-minute
    load average under ``below``, so that the rows timed after a bulk
    change compare with those timed before it."""
    waited = 0.0
    while os.getloadavg()[0] >= below and waited < longest:
        time.sleep(2)
        waited += 2


def _measure(client: Client, case: Case) -> tuple[dict[str, Any], str]:
    """The request and its hand-written query, round by round; and the
    plan of the request's page query."""
    response = client.get(case.url)
    assert response.status_code == 200, (case.url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(case.url)
    queries = len(captured.captured_queries)
    page_sql = _page_query(captured.captured_queries, case.table)
    served, floor = [], []
    with connection.cursor() as cursor:
        for _ in range(ROUNDS):
            served.append(_time(lambda: client.get(case.url)))
            floor.append(
                _time(lambda: (cursor.execute(case.baseline, case.params), cursor.fetchall()))
            )
    p50, p95, base = statistics.median(served), _p95(served), statistics.median(floor)
    row = {
        "label": case.label,
        "p50": p50,
        "p95": p95,
        "base": base,
        "ratio": p50 / base,
        "queries": queries,
        "within": p95 <= max(30.0, 3 * base),
    }
    print(  # noqa: T201
        f"{case.label:<58} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  SQL {base:7.1f} ms  "
        f"{row['ratio']:6.1f}×  {queries:3d} queries  {'ok' if row['within'] else 'OVER'}"
    )
    return row, f"{page_sql}\n\n{_plan(page_sql)}" if page_sql else ""


def table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| list · viewer · page | p50 ms | p95 ms | hand-written SQL p50 ms | ratio | "
        "queries | within budget |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    lines.extend(
        f"| {r['label']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['base']:.2f} | "
        f"{r['ratio']:.1f}× | {r['queries']} | {'yes' if r['within'] else '**no**'} |"
        for r in rows
    )
    return lines

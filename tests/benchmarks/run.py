"""``make bench``: measure the budgets of docs/benchmarks.md on PostgreSQL.

Builds a throwaway test database and runs each section (a module here with a
TITLE, NOTES and ``run(measure)``), timing operations and counting queries.
The results are printed and written to docs/benchmarks.md.
``BENCH_ONLY=matching make bench`` runs some sections and leaves the docs be;
``BENCH_PLANS=/tmp/plans.md`` writes the lists' query plans there as well.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CELERY_QUEUE", f"scaffold-bench-{os.getpid()}")
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    setup_test_environment,
    teardown_databases,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"
PLANS_DOC = DOCS.with_name("query-plans.md")
# What else the machine was doing: figures from a busy machine are slower.
LOAD_BEFORE = os.getloadavg()[0]


def measure(label: str, action: Callable[[], Any]) -> dict[str, Any]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - started
    count = len(queries.captured_queries)
    print(f"{label:<62} {seconds:8.2f} s {count:6d} queries  {result}")  # noqa: T201
    return {"label": label, "seconds": seconds, "queries": count, "result": result}


SECTIONS = ("reminders", "email_delivery", "matching", "people_import", "insights", "lists")


def main() -> int:
    if connection.vendor != "postgresql":
        print(  # noqa: T201
            "make bench measures on PostgreSQL: set BENCH_DATABASE_URL "
            "(default postgres://postgres@127.0.0.1:5432/scaffold)."
        )
        return 2
    only = [name for name in os.environ.get("BENCH_ONLY", "").split(",") if name]
    setup_test_environment(debug=False)
    databases = setup_databases(verbosity=0, interactive=False)
    sections = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
        for name in SECTIONS:
            if only and name not in only:
                continue
            module = importlib.import_module(f"tests.benchmarks.{name}")
            print(f"\n## {module.TITLE}")  # noqa: T201
            sections.append((module, module.run(measure)))
    finally:
        teardown_databases(databases, verbosity=0)
    if os.environ.get("BENCH_PLANS"):
        for module, _ in sections:
            if getattr(module, "PLANS", None):
                write_plans(module.PLANS, server, Path(os.environ["BENCH_PLANS"]))
    if only or os.environ.get("BENCH_PROFILE"):
        print("\n(A partial run: docs/benchmarks.md left as it was.)")  # noqa: T201
        return 0
    write_docs(sections, server)
    return 0


def write_docs(sections: list[tuple[Any, list[dict[str, Any]]]], pg: str) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Measured by `make bench` (tests/benchmarks/), which builds a throwaway",
        "PostgreSQL database, fills it and times the operations below. Figures are",
        "wall-clock seconds on the machine named, and the number of SQL queries.",
        "",
        f"Last run: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · PostgreSQL {pg} · "
        f"Python {platform.python_version()} · {os.cpu_count()} CPUs · Redis broker · "
        f"load average {LOAD_BEFORE:.2f} at the start, {os.getloadavg()[0]:.2f} at the end "
        "(1 minute)",
    ]
    for module, rows in sections:
        lines += ["", f"## {module.TITLE}", ""]
        if hasattr(module, "table"):
            lines += module.table(rows)
        else:
            lines += ["| operation | seconds | queries | result |", "|---|---:|---:|---|"]
            lines += [
                f"| {r['label']} | {r['seconds']:.2f} | {r['queries']} | {r['result']} |"
                for r in rows
            ]
        lines += ["", *module.NOTES]
        if getattr(module, "PLANS", None):
            write_plans(module.PLANS, pg)
    DOCS.write_text("\n".join(lines) + "\n")
    print(f"\nWritten to {DOCS}")  # noqa: T201


def write_plans(plans: list[tuple[str, str]], pg: str, path: Path | None = None) -> None:
    lines = [
        "# Query plans of the API's lists at a million check-ins",
        "",
        "Written by `make bench` (tests/benchmarks/lists.py): the statement that reads",
        "each page's rows, as the API sends it, and PostgreSQL's",
        "`EXPLAIN (ANALYZE, BUFFERS)` of it on the benchmark's data (10,000 people,",
        "5,000 pairings, 100,000 milestones, 1,000,000 check-ins).",
        "",
        f"Last run: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · PostgreSQL {pg}",
    ]
    for label, plan in plans:
        lines += ["", f"## {label}", "", "```", plan, "```"]
    (path or PLANS_DOC).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())

"""The big lists are read by an index in their own order, on PostgreSQL.

A page of HR's check-ins, milestones, pairings or people is the first rows
of an index, whatever the table holds; a deep page starts at the cursor's
row, found by a row comparison the index answers (not by reading and
discarding the rows before it). Sorting is switched off for the planner
(``enable_sort``), so a plan that still sorts had no index to read the
order from; sequential scans are switched off so a table of a few test rows
is read as a large one would be. docs/query-plans.md shows the same plans
on a million check-ins (``make bench``).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from mentorship.checkins.models import CheckIn
from mentorship.core.api.pagination import cursor_for
from mentorship.pairings.models import Milestone, Pairing
from mentorship.people.models import Person
from tests.factories import CheckInFactory, PersonFactory
from tests.fixtures.personas import Personas

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="Query plans are PostgreSQL's (CI runs them)."
    ),
]

LISTS = [
    ("/api/v1/check-ins/", CheckIn, ("-created_at", "-id"), "checkin_newest"),
    ("/api/v1/milestones/", Milestone, ("due_on", "id"), "milestone_by_due"),
    ("/api/v1/pairings/", Pairing, ("-created_at", "-id"), "pairing_newest"),
    ("/api/v1/people/", Person, ("full_name", "id"), "person_by_name"),
]


def page_query(client: Any, url: str, model: Any) -> str:
    """The statement that read the page's rows."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    table = f'FROM "{model._meta.db_table}"'
    limited = [
        q["sql"] for q in captured.captured_queries if " LIMIT " in q["sql"] and table in q["sql"]
    ]
    assert limited, "no page query"
    return max(limited, key=len)


def plan(sql: str) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (COSTS OFF) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def cursor_at(model: Any, ordering: tuple[str, ...]) -> str:
    fields = [name.lstrip("-") for name in ordering]
    values = model.objects.order_by(*ordering).values_list(*fields)[1]
    return cursor_for(list(values))


@pytest.fixture
def rows(personas: Personas) -> None:
    PersonFactory.create_batch(3)
    CheckInFactory.create_batch(3, pairing=personas.pairing, logged_by=personas.mentee)


@pytest.mark.parametrize(("url", "model", "ordering", "index"), LISTS)
def test_hr_pages_are_read_from_the_lists_index(
    rows: None,
    personas: Personas,
    client_for: Any,
    url: str,
    model: Any,
    ordering: tuple[str, ...],
    index: str,
) -> None:
    client = client_for(personas.hr)
    first = plan(page_query(client, url, model))
    assert f"using {index} on" in first, first
    assert "Sort" not in first, first

    deep = plan(page_query(client, f"{url}?cursor={cursor_at(model, ordering)}", model))
    assert f"using {index} on" in deep, deep
    assert "Sort" not in deep, deep
    # The cursor is where the index scan starts, not a filter on every row read.
    starts = [line for line in deep.splitlines() if "Index Cond: (ROW(" in line]
    assert starts, deep
    assert all(name.lstrip("-") in starts[0] for name in ordering), deep

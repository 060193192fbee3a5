from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for(action: Callable[[], Any]) -> int:
    """How many SQL queries ``action`` runs."""
    return served_and_queries(action)[1]


def served_and_queries[Served](action: Callable[[], Served]) -> tuple[Served, int]:
    """What ``action`` returns, and how many SQL queries it ran."""
    with CaptureQueriesContext(connection) as captured:
        result = action()
    return result, len(captured.captured_queries)


def assert_constant_queries[Served](
    action: Callable[[], Served],
    grow: Callable[[int], Any],
    *,
    served: Callable[[Served], int],
    at_most: int,
    per_unit: int = 1,
    up_to: int = 50,
) -> int:
    """Grow the data by one unit and run ``action``, then to ``up_to`` units
    and run it again: the query count must not change and must stay within
    ``at_most``, and the second run must serve exactly ``(up_to - 1) *
    per_unit`` more rows than the first.

    ``action`` returns what it served (a response); ``served`` counts the
    rows in it. Counting is what makes the test honest: a list that showed
    nothing, or only a first few, would run few queries for any amount of
    data. ``per_unit`` is how many rows one unit of ``grow`` puts in front of
    the viewer; ``up_to`` is lower only for a page that holds fewer rows than
    50 by design (it should then be exactly that page's size)."""
    assert up_to >= 20, "too few rows to tell a constant count from a growing one"
    more = up_to - 1
    grow(1)
    first, with_one = served_and_queries(action)
    grow(more)
    second, with_many = served_and_queries(action)
    served_one, served_many = served(first), served(second)
    assert served_one >= per_unit, f"served {served_one} rows after growing 1 unit of {per_unit}"
    assert served_many - served_one == more * per_unit, (
        f"served {served_one} rows, then {served_many} after growing {more} units of "
        f"{per_unit} (expected {served_one + more * per_unit})"
    )
    assert with_one == with_many, f"{with_one} queries for 1 unit, {with_many} for {up_to}"
    assert with_one <= at_most, f"{with_one} queries, budget {at_most}"
    return with_one


def api_rows(response: Any) -> int:
    """The rows of an API list: a page's ``results`` (which must be the only
    page, so ask for ``?page_size=200``), or a bare list."""
    assert response.status_code == 200, response.content
    body = response.json()
    if isinstance(body, dict):
        assert body["next"] is None, "the rows run past this page: ask for ?page_size=200"
        return len(body["results"])
    assert isinstance(body, list), body
    return len(body)


def occurrences(*markers: str) -> Callable[[Any], int]:
    """Counts the rows of an HTML page by ``markers`` each grown row renders
    exactly once (its link, its row's class); with several markers, the sum
    (rows of several kinds)."""
    assert markers

    def count(response: Any) -> int:
        assert response.status_code == 200, response.content
        html = response.content.decode()
        return sum(html.count(marker) for marker in markers)

    return count

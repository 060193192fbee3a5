from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for(action: Callable[[], Any]) -> int:
    """How many SQL queries ``action`` runs."""
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def assert_constant_queries(
    action: Callable[[], Any], grow: Callable[[int], Any], *, at_most: int
) -> int:
    """Run ``action`` with one row, then with fifty: the query count must not
    change, and must stay within ``at_most``."""
    grow(1)
    with_one = queries_for(action)
    grow(49)
    with_fifty = queries_for(action)
    assert with_one == with_fifty, f"{with_one} queries for 1 row, {with_fifty} for 50"
    assert with_one <= at_most, f"{with_one} queries, budget {at_most}"
    return with_one

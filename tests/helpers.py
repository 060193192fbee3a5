from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext


def two_writers_at_once(first: Callable[[], Any], second: Callable[[], Any]) -> None:
    """Run ``first`` and ``second`` each in its own transaction on its own
    connection, the second starting while the first has written and not yet
    committed (it holds its transaction open a second): whatever the second
    must wait for, it waits for. Raises what either raised."""
    first_wrote = threading.Event()
    errors: list[BaseException] = []

    def write(action: Callable[[], Any], hold: bool) -> None:
        try:
            with transaction.atomic():
                action()
                if hold:
                    first_wrote.set()
                    time.sleep(1.0)  # the other writer is now waiting on us
        except BaseException as exc:  # raised below, on the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(first, True))]
    threads[0].start()
    if not first_wrote.wait(timeout=30):
        threads[0].join(timeout=60)
        raise errors[0] if errors else AssertionError("the first writer never wrote")
    threads.append(threading.Thread(target=write, args=(second, False)))
    threads[1].start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a writer is still waiting after a minute"
    if errors:
        raise errors[0]


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


@dataclass
class SvgChart:
    attrs: dict[str, str]
    title: str = ""
    desc: str = ""
    texts: list[str] = field(default_factory=list)


@dataclass
class Table:
    caption: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


class ChartsAndTables(HTMLParser):
    """The charts (inline SVGs with a role) and the tables of a page, as
    plain text, for tests that read a page as assistive technology would."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.charts: list[SvgChart] = []
        self.tables: list[Table] = []
        self._svg_depth = 0
        self._text: list[str] | None = None
        self._where = ""
        self._row: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "svg":
            if self._svg_depth == 0 and "role" in attributes:
                self.charts.append(SvgChart(attributes))
            self._svg_depth += 1 if (self._svg_depth or "role" in attributes) else 0
        elif self._svg_depth and tag in ("title", "desc", "text"):
            self._text, self._where = [], tag
        elif tag == "table":
            self.tables.append(Table())
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("caption", "th", "td") and self.tables:
            self._text, self._where = [], tag

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg" and self._svg_depth:
            self._svg_depth -= 1
        elif tag == self._where and self._text is not None:
            text = " ".join(" ".join(self._text).split())
            self._text, self._where = None, ""
            if tag == "title" and not self.charts[-1].title:
                self.charts[-1].title = text
            elif tag == "desc":
                self.charts[-1].desc = text
            elif tag == "text":
                self.charts[-1].texts.append(text)
            elif tag == "caption":
                self.tables[-1].caption = text
            elif self._row is not None:
                self._row.append(text)
        elif tag == "tr" and self._row is not None and self.tables:
            table = self.tables[-1]
            if table.header or not self._row:
                table.rows.append(self._row)
            else:
                table.header = self._row
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def table(self, caption: str) -> Table:
        return next(t for t in self.tables if t.caption == caption)

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
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

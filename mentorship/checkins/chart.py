"""Confidence over time as an inline SVG line chart, drawn on the server (no
script), with the same figures in a table beside it.

Positions across are percentages of the chart's width and positions down are
pixels, so the chart fills a phone or a desktop while its text keeps its
size. Lines are drawn as segments (``<line>`` takes percentages where a path
does not) and their points as small shapes placed with ``<use>``. Each line
is named at its end, and the names are spread so that none covers another.
"""

from __future__ import annotations

import datetime as dt
import itertools
import textwrap
from dataclasses import dataclass

from mentorship.checkins.models import AssessmentOccasion, WeekPart, WeekSplit
from mentorship.checkins.selectors import Point
from mentorship.insights.risk import split_day

# Okabe–Ito (with a wine for the eighth), the colours that keep 3:1 against
# white first: distinguishable with the common colour-vision deficiencies.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#000000",
    "#882255",
    "#E69F00",
    "#56B4E9",
)
# One shape per line as well, so that colour is never the only cue.
MARKERS = ("circle", "square", "diamond", "triangle", "circle", "square", "diamond", "triangle")
MOST_LINES = len(PALETTE)  # never two lines in one colour

TOP, BOTTOM, LINE_HEIGHT, LABEL_GAP = 32, 40, 17, 4  # px
# % across: the value axis's labels on the left, the lines' names on the right.
LEFT, RIGHT = 7.0, 66.0
LABEL_CHARACTERS = 12  # a line's name wraps past this, to fit a phone's width
Y_TITLE = "Confidence (1–5)"
X_TITLE = "Date of the self-assessment"


@dataclass(frozen=True)
class Mark:
    x: float  # % across
    y: float  # px down
    title: str


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Line:
    name: str
    color: str
    marker: str
    segments: list[Segment]
    marks: list[Mark]
    label: list[str]  # the name, in lines that fit
    label_y: float  # px down: the first line's middle
    end_y: float  # px down: the line's last point, where its name points

    @property
    def label_lines(self) -> list[tuple[float, str]]:
        """Each line of the name with the height of its middle."""
        return [(self.label_y + i * LINE_HEIGHT, part) for i, part in enumerate(self.label)]


@dataclass(frozen=True)
class Column:
    taken_on: dt.date
    occasion: str

    @property
    def heading(self) -> str:
        return f"{AssessmentOccasion(self.occasion).label}, {self.taken_on:%-d %b %Y}"


@dataclass(frozen=True)
class Chart:
    height: int
    lines: list[Line]
    # (x, label, text-anchor): the end labels align inwards, so none is cut off.
    x_ticks: list[tuple[float, str, str]]
    y_ticks: list[tuple[float, int]]
    plot_top: int
    plot_bottom: int
    summary: str
    columns: list[Column]  # the table beside the chart: a column per assessment
    rows: list[tuple[str, list[int | None]]]  # a row per competency
    left: float = LEFT
    right: float = RIGHT
    x_title: str = X_TITLE
    y_title: str = Y_TITLE
    left_out: int = 0  # competencies in the table but not drawn (past MOST_LINES)

    @property
    def x_title_at(self) -> float:
        return round((self.left + self.right) / 2, 2)

    @property
    def x_labels_y(self) -> int:
        return self.plot_bottom + 18

    @property
    def x_title_y(self) -> int:
        return self.height - 4

    @property
    def label_x(self) -> float:
        return self.right


def spread(wanted: list[float], heights: list[float], *, top: float, bottom: float) -> list[float]:
    """Move labels (their wanted top edges, in order down) as little as
    possible so that none overlaps the next, keeping them between ``top`` and
    ``bottom`` when they fit there at all."""
    placed: list[float] = []
    for i, y in enumerate(wanted):
        placed.append(max(y, top, placed[-1] + heights[i - 1]) if placed else max(y, top))
    # Pushed past the bottom: pull them back up from the last one.
    limit = bottom
    for i in range(len(placed) - 1, -1, -1):
        if placed[i] + heights[i] > limit:
            placed[i] = max(limit - heights[i], top if i == 0 else float("-inf"))
        limit = placed[i]
    return [round(y, 1) for y in placed]


def confidence_chart(
    series: dict[str, list[Point]], *, start: dt.date, end: dt.date
) -> Chart | None:
    """Lines per competency over the days from ``start`` to ``end``, scores
    1 to 5. None when there is nothing to draw."""
    if not any(series.values()):
        return None
    every_point = [p for points in series.values() for p in points]
    first = min([start, *(p.taken_on for p in every_point)])
    last = max([end, *(p.taken_on for p in every_point)])
    span = max((last - first).days, 1)
    drawn = dict(list(series.items())[:MOST_LINES])
    labels = [
        textwrap.wrap(name, LABEL_CHARACTERS, break_long_words=False) or [name] for name in drawn
    ]
    label_heights = [len(lines) * LINE_HEIGHT + LABEL_GAP for lines in labels]
    height = max(260, TOP + BOTTOM + sum(label_heights) + 8)
    bottom = height - BOTTOM

    def x_of(day: dt.date) -> float:
        return round(LEFT + (RIGHT - LEFT) * (day - first).days / span, 2)

    def y_of(score: int) -> float:
        return round(TOP + (bottom - TOP) * (5 - score) / 4, 1)

    # Each name as near as it can be to the height where its line ends,
    # ordered as the line ends are, so none crosses another.
    ends = {name: y_of(points[-1].score) for name, points in drawn.items() if points}
    order = sorted(range(len(drawn)), key=lambda i: (ends.get(list(drawn)[i], bottom), i))
    tops = spread(
        [ends.get(list(drawn)[i], bottom) - label_heights[i] / 2 for i in order],
        [label_heights[i] for i in order],
        top=TOP - LINE_HEIGHT / 2,
        bottom=bottom + LINE_HEIGHT / 2,
    )
    label_top = dict(zip(order, tops, strict=True))

    lines = []
    for index, (name, points) in enumerate(drawn.items()):
        marks = [
            Mark(
                x_of(p.taken_on),
                y_of(p.score),
                f"{name}: {p.score} on {p.taken_on:%-d %b %Y}",
            )
            for p in points
        ]
        lines.append(
            Line(
                name=name,
                color=PALETTE[index],
                marker=MARKERS[index],
                segments=[Segment(a.x, a.y, b.x, b.y) for a, b in itertools.pairwise(marks)],
                marks=marks,
                label=labels[index],
                label_y=round(label_top[index] + (LABEL_GAP + LINE_HEIGHT) / 2, 1),
                end_y=ends.get(name, bottom),
            )
        )

    columns = sorted({Column(p.taken_on, p.occasion) for p in every_point}, key=_column_order)
    rows = []
    for name, points in series.items():
        scores = {Column(p.taken_on, p.occasion): p.score for p in points}
        rows.append((name, [scores.get(column) for column in columns]))

    ticks = [first + dt.timedelta(days=span * i / 3) for i in range(4)]
    return Chart(
        height=height,
        lines=lines,
        x_ticks=[
            (x_of(day), f"{day:%-d %b}", ("start", "middle", "middle", "end")[i])
            for i, day in enumerate(ticks)
        ],
        y_ticks=[(y_of(score), score) for score in range(1, 6)],
        plot_top=TOP,
        plot_bottom=bottom,
        summary=_summary(series, first, last),
        columns=columns,
        rows=rows,
        left_out=len(series) - len(drawn),
    )


def _column_order(column: Column) -> tuple[dt.date, int]:
    return column.taken_on, list(AssessmentOccasion.values).index(column.occasion)


def _summary(series: dict[str, list[Point]], first: dt.date, last: dt.date) -> str:
    """In words, for assistive technology: what changed for each competency."""
    changes = []
    for name, points in series.items():
        if not points:
            continue
        if len(points) == 1 or points[0].score == points[-1].score:
            changes.append(f"{name} {points[-1].score}")
        else:
            changes.append(f"{name} from {points[0].score} to {points[-1].score}")
    return (
        f"Self-rated confidence from 1 to 5 between {first:%-d %b %Y} and {last:%-d %b %Y}: "
        + "; ".join(changes)
        + ". The table beside has every rating."
    )


# --------------------------------------------------------------------------
# Where the week goes: one stacked bar per week, each part's share of it.

WEEK_COLORS = {
    "individual": "#D55E00",
    "people": "#0072B2",
    "direction": "#009E73",
    "other": "#767676",
}
WEEK_ROW, WEEK_BAR = 30, 22  # px: a week's row, and its bar within it
WEEK_LABELS = 16.0  # % across kept on the left for each week's date


@dataclass(frozen=True)
class WeekSegment:
    x: float  # % across
    width: float  # %
    color: str
    label: str
    share: int

    @property
    def text_x(self) -> float:
        return round(self.x + self.width / 2, 2)


@dataclass(frozen=True)
class WeekRow:
    week_of: dt.date
    day: int | None  # the day of the pairing the week ends on
    y: int  # px down
    segments: list[WeekSegment]

    @property
    def text_y(self) -> int:
        return self.y + WEEK_BAR // 2 + 5


@dataclass(frozen=True)
class WeekChart:
    rows: list[WeekRow]
    legend: list[tuple[str, str]]  # colour, label

    @property
    def height(self) -> int:
        return len(self.rows) * WEEK_ROW

    @property
    def bar_height(self) -> int:
        return WEEK_BAR


def week_chart(splits: list[WeekSplit], *, starts_on: dt.date | None, today: dt.date) -> WeekChart:
    """The pairing's week splits, oldest first, as stacked bars of 100 %."""
    rows = []
    scale = (100 - WEEK_LABELS) / 100
    for index, split in enumerate(splits):
        x, segments = WEEK_LABELS, []
        for value, label, share in split.parts():
            width = round(share * scale, 2)
            if width:
                segments.append(WeekSegment(round(x, 2), width, WEEK_COLORS[value], label, share))
            x += width
        day = split_day(starts_on, split.week_of, today) if starts_on else None
        rows.append(WeekRow(split.week_of, day, index * WEEK_ROW, segments))
    return WeekChart(rows, [(WEEK_COLORS[part.value], str(part.label)) for part in WeekPart])

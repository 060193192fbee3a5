"""The dashboard's charts as inline SVG, drawn on the server (no script).

Positions across are percentages of the chart's width and positions down are
pixels, so a chart fills any width — a phone's or a desktop's — while its
text keeps its size. Every chart names its axes (with units), labels its
series on the chart itself, and carries the rows of the table shown beside
it, so the same figures can be read without the picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Okabe–Ito colours that keep 3:1 against white, so bars stand out as
# non-text content must.
BLUE, VERMILLION, GREEN = "#0072B2", "#D55E00", "#009E73"

# Vertical bars: pixels down from the top of the chart.
BARS_HEIGHT, BARS_TOP, BARS_BASE = 244, 40, 196
# ...and percentages across: room on the left for the value axis.
BARS_LEFT, BARS_RIGHT = 11.0, 99.0


@dataclass(frozen=True)
class Tick:
    at: float  # px down (a value axis) or % across
    label: str


@dataclass(frozen=True)
class Bar:
    x: float  # % across, left edge
    width: float  # %
    y: float  # px down, top
    height: float  # px
    label: str
    value: str
    # Every other category label is left out on narrow screens, where they
    # would run into each other (the table beside has them all).
    minor: bool = False

    @property
    def center(self) -> float:
        return round(self.x + self.width / 2, 2)

    @property
    def value_y(self) -> float:
        """Where the value sits: just above the bar."""
        return round(self.y - 5, 1)


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    ticks: list[Tick]
    x_title: str
    y_title: str
    color: str
    summary: str
    height: int = BARS_HEIGHT
    top: int = BARS_TOP
    base: int = BARS_BASE
    left: float = BARS_LEFT
    right: float = BARS_RIGHT

    @property
    def x_title_at(self) -> float:
        return round((self.left + self.right) / 2, 2)

    @property
    def labels_y(self) -> int:
        return self.base + 18

    @property
    def x_title_y(self) -> int:
        return self.height - 4


def nice_step(top: float, count: int = 4) -> float:
    """A round step (1, 2 or 5 × a power of ten) giving about ``count``
    gridlines up to ``top``."""
    if top <= 0:
        return 1
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _ticks(ceiling: float, step: float, fmt: str) -> list[Tick]:
    ticks, value = [], 0.0
    while value <= ceiling + step / 1000:
        y = BARS_BASE - (BARS_BASE - BARS_TOP) * value / ceiling
        ticks.append(Tick(round(y, 1), fmt.format(value)))
        value += step
    return ticks


def bar_chart(
    points: list[tuple[str, float]],
    *,
    x_title: str,
    y_title: str,
    top: float | None = None,
    fmt: str = "{:g}",
    color: str = BLUE,
    describe: str = "{}",
    counts: bool = False,
) -> BarChart | None:
    """One bar per point, on a value axis from 0 to ``top`` (else a round
    number at or above the largest value). ``describe`` turns a bar's label
    into words for the summary ("the week of {}"). ``counts``: the values
    are whole numbers, so the axis steps by 1 at least (no "0.5" gridline,
    and an all-zero chart reads 0 to 1, not 0 to 0). None when there is
    nothing to draw."""
    if not points:
        return None
    largest = max(value for _, value in points)
    if top is None:
        step = nice_step(largest or 1)
        if counts:
            step = max(step, 1)
        ceiling = step * max(math.ceil(largest / step), 1)
    else:
        ceiling, step = top, nice_step(top)
    slot = (BARS_RIGHT - BARS_LEFT) / len(points)
    width = slot * 0.7
    bars = []
    for index, (label, value) in enumerate(points):
        height = (BARS_BASE - BARS_TOP) * min(max(value, 0) / ceiling, 1)
        bars.append(
            Bar(
                x=round(BARS_LEFT + index * slot + (slot - width) / 2, 2),
                width=round(width, 2),
                y=round(BARS_BASE - height, 1),
                height=round(height, 1),
                label=label,
                value=fmt.format(value),
                minor=len(points) > 7 and index % 2 == 1,
            )
        )
    peak = max(bars, key=lambda bar: bar.height)
    summary = (
        f"{len(bars)} bars, from {describe.format(bars[0].label)} to "
        f"{describe.format(bars[-1].label)}; the highest is {peak.value}, "
        f"{describe.format(peak.label)}. The table beside has every figure."
    )
    return BarChart(
        bars=bars,
        ticks=_ticks(ceiling, step, fmt),
        x_title=x_title,
        y_title=y_title,
        color=color,
        summary=summary,
    )


# Horizontal grouped bars: one group per category, one bar per series.
GROUP_LABEL, BAR_HEIGHT, BAR_GAP, GROUP_GAP = 20, 14, 4, 14
GROUPED_TOP, GROUPED_AXIS = 8, 36  # px: above the first group; the axis below the last
# % across: the bars end by 78%, leaving room for their labels.
GROUPED_LEFT, GROUPED_RIGHT = 0.0, 78.0


@dataclass(frozen=True)
class Series:
    name: str
    color: str


@dataclass(frozen=True)
class HBar:
    series: Series
    y: float  # px down, top
    width: float  # % across
    value: str

    @property
    def label_y(self) -> float:
        return round(self.y + BAR_HEIGHT / 2, 1)


@dataclass(frozen=True)
class Group:
    label: str
    label_y: float  # px down, the text's baseline
    bars: list[HBar]


@dataclass(frozen=True)
class GroupedBars:
    series: list[Series]
    groups: list[Group]
    ticks: list[Tick]  # % across
    x_title: str
    axis_y: float  # px down
    height: int
    summary: str
    left: float = GROUPED_LEFT
    right: float = GROUPED_RIGHT

    @property
    def x_title_at(self) -> float:
        return round((self.left + self.right) / 2, 2)

    @property
    def tick_labels_y(self) -> float:
        return self.axis_y + 14

    @property
    def x_title_y(self) -> int:
        return self.height - 4


def grouped_bars(
    rows: list[tuple[str, list[float]]],
    *,
    series: list[Series],
    x_title: str,
    top: float,
    ticks: list[float],
    fmt: str = "{:g}",
) -> GroupedBars | None:
    """Horizontal bars, one group per row and one bar per series, each bar
    labelled with its series and value, on an axis from 0 to ``top``. None
    when there is nothing to draw."""
    if not rows:
        return None
    if len({s.color for s in series}) != len(series):
        raise ValueError("Each series needs a colour of its own.")
    span = GROUPED_RIGHT - GROUPED_LEFT
    groups, y = [], float(GROUPED_TOP)
    for label, values in rows:
        label_y = y + GROUP_LABEL - 6
        y += GROUP_LABEL
        bars = []
        for one, value in zip(series, values, strict=True):
            bars.append(
                HBar(
                    series=one,
                    y=round(y, 1),
                    width=round(span * min(max(value, 0) / top, 1), 2),
                    value=fmt.format(value),
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        groups.append(Group(label=label, label_y=round(label_y, 1), bars=bars))
        y += GROUP_GAP
    axis_y = y
    names = " and ".join(s.name for s in series)
    summary = (
        f"{names} for {len(groups)} groups, each bar labelled with its value. "
        "The table beside has every figure."
    )
    return GroupedBars(
        series=series,
        groups=groups,
        ticks=[Tick(round(GROUPED_LEFT + span * t / top, 2), f"{t:g}") for t in ticks],
        x_title=x_title,
        axis_y=round(axis_y, 1),
        height=round(axis_y + GROUPED_AXIS),
        summary=summary,
    )

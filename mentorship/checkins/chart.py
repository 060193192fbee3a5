"""Confidence over time as an inline SVG line chart: drawn on the server,
no script, with the same figures in a table beside it for screen readers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mentorship.checkins.selectors import Point

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#882255",
)
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 36, 16, 12, 28


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Line:
    name: str
    color: str
    path: str
    dots: list[Dot]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    lines: list[Line]
    # (x, label, text-anchor): the end labels align inwards, so none is cut off.
    x_ticks: list[tuple[float, str, str]]
    y_ticks: list[tuple[float, int]]
    plot_left: int
    plot_right: int
    plot_bottom: int


def confidence_chart(
    series: dict[str, list[Point]], *, start: dt.date, end: dt.date
) -> Chart | None:
    """Lines per competency over the days from ``start`` to ``end``, scores
    1 to 5. None when there is nothing to draw."""
    if not any(series.values()):
        return None
    first = min([start, *(p.taken_on for points in series.values() for p in points)])
    last = max([end, *(p.taken_on for points in series.values() for p in points)])
    span = max((last - first).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(day: dt.date) -> float:
        return round(LEFT + plot_w * (day - first).days / span, 1)

    def y_of(score: int) -> float:
        return round(TOP + plot_h * (5 - score) / 4, 1)

    lines = []
    for index, (name, points) in enumerate(series.items()):
        dots = [
            Dot(x_of(p.taken_on), y_of(p.score), f"{name}: {p.score} on {p.taken_on:%-d %b %Y}")
            for p in points
        ]
        path = " ".join(f"{'M' if i == 0 else 'L'}{d.x},{d.y}" for i, d in enumerate(dots))
        lines.append(Line(name, PALETTE[index % len(PALETTE)], path, dots))
    ticks = [first + dt.timedelta(days=span * i / 3) for i in range(4)]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        lines=lines,
        x_ticks=[
            (x_of(day), f"{day:%-d %b}", ("start", "middle", "middle", "end")[i])
            for i, day in enumerate(ticks)
        ],
        y_ticks=[(y_of(score), score) for score in range(1, 6)],
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_bottom=HEIGHT - BOTTOM,
    )

"""Bar charts as inline SVG, drawn on the server (no script), each with the
same figures in a table for screen readers."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, BASE, TOP = 640, 200, 176, 12


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    color: str

    @property
    def center(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def value_y(self) -> float:
        """Where the value sits: just above the bar."""
        return round(self.y - 4, 1)


def bar_chart(
    points: list[tuple[str, float]],
    *,
    top: float | None = None,
    fmt: str = "{:g}",
    colors: tuple[str, ...] = ("#0072B2",),
) -> list[Bar]:
    """One bar per point, scaled to ``top`` (the largest value if None)."""
    if not points:
        return []
    ceiling = top or max(value for _, value in points) or 1
    slot = WIDTH / len(points)
    width = max(slot * 0.7, 2)
    bars = []
    for index, (label, value) in enumerate(points):
        height = (BASE - TOP) * min(value / ceiling, 1)
        bars.append(
            Bar(
                x=round(index * slot + (slot - width) / 2, 1),
                y=round(BASE - height, 1),
                width=round(width, 1),
                height=round(height, 1),
                label=label,
                value=fmt.format(value),
                color=colors[index % len(colors)],
            )
        )
    return bars

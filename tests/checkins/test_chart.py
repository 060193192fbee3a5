"""The confidence chart's builder, a pure function: where lines and points
go, each line's own colour and shape, names at the lines' ends that never
cover one another, and the table of the same ratings."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from mentorship.checkins.chart import (
    LEFT,
    LINE_HEIGHT,
    MOST_LINES,
    RIGHT,
    TOP,
    confidence_chart,
    spread,
)
from mentorship.checkins.selectors import Point

START = dt.date(2027, 1, 4)
END = START + dt.timedelta(days=90)


def points(*scores: int, every: int = 30) -> list[Point]:
    occasions = ("day_0", "day_30", "day_60", "day_90")
    return [
        Point(START + dt.timedelta(days=every * i), score, occasions[i])
        for i, score in enumerate(scores)
    ]


def test_no_ratings_draw_no_chart() -> None:
    assert confidence_chart({}, start=START, end=END) is None
    assert confidence_chart({"Coaching": []}, start=START, end=END) is None


def test_points_sit_on_the_date_and_score_axes() -> None:
    chart = confidence_chart({"Coaching and feedback": points(1, 3, 5, 4)}, start=START, end=END)
    assert chart is not None
    assert (chart.y_title, chart.x_title) == ("Confidence (1–5)", "Date of the self-assessment")
    (line,) = chart.lines
    xs = [mark.x for mark in line.marks]
    assert xs[0] == LEFT
    assert xs[-1] == RIGHT
    assert xs == sorted(xs)
    ys = {score: y for y, score in chart.y_ticks}
    assert ys[5] == TOP
    assert ys[1] == chart.plot_bottom
    assert [mark.y for mark in line.marks] == [ys[1], ys[3], ys[5], ys[4]]
    assert len(line.segments) == 3
    assert line.marks[2].title == "Coaching and feedback: 5 on 5 Mar 2027"
    assert [label for _, label, _ in chart.x_ticks] == ["4 Jan", "3 Feb", "5 Mar", "4 Apr"]


def test_each_line_has_a_colour_and_a_shape_of_its_own_up_to_eight() -> None:
    names = [f"Competency {i}" for i in range(10)]
    chart = confidence_chart({n: points(3) for n in names}, start=START, end=END)
    assert chart is not None
    assert len(chart.lines) == MOST_LINES == 8
    assert len({line.color for line in chart.lines}) == 8
    assert len({(line.color, line.marker) for line in chart.lines}) == 8
    # The two left out are still in the table.
    assert chart.left_out == 2
    assert [name for name, _ in chart.rows] == names


def test_names_at_the_lines_ends_never_cover_one_another() -> None:
    # Five lines ending on the same score: their names are spread apart.
    series = {
        "Coaching and feedback": points(2, 3),
        "Conflict resolution": points(4, 3),
        "Hiring and team building": points(1, 3),
        "Prioritization and delegation": points(5, 3),
        "Stakeholder management": points(3, 3),
    }
    chart = confidence_chart(series, start=START, end=END)
    assert chart is not None
    spans = sorted(
        (line.label_y - LINE_HEIGHT / 2, line.label_y + LINE_HEIGHT * (len(line.label) - 0.5))
        for line in chart.lines
    )
    for (_, bottom), (top, _) in itertools.pairwise(spans):
        assert top >= bottom
    assert spans[0][0] >= 0
    assert spans[-1][1] <= chart.height
    # Long names wrap to fit a phone, whole words only.
    hiring = next(line for line in chart.lines if line.name.startswith("Hiring"))
    assert hiring.label == ["Hiring and", "team", "building"]
    prioritization = next(line for line in chart.lines if line.name.startswith("Priori"))
    assert prioritization.label[0] == "Prioritization"


def test_the_table_has_a_column_per_self_assessment_and_a_row_per_competency() -> None:
    chart = confidence_chart(
        {"Coaching": points(2, 4), "Conflict": points(3)}, start=START, end=END
    )
    assert chart is not None
    assert [c.heading for c in chart.columns] == ["Day 0, 4 Jan 2027", "Day 30, 3 Feb 2027"]
    assert chart.rows == [("Coaching", [2, 4]), ("Conflict", [3, None])]
    assert chart.summary == (
        "Self-rated confidence from 1 to 5 between 4 Jan 2027 and 4 Apr 2027: "
        "Coaching from 2 to 4; Conflict 3. The table beside has every rating."
    )


@pytest.mark.parametrize(
    ("wanted", "heights", "placed"),
    [
        ([10, 50, 90], [20, 20, 20], [10, 50, 90]),  # already apart: unmoved
        ([10, 15, 20], [20, 20, 20], [10, 30, 50]),  # pushed down, in order
        ([150, 160, 170], [20, 20, 20], [120, 140, 160]),  # past the bottom: pulled up
        ([-30, 0], [20, 20], [0, 20]),  # above the top: pushed down
    ],
)
def test_spread_moves_labels_apart_as_little_as_it_can(
    wanted: list[float], heights: list[float], placed: list[float]
) -> None:
    assert spread(wanted, heights, top=0, bottom=180) == placed

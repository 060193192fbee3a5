"""The dashboard's chart builders, pure functions: where each bar goes, the
value axis's round steps, the labels, and the words that describe a chart."""

from __future__ import annotations

import itertools

import pytest

from mentorship.insights.charts import (
    BARS_BASE,
    BARS_LEFT,
    BARS_RIGHT,
    BARS_TOP,
    BLUE,
    GROUPED_RIGHT,
    VERMILLION,
    Series,
    bar_chart,
    grouped_bars,
    nice_step,
)


@pytest.mark.parametrize(
    ("top", "step"), [(5, 2), (12, 5), (100, 50), (3, 1), (40, 10), (0, 1), (0.6, 0.2)]
)
def test_the_value_axis_steps_in_round_numbers(top: float, step: float) -> None:
    assert nice_step(top) == pytest.approx(step)


def test_nothing_to_draw_is_no_chart() -> None:
    assert bar_chart([], x_title="Week of", y_title="Check-ins") is None
    assert grouped_bars([], series=[], x_title="x", top=5, ticks=[]) is None


def test_bars_stand_on_a_labelled_axis_that_rounds_up_past_the_tallest() -> None:
    chart = bar_chart(
        [("14 Sep", 0), ("21 Sep", 3), ("28 Sep", 5)],
        x_title="Week of",
        y_title="Check-ins",
        fmt="{:.0f}",
        describe="the week of {}",
    )
    assert chart is not None
    assert (chart.x_title, chart.y_title) == ("Week of", "Check-ins")
    # 5 rounds up to 6 in steps of 2: gridlines at 0, 2, 4 and 6.
    assert [t.label for t in chart.ticks] == ["0", "2", "4", "6"]
    assert chart.ticks[0].at == BARS_BASE
    assert chart.ticks[-1].at == BARS_TOP
    empty, three, five = chart.bars
    assert empty.height == 0
    assert five.height == pytest.approx((BARS_BASE - BARS_TOP) * 5 / 6, abs=0.1)
    assert three.height == pytest.approx((BARS_BASE - BARS_TOP) * 3 / 6, abs=0.1)
    for bar in chart.bars:
        assert bar.y + bar.height == pytest.approx(BARS_BASE)
        assert BARS_LEFT <= bar.x < bar.x + bar.width <= BARS_RIGHT
    assert [bar.value for bar in chart.bars] == ["0", "3", "5"]
    assert chart.summary == (
        "3 bars, from the week of 14 Sep to the week of 28 Sep; the highest is 5, "
        "the week of 28 Sep. The table beside has every figure."
    )


def test_bars_never_overlap_and_keep_their_order() -> None:
    chart = bar_chart([(str(i), i) for i in range(12)], x_title="x", y_title="y")
    assert chart is not None
    for left, right in zip(chart.bars, chart.bars[1:], strict=False):
        assert left.x + left.width < right.x


def test_a_fixed_top_caps_the_axis_and_the_bars() -> None:
    chart = bar_chart(
        [("0–14", 50), ("15–29", 100), ("30–44", 120)],
        x_title="Days into the pairing (when due)",
        y_title="Done (% of due milestones)",
        top=100,
        fmt="{:.0f}%",
    )
    assert chart is not None
    assert [t.label for t in chart.ticks] == ["0%", "50%", "100%"]
    assert chart.bars[1].height == chart.bars[2].height == BARS_BASE - BARS_TOP
    assert chart.bars[2].value == "120%"


def test_every_other_category_label_gives_way_on_a_narrow_screen_past_seven_bars() -> None:
    seven = bar_chart([(str(i), 1) for i in range(7)], x_title="x", y_title="y")
    twelve = bar_chart([(str(i), 1) for i in range(12)], x_title="x", y_title="y")
    assert seven is not None
    assert twelve is not None
    assert not any(bar.minor for bar in seven.bars)
    assert [bar.minor for bar in twelve.bars] == [False, True] * 6


def test_grouped_bars_label_each_bar_with_its_series_and_value() -> None:
    series = [Series("Day 0", VERMILLION), Series("Latest", BLUE)]
    chart = grouped_bars(
        [("Coaching and feedback", [2.0, 4.0]), ("Conflict resolution", [5.0, 1.25])],
        series=series,
        x_title="Mean confidence (1–5)",
        top=5,
        ticks=[0, 1, 2, 3, 4, 5],
    )
    assert chart is not None
    assert chart.x_title == "Mean confidence (1–5)"
    assert [t.label for t in chart.ticks] == ["0", "1", "2", "3", "4", "5"]
    assert chart.ticks[-1].at == GROUPED_RIGHT
    coaching, conflict = chart.groups
    assert coaching.label == "Coaching and feedback"
    assert [(b.series.name, b.value) for b in coaching.bars] == [("Day 0", "2"), ("Latest", "4")]
    assert coaching.bars[0].width == pytest.approx(GROUPED_RIGHT * 2 / 5)
    assert conflict.bars[0].width == pytest.approx(GROUPED_RIGHT)
    # Down the chart in order, no bar over another, the axis below them all.
    tops = [b.y for g in chart.groups for b in g.bars]
    assert tops == sorted(tops)
    assert all(b - a >= 14 for a, b in itertools.pairwise(tops))
    assert chart.axis_y > tops[-1] + 14
    assert chart.height > chart.axis_y
    assert "Day 0 and Latest for 2 groups" in chart.summary


def test_two_series_never_share_a_colour() -> None:
    with pytest.raises(ValueError, match="colour of its own"):
        grouped_bars(
            [("A", [1, 2])],
            series=[Series("Day 0", BLUE), Series("Latest", BLUE)],
            x_title="x",
            top=5,
            ticks=[0, 5],
        )


def test_counts_step_by_whole_numbers_even_when_all_are_zero() -> None:
    quiet = bar_chart([("a", 0), ("b", 0)], x_title="x", y_title="y", fmt="{:.0f}", counts=True)
    few = bar_chart([("a", 1), ("b", 2)], x_title="x", y_title="y", fmt="{:.0f}", counts=True)

    assert quiet is not None
    assert few is not None
    assert [tick.label for tick in quiet.ticks] == ["0", "1"]
    assert [tick.label for tick in few.ticks] == ["0", "1", "2"]

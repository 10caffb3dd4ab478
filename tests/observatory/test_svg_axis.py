"""The shared chart axis: nice steps, scales with zero (bars) or to the data (lines)."""

from __future__ import annotations

import re

import pytest

from insaf.reports.svg_axis import (
    Scale,
    clamp_label,
    horizontal_grid,
    nice_step,
    scale_to_data,
    scale_with_zero,
)
from insaf.web.observatory.charts import ChartSeries, Point, trend_svg


def test_nice_steps_by_hand() -> None:
    # 1, 2, 2.5, 5 or 10 times a power of ten, the smallest at least the raw step
    assert nice_step(1.32) == 2.0
    assert nice_step(0.6) == 1.0
    assert nice_step(2.2) == 2.5
    assert nice_step(0.03) == pytest.approx(0.05)
    assert nice_step(7.0) == 10.0
    assert nice_step(200.0) == 200.0
    with pytest.raises(ValueError, match="positive span"):
        nice_step(0.0)


def test_a_line_scale_follows_the_data() -> None:
    # 89 to 94: raw step (94 - 89) / 5 = 1 -> step 1, axis 89 to 94 (not 0 to 100)
    scale = scale_to_data(89.0, 94.0)
    assert (scale.low, scale.high, scale.step) == (89.0, 94.0, 1.0)
    assert scale.ticks == [89.0, 90.0, 91.0, 92.0, 93.0, 94.0]
    # with its intervals, 88.2 to 94.8: raw 1.32 -> step 2, axis 88 to 96
    wider = scale_to_data(88.2, 94.8)
    assert (wider.low, wider.high, wider.step) == (88.0, 96.0, 2.0)
    # a flat series gets 5 % either side: 50 -> 47.5 to 52.5, raw 1 -> step 1, 47 to 53
    flat = scale_to_data(50.0, 50.0)
    assert (flat.low, flat.high) == (47.0, 53.0)


def test_a_bar_scale_holds_zero() -> None:
    scale = scale_with_zero(0.12, 0.47)  # raw 0.094 -> step 0.1, axis 0 to 0.5
    assert (scale.low, scale.high, scale.step) == (0.0, 0.5, pytest.approx(0.1))
    negative = scale_with_zero(-3.0, 7.0)  # span 10, raw 2 -> step 2, -4 to 8
    assert (negative.low, negative.high) == (-4.0, 8.0)
    assert 0.0 in negative.ticks


def test_positions_and_grid() -> None:
    scale = Scale(88.0, 96.0, 2.0)
    y = scale.to(300.0, 20.0)  # low at the bottom
    assert y(88.0) == 300.0 and y(96.0) == 20.0 and y(92.0) == 160.0
    grid = horizontal_grid(scale, y, left=64, right=700, label=lambda v: f"{v:.0f}%")
    assert len(grid) == 5 and ">88%<" in grid[0] and ">96%<" in grid[-1]


def test_a_label_stays_inside() -> None:
    # 10 characters at 12 px: 72 px wide; left of a mark at x = 300 it fits
    assert clamp_label(300.0, "Target 5.0", left=64, right=700) == (290.0, "end")
    # near the left edge it goes to the right of the mark
    assert clamp_label(70.0, "Target 5.0", left=64, right=700) == (80.0, "start")
    # a label wider than the room left and right starts at the left edge
    x, anchor = clamp_label(70.0, "T" * 120, left=64, right=700)
    assert (x, anchor) == (64.0, "start")


def test_a_disaggregation_chart_is_scaled_to_its_data() -> None:
    series = [
        ChartSeries(
            "female",
            [
                Point(y, 89.0 + 0.5 * i, 88.5 + 0.5 * i, 89.5 + 0.5 * i)
                for i, y in enumerate(range(2019, 2025))
            ],
        ),
        ChartSeries("male", [Point(y, 91.0 + 0.5 * i) for i, y in enumerate(range(2019, 2025))]),
    ]
    svg = trend_svg(series, title="t", description="d", target=(2030, 95.0), target_label="Target")
    labels = re.findall(r'text-anchor="end" font-size="12" fill="#333333">([\d.,]+)</text>', svg)
    assert labels[0] == "88.0" and labels[-1] == "96.0"  # 88.5 .. 95 -> 88 to 96 by 2
    target = re.search(r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="(\w+)"[^>]*chart-target', svg)
    assert target is not None
    x, y, anchor = float(target.group(1)), float(target.group(2)), target.group(3)
    # the target (2030) is the right edge: its label is written leftwards from it, inside
    assert anchor == "end" and x <= 720 - 24 and y >= 20

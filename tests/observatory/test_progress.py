"""Progress methods against hand calculations written out in each test."""

from __future__ import annotations

import pytest

from insaf.observatory import Direction, Status, Target, anticipated_progress, cagr_ratio
from insaf.observatory.progress import weighted_trend


def test_cagr_ratio_with_target_on_track() -> None:
    # Poverty falls from 20.0 (2015) to 16.0 (2020); target 10.0 by 2030, counted from 2015.
    # CAGR_obs = (16/20)^(1/5) - 1 = 0.8^0.2 - 1 = exp(0.2 * ln 0.8) - 1
    #          = exp(-0.0446287) - 1 = -0.0436480
    # CAGR_req = (10/20)^(1/15) - 1 = exp(ln 0.5 / 15) - 1 = exp(-0.0462098) - 1 = -0.0451584
    # R = sign(y0) * d * CAGR_obs / |CAGR_req| = (+1)(-1)(-0.0436480) / 0.0451584 = 0.96655
    p = cagr_ratio(
        {2015: 20.0, 2020: 16.0},
        direction=Direction.DECREASE,
        target=Target(value=10.0, year=2030, baseline_year=2015),
    )
    assert p.score == pytest.approx(0.96655, abs=5e-5)
    assert p.status is Status.ON_TRACK  # R >= 0.95
    assert (p.base_year, p.current_year) == (2015, 2020)


def test_cagr_ratio_with_target_needs_acceleration() -> None:
    # Attendance 80 (2019) -> 82 (2024), target 98 by 2030.
    # CAGR_obs = (82/80)^(1/5) - 1 = 1.025^0.2 - 1 = 0.0049506
    # CAGR_req = (98/80)^(1/11) - 1 = 1.225^(1/11) - 1 = exp(0.2029409/11) - 1 = 0.0186218
    # R = 0.0049506 / 0.0186218 = 0.26585 -> limited progress (0 <= R < 0.6)
    p = cagr_ratio(
        {2019: 80.0, 2024: 82.0},
        direction=Direction.INCREASE,
        target=Target(value=98.0, year=2030),
    )
    assert p.score == pytest.approx(0.26585, abs=5e-5)
    assert p.status is Status.LIMITED


def test_cagr_ratio_deterioration_and_achieved() -> None:
    # A rate to decrease that rises: CAGR_obs = (22/20)^(1/2) - 1 = 0.0488088, R < 0.
    target = Target(value=10.0, year=2030)
    worse = cagr_ratio({2020: 20.0, 2022: 22.0}, direction=Direction.DECREASE, target=target)
    assert worse.status is Status.DETERIORATION
    assert worse.score is not None and worse.score < 0
    done = cagr_ratio({2020: 20.0, 2022: 9.5}, direction=Direction.DECREASE, target=target)
    assert done.status is Status.ACHIEVED


def test_cagr_without_target_uses_fixed_growth_thresholds() -> None:
    # No target: d * CAGR compared with 1.5 %, 0.5 %, 0.
    # (52/50)^(1/5) - 1 = exp(ln 1.04 / 5) - 1 = exp(0.0078441) - 1 = 0.0078750,
    # between 0.5 % and 1.5 %: acceleration needed
    p = cagr_ratio({2019: 50.0, 2024: 52.0}, direction=Direction.INCREASE)
    assert p.score == pytest.approx(0.0078750, abs=1e-7)
    assert p.status is Status.ACCELERATE
    # (60/50)^(1/5) - 1 = 0.0371372 -> on track
    assert (
        cagr_ratio({2019: 50.0, 2024: 60.0}, direction=Direction.INCREASE).status is Status.ON_TRACK
    )


def test_cagr_not_available() -> None:
    assert cagr_ratio({2020: 5.0}, direction=Direction.INCREASE).status is Status.NOT_AVAILABLE
    zero = cagr_ratio({2020: 0.0, 2021: 5.0}, direction=Direction.INCREASE)
    assert zero.status is Status.NOT_AVAILABLE


def test_weighted_trend_by_hand() -> None:
    # Years 2019..2022 with weights 1, 2, 3, 4 (t - 2019 + 1); values 30, 28, 27, 25.
    # sum w = 10; mean t = 2019 + (0*1 + 1*2 + 2*3 + 3*4)/10 = 2021.0
    # mean y = (30*1 + 28*2 + 27*3 + 25*4)/10 = 267/10 = 26.7
    # Sxx = 1*4 + 2*1 + 3*0 + 4*1 = 10
    # Sxy = 1*(-2)(3.3) + 2*(-1)(1.3) + 3*0*0.3 + 4*1*(-1.7) = -6.6 - 2.6 - 6.8 = -16.0
    # slope = -1.6; intercept = 26.7 + 1.6 * 2021
    intercept, slope = weighted_trend([(2019, 30.0), (2020, 28.0), (2021, 27.0), (2022, 25.0)])
    assert slope == pytest.approx(-1.6)
    assert intercept + slope * 2021 == pytest.approx(26.7)


def test_anticipated_progress_on_track() -> None:
    # Projection at 2030 = 26.7 - 1.6 * 9 = 12.3 (see the trend above);
    # ratio = (12.3 - 30) / (15 - 30) = -17.7 / -15 = 1.18 -> target met on current trends
    p = anticipated_progress(
        {2019: 30.0, 2020: 28.0, 2021: 27.0, 2022: 25.0},
        direction=Direction.DECREASE,
        target=Target(value=15.0, year=2030, baseline_year=2019),
    )
    assert p.projection == pytest.approx(12.3)
    assert p.score == pytest.approx(1.18)
    assert p.status is Status.ON_TRACK


def test_anticipated_progress_too_slow_and_reversing() -> None:
    # Values 30, 29.5, 29, 29.5: mean y = (30 + 59 + 87 + 118)/10 = 29.4;
    # Sxy = 1(-2)(0.6) + 2(-1)(0.1) + 0 + 4(1)(0.1) = -1.0; slope = -0.1;
    # projection = 29.4 - 0.1 * 9 = 28.5; ratio = (28.5 - 30)/(15 - 30) = 0.1 -> accelerate
    slow = anticipated_progress(
        {2019: 30.0, 2020: 29.5, 2021: 29.0, 2022: 29.5},
        direction=Direction.DECREASE,
        target=Target(value=15.0, year=2030),
    )
    assert slow.score == pytest.approx(0.1)
    assert slow.status is Status.ACCELERATE
    # Rising instead of falling: the projection moves away from the target.
    away = anticipated_progress(
        {2019: 30.0, 2020: 31.0, 2021: 32.0},
        direction=Direction.DECREASE,
        target=Target(value=15.0, year=2030),
    )
    assert away.status is Status.DETERIORATION


def test_anticipated_progress_needs_a_target() -> None:
    p = anticipated_progress({2019: 1.0, 2020: 2.0}, direction=Direction.INCREASE, target=None)
    assert p.status is Status.NOT_AVAILABLE

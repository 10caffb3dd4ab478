"""The difference between two estimates, its significance, and a series' change since a baseline.

For two estimates with standard errors ``se_a`` and ``se_b`` the difference
``a - b`` has standard error ``sqrt(se_a^2 + se_b^2)`` when the covariance
between them is ignored: exact for independent samples (two survey rounds);
for two groups of one survey it is the usual published approximation,
conservative when the two estimates are positively correlated. With
``z_c = Phi^-1(1 - (1 - c)/2)`` for the confidence level ``c`` (1.959964 for
95 %), the interval is ``d ± z_c se`` and the difference is significant when
the two-sided p-value ``2 (1 - Phi(|d| / se))`` is below ``1 - c``, that is
when the interval leaves out zero.

:func:`group_gap` is the one function computing this; the observatory's
indicator page (a group against the best-off group) and the council's
accountability (a change since a commitment's baseline, :func:`change_since`)
both use it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from scipy.stats import norm

from insaf.errors import said
from insaf.observatory.indicators import Direction

__all__ = ["Change", "Gap", "SeriesPoint", "Verdict", "change_since", "group_gap", "z_value"]


def z_value(confidence: float) -> float:
    """The two-sided normal quantile of ``confidence`` (1.959964 for 0.95)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(
            said(
                "confidence must lie strictly between 0 and 1, not {confidence}",
                confidence=confidence,
            )
        )

    return float(norm.ppf(1.0 - (1.0 - confidence) / 2.0))


@dataclass(frozen=True, slots=True, kw_only=True)
class Gap:
    """``a - b`` with its standard error, z, two-sided p-value, interval and verdict."""

    value: float
    se: float | None
    z: float | None
    p_value: float | None
    significant: bool | None
    ci_low: float | None = None
    ci_high: float | None = None


def group_gap(
    a: float, se_a: float | None, b: float, se_b: float | None, *, confidence: float = 0.95
) -> Gap:
    """The difference ``a - b``; ``significant`` is ``None`` when a standard error is missing."""
    z_c = z_value(confidence)
    value = a - b
    if se_a is None or se_b is None:
        return Gap(value=value, se=None, z=None, p_value=None, significant=None)
    se = math.sqrt(se_a**2 + se_b**2)
    low, high = value - z_c * se, value + z_c * se
    if se == 0:
        return Gap(
            value=value,
            se=0.0,
            z=None,
            p_value=None,
            significant=value != 0,
            ci_low=low,
            ci_high=high,
        )
    z = value / se
    p = float(2.0 * norm.sf(abs(z)))
    return Gap(
        value=value,
        se=se,
        z=z,
        p_value=p,
        significant=p < 1.0 - confidence,
        ci_low=low,
        ci_high=high,
    )


class Verdict(StrEnum):
    """Whether a series moved the expected way since its baseline."""

    IMPROVED = "improved"
    WITHIN_NOISE = "within_noise"
    WORSENED = "worsened"
    NOT_YET = "not_yet"
    NO_DATA = "no_data"
    NO_SE = "no_se"


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """One published value of a series."""

    period: int
    value: float
    se: float | None
    ci_low: float | None = None
    ci_high: float | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """A series' change since its baseline: the two values, the difference and the verdict."""

    verdict: Verdict
    base: SeriesPoint | None = None
    latest: SeriesPoint | None = None
    gap: Gap | None = None


def change_since(
    series: Sequence[SeriesPoint],
    *,
    baseline_period: int,
    direction: Direction,
    confidence: float = 0.95,
) -> Change:
    """The change from the baseline to the latest value, and whether it is the expected one.

    - base: the latest value in a period up to ``baseline_period``;
    - latest: the latest value after the base period;
    - the change ``latest - base`` by :func:`group_gap` (two rounds, independent
      samples) at ``confidence``;
    - *improved* when it is significant and goes the ``direction`` expected,
      *worsened* when significant the other way, *within noise* when not
      significant (the change cannot be told from sampling error); *not yet*
      when nothing came after the base, *no data* without a base value, *no
      standard error* when either value has none.
    """
    ordered = sorted(series, key=lambda p: p.period)
    before = [p for p in ordered if p.period <= baseline_period]
    if not before:
        return Change(Verdict.NO_DATA)
    base = before[-1]
    after = [p for p in ordered if p.period > base.period]
    if not after:
        return Change(Verdict.NOT_YET, base=base)
    latest = after[-1]
    gap = group_gap(latest.value, latest.se, base.value, base.se, confidence=confidence)
    if gap.significant is None:
        return Change(Verdict.NO_SE, base, latest, gap)
    if not gap.significant:
        return Change(Verdict.WITHIN_NOISE, base, latest, gap)
    expected = direction.sign * gap.value > 0
    return Change(Verdict.IMPROVED if expected else Verdict.WORSENED, base, latest, gap)

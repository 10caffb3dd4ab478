"""Accountability: did the government respond, did it do what it committed to, did it work?

For each indicator a commitment should move, the movement is measured from
the observatory's published series (after disclosure control) between the
commitment's baseline year and the latest year published, by
``insaf.observatory.gaps.change_since``: the change ``latest - base``, its
standard error and 95 % interval, and the verdict (*improved*, *worsened*,
*within noise*, *not yet*, *no data*, *no standard error*). This module only
reads the series and the commitments; the statistics are the library's.

The dashboard also reads the commitments by right: an indicator names the
rights it monitors (the observatory catalogue's ``human_rights``), so a
commitment serves every right one of its tracked indicators monitors, and each
of its movements counts for the rights of that movement's indicator.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from insaf.observatory.gaps import SeriesPoint, Verdict, change_since
from insaf.observatory.indicators import Direction
from insaf.web.council import models as m
from insaf.web.observatory.models import HumanRight, Indicator, Observation

__all__ = ["Dashboard", "Movement", "Point", "RightRow", "by_right", "dashboard", "movement"]

Point = SeriesPoint


@dataclass(frozen=True, slots=True)
class Movement:
    indicator: Indicator
    key: str
    expected: str
    verdict: str
    base: Point | None = None
    latest: Point | None = None
    change: float | None = None
    se: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    series: list[Point] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        def point(p: Point | None) -> dict[str, object] | None:
            if p is None:
                return None
            return {
                "period": p.period,
                "value": p.value,
                "se": p.se,
                "ci_low": p.ci_low,
                "ci_high": p.ci_high,
            }

        return {
            "indicator": self.indicator.code,
            "key": self.key,
            "expected": self.expected,
            "verdict": self.verdict,
            "base": point(self.base),
            "latest": point(self.latest),
            "change": self.change,
            "se": self.se,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
        }


VERDICTS = tuple(v.value for v in Verdict)


def movement(
    *,
    indicator: Indicator,
    key: str,
    expected: str,
    baseline_period: int,
    area: str | None = None,
) -> Movement:
    """The series' movement since ``baseline_period`` and whether it goes the expected way."""
    rows = Observation.objects.filter(
        indicator=indicator, key=key, suppressed=False, value__isnull=False
    )
    if area is not None:
        rows = rows.filter(area=area)
    series = [
        Point(period, value, se, low, high)
        for period, value, se, low, high in rows.order_by("period").values_list(
            "period", "value", "se", "ci_low", "ci_high"
        )
        if value is not None
    ]
    direction = Direction.INCREASE if expected == m.Expected.INCREASE else Direction.DECREASE
    found = change_since(series, baseline_period=baseline_period, direction=direction)
    gap = found.gap
    return Movement(
        indicator,
        key,
        expected,
        found.verdict.value,
        base=found.base,
        latest=found.latest,
        change=gap.value if gap else None,
        se=gap.se if gap else None,
        ci_low=gap.ci_low if gap else None,
        ci_high=gap.ci_high if gap else None,
        series=series,
    )


def commitment_movements(commitment: m.Commitment) -> list[Movement]:
    return [
        movement(
            indicator=t.indicator,
            key=t.key,
            expected=t.expected,
            baseline_period=commitment.baseline_period,
        )
        for t in commitment.tracked.select_related("indicator")
    ]


@dataclass(slots=True)
class Row:
    commitment: m.Commitment
    overdue: bool
    movements: list[Movement]


@dataclass(slots=True)
class RightRow:
    """The commitments serving one right and the movements of the indicators monitoring it."""

    right: HumanRight
    commitments: int
    completed: int
    overdue: int
    movements: dict[str, int]

    def to_dict(self) -> dict[str, object]:
        return {
            "right": self.right.code,
            "commitments": self.commitments,
            "completed": self.completed,
            "overdue": self.overdue,
            "movements": self.movements,
        }


def by_right(rows: list[Row]) -> list[RightRow]:
    """Every right of the catalogue, in its order, with the commitments and movements for it.

    A right no commitment serves is listed with zeros: the council sees which
    rights no commitment answers to.
    """
    rights = list(HumanRight.objects.prefetch_related("indicators"))
    monitors = {r.pk: {i.pk for i in r.indicators.all()} for r in rights}
    found: list[RightRow] = []
    for right in rights:
        watched = monitors[right.pk]
        moves: Counter[str] = Counter()
        serving = completed = overdue = 0
        for row in rows:
            mine = [mv for mv in row.movements if mv.indicator.pk in watched]
            if not mine:
                continue
            serving += 1
            completed += row.commitment.status == m.CommitmentStatus.COMPLETED
            overdue += row.overdue
            moves.update(mv.verdict for mv in mine)
        found.append(
            RightRow(
                right,
                commitments=serving,
                completed=completed,
                overdue=overdue,
                movements={v: moves.get(v, 0) for v in VERDICTS},
            )
        )
    return found


@dataclass(slots=True)
class Dashboard:
    recommendations: int
    answered: int
    answered_on_time: int
    verdicts: dict[str, int]
    commitments: int
    completed: int
    overdue: int
    statuses: dict[str, int]
    movements: dict[str, int]
    rows: list[Row]
    rights: list[RightRow]
    today: dt.date

    @property
    def awaited(self) -> int:
        return self.recommendations - self.answered

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.recommendations if self.recommendations else None

    @property
    def implementation_rate(self) -> float | None:
        return self.completed / self.commitments if self.commitments else None


def dashboard(*, today: dt.date | None = None, ministry: m.Ministry | None = None) -> Dashboard:
    """Response rate, implementation rate, overdue commitments and every indicator's movement.

    The commitments and movements are also read by right (``by_right``).

    The response rate counts the recommendations of adopted opinions that have
    a response (the latest version's verdict is counted); a response is on
    time when its first version came before the opinion's response deadline.
    The implementation rate is completed commitments over all commitments.
    """
    today = today or timezone.localdate()
    recs = m.Recommendation.objects.filter(opinion__status=m.OpinionStatus.ADOPTED)
    if ministry is not None:
        recs = recs.filter(ministry=ministry)
    recs = recs.select_related("opinion").prefetch_related(
        Prefetch("responses", queryset=m.Response.objects.order_by("version"))
    )
    verdicts: Counter[str] = Counter()
    answered = on_time = 0
    total = 0
    for rec in recs:
        total += 1
        responses = list(rec.responses.all())
        if not responses:
            continue
        answered += 1
        verdicts[responses[-1].verdict] += 1
        due = rec.opinion.response_due
        if due is None or responses[0].published_at.date() <= due:
            on_time += 1
    commitments = m.Commitment.objects.select_related(
        "ministry", "recommendation__opinion__referral"
    ).annotate(n_tracked=Count("tracked"))
    if ministry is not None:
        commitments = commitments.filter(ministry=ministry)
    rows: list[Row] = []
    statuses: Counter[str] = Counter()
    moves: Counter[str] = Counter()
    for commitment in commitments.order_by("deadline", "id"):
        statuses[commitment.status] += 1
        found = commitment_movements(commitment)
        for mv in found:
            moves[mv.verdict] += 1
        rows.append(Row(commitment, commitment.is_overdue(today), found))
    overdue = sum(1 for r in rows if r.overdue)
    return Dashboard(
        recommendations=total,
        answered=answered,
        answered_on_time=on_time,
        verdicts={v: verdicts.get(v, 0) for v in m.Verdict.values},
        commitments=len(rows),
        completed=statuses.get(m.CommitmentStatus.COMPLETED, 0),
        overdue=overdue,
        statuses={s: statuses.get(s, 0) for s in m.CommitmentStatus.values},
        movements={v: moves.get(v, 0) for v in VERDICTS},
        rows=rows,
        rights=by_right(rows),
        today=today,
    )


def overdue_filter(today: dt.date) -> Q:
    return Q(deadline__lt=today) & ~Q(
        status__in=[m.CommitmentStatus.COMPLETED, m.CommitmentStatus.DROPPED]
    )

"""Grievance statistics published in the observatory as indicators, through disclosure control."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from tests.web.registry.conftest import Small, household

from insaf.web.observatory import models as om
from insaf.web.registry import services
from insaf.web.registry.indicators import publish_grievance_statistics

RECEIVED = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)


def _cells(code: str) -> dict[str, tuple[float | None, int | None, bool]]:
    rows = om.Observation.objects.filter(indicator__code=code, period=2024)
    return {r.key: (r.value, r.n, r.suppressed) for r in rows}


@pytest.fixture
def grievances(small: Small) -> Small:
    """Governorate 1: five exclusions, decided after 2, 4, 6 and 40 days and one open; two
    payment grievances, one decided after 10 days. Governorate 7: one payment grievance, open."""
    om.DisclosurePolicy.objects.create(min_count=3)
    other = household("HH-N2", "1", [("P-4", "27001011111111", "سعاد", "F")])
    for days in (2, 4, 6, 40, None):
        g = services.lodge_grievance(
            actor=small.officer, household=small.north, kind="exclusion", description="-",
            received_at=RECEIVED,
        )  # fmt: skip
        if days is not None:
            services.resolve_grievance(
                actor=small.officer, grievance=g, upheld=False, resolution="-",
                at=RECEIVED + dt.timedelta(days=days),
            )  # fmt: skip
    g = services.lodge_grievance(
        actor=small.officer, household=other, kind="payment", description="-",
        received_at=RECEIVED,
    )  # fmt: skip
    services.resolve_grievance(
        actor=small.officer, grievance=g, upheld=True, resolution="-",
        at=RECEIVED + dt.timedelta(days=10),
    )  # fmt: skip
    for home in (other, small.south):
        services.lodge_grievance(
            actor=small.officer, household=home, kind="payment", description="-",
            received_at=RECEIVED,
        )  # fmt: skip
    return small


def test_counts_times_and_shares_are_published_with_small_cells_withheld(
    grievances: Small,
) -> None:
    report = publish_grievance_statistics(actor=grievances.officer)
    assert report is not None
    counts = _cells("REG_GRIEVANCES")
    # 8 grievances: governorate 1 holds 7, governorate 7 one (under 3: suppressed, and then
    # governorate 1 too, or 8 - 7 would give it away); kinds: exclusion 5, payment 3
    assert counts[""] == (8.0, 8, False)
    assert counts["governorate=7"] == (None, None, True)
    assert counts["governorate=1"] == (None, None, True)
    assert counts["grievance_kind=exclusion"] == (5.0, 5, False)
    assert counts["grievance_kind=payment"] == (3.0, 3, False)
    days = _cells("REG_GRIEVANCE_DAYS")
    # decided: 2, 4, 6, 40 (exclusion) and 10 (payment): median of five is 6
    assert days[""] == (6.0, 5, False)
    assert days["grievance_kind=payment"] == (None, None, True)  # one decided: under 3
    # exclusion (4 decided, median 5) would be the only cell of its line left; the observatory's
    # rule leaves no line with exactly one suppressed cell
    assert days["grievance_kind=exclusion"] == (None, None, True)
    assert days["governorate=1"] == (None, None, True)  # its count is withheld
    sla = _cells("REG_GRIEVANCE_SLA")
    assert sla[""] == (80.0, 5, False)  # 4 of 5 within 30 days
    # with a lower minimum, the kinds are shown: exclusion median (4 + 6) / 2, 3 of 4 on time
    om.DisclosurePolicy.objects.update(min_count=1, secondary=False)
    publish_grievance_statistics(actor=None, years=[2024])
    assert _cells("REG_GRIEVANCE_DAYS")["grievance_kind=exclusion"] == (5.0, 4, False)
    assert _cells("REG_GRIEVANCE_SLA")["grievance_kind=exclusion"] == (75.0, 4, False)
    # the observatory shows the indicator, in Arabic too
    page = Client().get("/ar/indicators/REG_GRIEVANCES/").content.decode()
    assert "التظلمات التي تلقاها السجل الاجتماعي" in page
    assert om.Release.objects.filter(source="social registry: grievances").count() == 2


def test_published_by_the_management_command_as_a_release(grievances: Small) -> None:
    out = io.StringIO()
    call_command("registry_statistics", "--by", "officer", "--year", "2024", stdout=out)
    assert "cells" in out.getvalue() and _cells("REG_GRIEVANCES")[""][0] == 8.0
    with pytest.raises(CommandError, match="registry officer"):
        call_command("registry_statistics", "--by", "caseworker-north")
    # a year without grievances publishes nothing
    empty = publish_grievance_statistics(actor=grievances.officer, years=[2019])
    assert empty is not None and empty.cells == 0
    assert not om.Observation.objects.filter(indicator__code="REG_GRIEVANCES", period=2019)

"""A two-stage design against R ``survey`` 4.1 (tests/golden/golden_multistage.R):
apiclus2, districts then schools, with fpc at both stages. The variance adds
the second stage's term, as R's ``svydesign`` does by default; the ultimate
cluster (first stage only) stays available by name.

Tolerances: 1e-8 relative for estimates, 1e-6 relative for SEs.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import insaf.measures as m
from insaf.errors import DesignError
from insaf.survey.survey import Survey

from .conftest import GOLDEN, api, survey_of

pytestmark = pytest.mark.golden
Golden = dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def golden() -> Golden:
    data: Golden = json.loads((GOLDEN / "multistage.json").read_text())
    return data


def design(**extra: Any) -> Survey:
    return survey_of(
        api("apiclus2"), weight="pw", psu="dnum", fpc="fpc1", ssu="snum", fpc2="fpc2", **extra
    )


def check(est: Any, g: dict[str, Any]) -> None:
    assert est.value == pytest.approx(g["value"], rel=1e-8, abs=0.0)
    assert est.se == pytest.approx(g["se"], rel=1e-6, abs=0.0)


def test_two_stage_variance_equals_r(golden: Golden) -> None:
    survey = design()
    check(m.mean(survey, "api00"), golden["two_stage_mean_api00"])
    check(m.total(survey, "api99"), golden["two_stage_total_api99"])
    check(m.ratio(survey, "api00", "api99"), golden["two_stage_ratio_api00_api99"])
    for est in m.mean(survey, "api00", by="stype"):
        assert est.domain is not None
        check(est, golden[f"two_stage_mean_api00_stype_{est.domain['stype']}"])
    g = golden["two_stage_median_api00"]
    median = m.median(survey, "api00", se="woodruff")
    check(median, g)
    assert median.ci(0.95) == pytest.approx((g["ci_low"], g["ci_high"]), rel=1e-12)


def test_ultimate_cluster_by_name(golden: Golden) -> None:
    survey = design(ultimate_cluster=True)
    check(m.mean(survey, "api00"), golden["ultimate_mean_api00"])
    check(m.total(survey, "api99"), golden["ultimate_total_api99"])
    assert m.mean(design(), "api00").se > m.mean(survey, "api00").se


def test_second_stage_needs_its_fpc() -> None:
    survey = survey_of(api("apiclus2"), weight="pw", psu="dnum", fpc="fpc1", ssu="snum")
    with pytest.raises(DesignError, match="needs the second stage's fpc too"):
        m.mean(survey, "api00")

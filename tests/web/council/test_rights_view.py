"""The statement page's rights section from a hand-made ``rights`` document: shares and
changes shown in percent (points), with their intervals, flagged rows only."""

from __future__ import annotations

import pytest

from insaf.web.council.rights_view import rights_view


def test_shares_and_changes_are_shown_in_percent_with_their_intervals() -> None:
    def cell(value: float, low: float, high: float) -> dict[str, float]:
        return {"value": value, "ci_low": low, "ci_high": high}

    section = {
        "verdicts": {},
        "minimum_core": [
            {"indicator": "impoverished_share", "line": "national",
             "value": cell(0.02, 0.01, 0.03)},
            {"indicator": "other", "value": cell(1.0, 1.0, 1.0)},  # not a minimum-core figure
        ],
        "non_discrimination": [
            {"group": "women", "label_en": "Women", "flagged": True, "p_value": 0.01,
             "difference": cell(-0.05, -0.08, -0.02)},
            {"group": "men", "flagged": False, "difference": cell(0.0, -0.01, 0.01)},
        ],
        "non_retrogression": [
            {"indicator": "fgt0", "indicator_en": "Headcount", "group": "rural", "flagged": True,
             "change": {"estimate": 0.004}},  # an older document: "estimate", no interval
        ],
    }  # fmt: skip
    view = rights_view(section, "en")
    assert view is not None
    (core,) = view["core"]
    assert core["value"] == pytest.approx(2.0)
    assert (core["low"], core["high"]) == pytest.approx((1.0, 3.0))
    (group,) = view["groups"]
    assert group["label"] == "Women" and group["p_value"] == 0.01
    assert (group["difference"], group["low"], group["high"]) == pytest.approx((-5.0, -8.0, -2.0))
    (retro,) = view["retrogression"]
    assert (retro["indicator"], retro["group"]) == ("Headcount", "rural")
    assert retro["change"] == pytest.approx(0.4) and retro["low"] is None is retro["high"]

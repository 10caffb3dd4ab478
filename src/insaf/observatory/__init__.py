"""The Social Observatory's library: indicators, disclosure control, progress, open data.

- ``indicators``: frameworks, indicators and dimensions read from YAML (bilingual);
- ``observations``: one value per indicator, area, period and disaggregation;
- ``disclosure``: minimum counts, CV tiers and secondary suppression, applied
  before anything is stored for publication;
- ``progress``: the Open SDG / Statistics Canada CAGR ratio and UN ESCAP's
  anticipated progress, per series;
- ``gaps``: the difference between two estimates and its significance (a
  gap between groups, a change since a baseline);
- ``export`` and ``importing``: tidy CSV, SDMX-CSV and SDMX-ML;
- ``compute``: indicators computed from survey microdata with ``insaf.measures``;
- ``realisation``: progressive realisation, the spending that serves a right per
  person (in real terms) beside each outcome's trend;
- ``search``: Arabic-aware search normalisation.
"""

from __future__ import annotations

from pathlib import Path

from insaf.observatory.disclosure import DisclosureReport, DisclosureRules, apply_disclosure
from insaf.observatory.gaps import (
    Change,
    Gap,
    SeriesPoint,
    Verdict,
    change_since,
    group_gap,
    z_value,
)
from insaf.observatory.importing import ImportFailed, read_csv_observations, read_sdmx_observations
from insaf.observatory.indicators import (
    Catalogue,
    Category,
    Computation,
    ContextSeries,
    Dimension,
    Direction,
    Framework,
    HumanRight,
    Indicator,
    Node,
    RightsDimension,
    Spending,
    StructuralFact,
    Target,
    Text,
    load_catalogue,
)
from insaf.observatory.observations import Flag, Observation, SeriesKey, key_of, parse_key
from insaf.observatory.progress import Progress, Status, anticipated_progress, assess, cagr_ratio
from insaf.observatory.realisation import public_right_spending, realisation, right_spending

__all__ = [
    "DEMO_CATALOGUE",
    "Catalogue",
    "Category",
    "Change",
    "Computation",
    "ContextSeries",
    "Dimension",
    "Direction",
    "DisclosureReport",
    "DisclosureRules",
    "Flag",
    "Framework",
    "Gap",
    "HumanRight",
    "ImportFailed",
    "Indicator",
    "Node",
    "Observation",
    "Progress",
    "RightsDimension",
    "SeriesKey",
    "SeriesPoint",
    "Spending",
    "Status",
    "StructuralFact",
    "Target",
    "Text",
    "Verdict",
    "anticipated_progress",
    "apply_disclosure",
    "assess",
    "cagr_ratio",
    "change_since",
    "group_gap",
    "key_of",
    "load_catalogue",
    "parse_key",
    "public_right_spending",
    "read_csv_observations",
    "read_sdmx_observations",
    "realisation",
    "right_spending",
    "z_value",
]

DEMO_CATALOGUE = Path(__file__).parent / "data" / "demo.yaml"
"""The demo country's catalogue (indicators computed from the synthetic survey)."""

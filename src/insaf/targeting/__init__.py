"""Targeting and universalism: proxy-means tests, targeting metrics, equal-budget designs.

- ``fit_pmt(survey, proxies)`` fits and validates a proxy-means test (OLS,
  stepwise, lasso; by PSU cross-validation) and returns a ``PmtModel`` that
  saves to JSON and scores any data with its proxies.
- ``evaluate(survey, rule)`` computes every targeting metric of a ``Rule``
  (PMT cut-off, categorical, universal, or a combination) for both
  definitions of the poor, with design-based standard errors.
- ``compare(survey, designs, budget=...)`` solves each design's benefit to
  spend one budget, evaluates them all, and ``write_comparison`` writes the
  table, charts, a policy scenario and the Arabic and English briefs.

Formulas and conventions: ``docs/targeting.md``.
"""

from __future__ import annotations

from insaf.targeting.compare import Comparison, DesignResult, compare
from insaf.targeting.data import TargetingData
from insaf.targeting.designs import DesignsFile, DesignSpec, PmtSpec, default_designs
from insaf.targeting.evaluate import evaluate, evaluate_recorded, evaluate_rule
from insaf.targeting.metrics import Evaluation, evaluate_benefit
from insaf.targeting.model import GroupModel, PmtModel
from insaf.targeting.pmt import fit_pmt
from insaf.targeting.proxies import Proxy, parse_proxies
from insaf.targeting.public import public_comparison, public_evaluation
from insaf.targeting.report import render_brief, write_comparison
from insaf.targeting.rules import Cutoff, Rule, RuleEngine
from insaf.targeting.validation import COVERAGES

__all__ = [
    "COVERAGES",
    "Comparison",
    "Cutoff",
    "DesignResult",
    "DesignSpec",
    "DesignsFile",
    "Evaluation",
    "GroupModel",
    "PmtModel",
    "PmtSpec",
    "Proxy",
    "Rule",
    "RuleEngine",
    "TargetingData",
    "compare",
    "default_designs",
    "evaluate",
    "evaluate_benefit",
    "evaluate_recorded",
    "evaluate_rule",
    "fit_pmt",
    "parse_proxies",
    "public_comparison",
    "public_evaluation",
    "render_brief",
    "write_comparison",
]

"""Disclosure control: the one service every public table goes through.

- ``rules``: the thresholds (minimum unweighted count, CV tiers, protection
  share) and the primary decision on one cell;
- ``audit``: the linear-programming audit of an additive table (the interval
  each suppressed cell can take given what is published) and secondary
  suppression that adds cells until every interval is wide enough;
- ``cells``: control of a set of cells from one or several tables, each with
  its disaggregation (lines per dimension), additive or not.

The observatory (``insaf.observatory``), the impact of a scenario
(``insaf.policy.public``) and the targeting tables (``insaf.targeting``) call
it before anything leaves the analyst. ``docs/security.md`` states the rules,
the proof behind the audit and what is not covered.
"""

from insaf.disclosure.additive import AdditiveTable, Interval, Line, audit, protect, singletons
from insaf.disclosure.cells import Cell, Control, DisclosureReport, control, lines_of
from insaf.disclosure.rules import DisclosureRules, Status, primary_status

__all__ = [
    "AdditiveTable",
    "Cell",
    "Control",
    "DisclosureReport",
    "DisclosureRules",
    "Interval",
    "Line",
    "Status",
    "audit",
    "control",
    "lines_of",
    "primary_status",
    "protect",
    "singletons",
]

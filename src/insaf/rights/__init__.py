"""Human rights assessment of economic and social reforms.

``assess_rights(impact)`` adds to each reform of an ``insaf.policy`` impact a
rights section: minimum core (fiscal impoverishment, Higgins and Lustig 2016;
the poor who lose), non-discrimination (each protected group against the
rest, Holm's correction), non-retrogression (indicators linked to rights, for
everyone and each group), maximum available resources (Kakwani index of each
tax, net fiscal space) and participation and transparency. Each test has a
verdict, evidence with design-based standard errors and a documented rule;
``docs/rights.md`` maps each to the UN Guiding Principles on human rights
impact assessments of economic reforms (A/HRC/40/57) and CESR's OPERA
framework. Thresholds and groups come from the scenario's ``rights:`` block.
"""

from __future__ import annotations

from insaf.policy.rights_options import Burden, Justifications, ProtectedGroup, RightsOptions
from insaf.rights.assessment import TESTS, Participation, RightsAssessment, Verdict, assess_rights
from insaf.rights.groups import Group, default_groups, resolve_groups
from insaf.rights.minimum_core import Impoverishment, impoverishment
from insaf.rights.stats import HolmStep, holm, p_greater, p_two_sided

__all__ = [
    "TESTS",
    "Burden",
    "Group",
    "HolmStep",
    "Impoverishment",
    "Justifications",
    "Participation",
    "ProtectedGroup",
    "RightsAssessment",
    "RightsOptions",
    "Verdict",
    "assess_rights",
    "default_groups",
    "holm",
    "impoverishment",
    "p_greater",
    "p_two_sided",
    "resolve_groups",
]

"""The social registry: persons and households with dated observations, programmes'
rulesets and the determinations that apply them, by the same policy engine as the
survey simulation. See ``docs/registry.md``.
"""

from __future__ import annotations

from insaf.registry.determine import Condition, Determination, Input, determine, determine_frame
from insaf.registry.model import AsOf, Registry, import_table, read_registry, write_registry
from insaf.registry.names import name_similarity, normalise_arabic
from insaf.registry.parity import ParityReport, from_survey, parity
from insaf.registry.rules import ApprovalError, Ruleset, approve, load_ruleset

__all__ = [
    "ApprovalError",
    "AsOf",
    "Condition",
    "Determination",
    "Input",
    "ParityReport",
    "Registry",
    "Ruleset",
    "approve",
    "determine",
    "determine_frame",
    "from_survey",
    "import_table",
    "load_ruleset",
    "name_similarity",
    "normalise_arabic",
    "parity",
    "read_registry",
    "write_registry",
]

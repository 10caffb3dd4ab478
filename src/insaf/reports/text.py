"""The words of the policy brief (terms from the INSAF glossary, ``docs/glossary.md``).

The English is here; the Arabic is in the library's gettext catalogue
(``insaf/locale/ar/LC_MESSAGES/insaf.po``, contexts ``brief.<key>``). Measure
names come from the measure registry (``insaf.measures.registry``).
"""

from __future__ import annotations

from insaf.i18n import LANGUAGES, bilingual
from insaf.measures.registry import measure_labels

__all__ = ["TEXT", "confidence_percent", "words"]

ENGLISH: dict[str, str] = {
    "brief": "Policy brief",
    "assessment": "Social impact assessment",
    "reform": "Reform",
    "baseline": "Baseline",
    "change": "Change",
    "se": "Standard error",
    "ci": "{level}% confidence interval",
    "key": "Key findings",
    "fiscal": "Fiscal cost (a year)",
    "instrument": "Instrument",
    "net": "Net cost",
    "poverty": "Poverty",
    "inequality": "Inequality",
    "line": "Poverty line",
    "deciles": "Who gains and who loses, by decile",
    "decile": "Decile",
    "suppressed": "suppressed (too few observations)",
    "disclosure_note": (
        "Cells computed from fewer than {min_count} households, and cells from which they "
        "could be worked out, are suppressed (statistical disclosure control)."
    ),
    "not_controlled": (
        "Not disclosure-controlled: shown in full at the analyst's request; not for publication."
    ),
    "decile_note": "Deciles of people by welfare before the reform (1 = poorest).",
    "mean_change": "Mean change per person",
    "change_share": "Change, % of welfare",
    "winners": "Winners",
    "losers": "Losers",
    "unaffected": "Within ±1%",
    "incidence_chart": "Mean change as a share of welfare, by decile",
    "winners_chart": "Share of people who gain or lose more than 1%",
    "poverty_chart": "Poverty headcount before and after",
    "groups": "By group",
    "group": "Group",
    "who_loses": "Who loses most",
    "characteristic": "Characteristic",
    "among_losers": "Among the biggest losers",
    "everyone": "Everyone",
    "hhsize": "Household size (mean)",
    "welfare": "Welfare per person (mean)",
    "poor": "Poor before the reform",
    "incidence": "Fiscal incidence (CEQ)",
    "concept": "Income concept",
    "market": "Market income",
    "disposable": "Disposable income",
    "consumable": "Consumable income",
    "final": "Final income (with education and health in kind)",
    "impoverishment": (
        "Fiscal impoverishment: people the fiscal system makes poorer, from market income"
    ),
    "impoverished": "People made poorer",
    "impoverished_share": "Share of people",
    "impoverishment_amount": "Amount lost, a year",
    "gains_of_the_poor": "Gains of the poor, a year",
    "marginal": (
        "Marginal contribution of each instrument: the indicator without it minus with it "
        "(above zero: it reduces inequality or poverty)"
    ),
    "marginal_gini": "To the Gini",
    "marginal_headcount": "To the poverty headcount",
    "mean": "Mean per person",
    "kakwani": "Kakwani",
    "rs": "Reynolds–Smolensky",
    "coverage": "Coverage and leakage of transfers",
    "coverage_all": "Coverage (all)",
    "coverage_poor": "Coverage of the poor",
    "leakage": "Leakage (non-poor share)",
    "state": "State",
    "method": "Method and data",
    "synthetic": "Synthetic data, for demonstration only: these are not statistics of any country.",
    "solved": "Solved parameter",
    "significant": "beyond sampling error",
    "not_significant": "within sampling error",
    "status_added": "added",
    "status_removed": "removed",
    "status_changed": "changed",
    "status_unchanged": "unchanged",
    "yes": "yes",
    "households": "households",
    "persons": "persons",
    "per_month": "amounts per month",
    "per_year": "amounts per year",
    "per_quarter": "amounts per quarter",
    "per_week": "amounts per week",
    "billion": "bn",
    "million": "m",
    "points_note": (
        "Poverty headcount ratio, poverty gap, poverty severity: in %; their change in "
        "percentage points."
    ),
    "target_budget_neutral": "budget-neutral",
    "target_compensate": "compensates the group",
    "software": "INSAF",
    "welfare_measure": "welfare",
    "design": "survey design",
    "weight": "weight",
    "strata": "strata",
    "no_strata": "no strata",
    "psu": "PSU",
    "psu_unit": "PSU = unit",
    "fpc": "finite population correction",
    "replicates": "replicate weights",
    "lonely_psu": "strata with one PSU",
    "lonely_fail": "no variance",
    "lonely_remove": "left out of the variance",
    "lonely_adjust": "centred on the grand mean",
    "lonely_average": "given the average variance",
    "lonely_certainty": "sampled with certainty",
    "variance_auto": "automatic",
    "variance_linearization": "linearization",
    "variance_replicates": "replicate weights",
    "variance_jackknife": "jackknife",
    "variance_bootstrap": "bootstrap",
    "threshold": "winners and losers",
    "poor_below": "poor if welfare < line",
    "poor_at_or_below": "poor if welfare ≤ line",
    "gini_osier": "Osier's formula",
    "gini_eurostat": "Eurostat's formula",
    "eq_per_capita": "per person",
    "eq_oecd_modified": "OECD-modified equivalence scale",
    "eq_oecd": "OECD equivalence scale",
    "eq_square_root": "square root of household size",
    "eq_household": "per household",
    "scenario_hash": "scenario SHA-256",
    "fingerprint": "survey fingerprint",
    # key findings: one text per finding (and per direction, whose Arabic verb agrees)
    "finding_cost_raises": (
        "The reform raises the government's net cost by {amount} {currency} a year "
        "(standard error {se})."
    ),
    "finding_cost_lowers": (
        "The reform lowers the government's net cost by {amount} {currency} a year "
        "(standard error {se})."
    ),
    "finding_headcount": (
        "The poverty headcount ({line}) moves from {baseline} to {reform}: {change} points "
        "({level}% CI {ci}), {significance}."
    ),
    "finding_gini": (
        "The Gini coefficient moves from {baseline} to {reform} (change CI {ci}), {significance}."
    ),
    "finding_losers": (
        "{losers} of people lose more than 1% of their welfare; {winners} gain more than 1%."
    ),
    "finding_deciles": (
        "Welfare of the poorest decile changes by {poorest} on average; the richest decile's "
        "by {richest}."
    ),
    "finding_who_loses": "Those who lose most are more often — {groups}.",
    "list_separator": "; ",
}
"""The brief's texts in English, by key."""

TEXT: dict[str, dict[str, str]] = bilingual("brief", ENGLISH)
"""The brief's texts by key, in English and Arabic."""


def words(lang: str, confidence: float = 0.95) -> dict[str, str]:
    """Every text in ``lang`` (English for a language INSAF does not speak): the brief's
    own and the names of the measures (by the registry's names), its intervals named by
    their ``confidence`` (the scenario's)."""
    lang = lang if lang in LANGUAGES else "en"
    texts = {key: forms[lang] for key, forms in TEXT.items()}
    texts["ci"] = texts["ci"].format(level=confidence_percent(confidence))
    return {**measure_labels(lang), **texts}


def confidence_percent(confidence: float) -> str:
    """A confidence level as a percentage, as the brief writes it (0.95 -> "95", 0.995 ->
    "99.5")."""
    return f"{confidence * 100:.10g}"

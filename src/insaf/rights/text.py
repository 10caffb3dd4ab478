"""The words of the rights assessment: tests, verdicts, rules.

Arabic terms follow the project's glossary (``docs/glossary.md``). The rules
are the ones ``docs/rights.md`` explains with their formulas. The English is
here; the Arabic is in the library's gettext catalogue
(``insaf/locale/ar/LC_MESSAGES/insaf.po``, contexts ``rights.test.<key>``,
``rights.verdict.<key>``, ...). Each table maps a key to its text in English
and Arabic.
"""

from __future__ import annotations

from insaf.i18n import bilingual

__all__ = ["JUSTIFICATION_NAMES", "LINE_NAMES", "RULES", "TESTS", "VERDICTS", "WORDS"]

TESTS = bilingual(
    "rights.test",
    {
        "minimum_core": "Minimum core: do no harm",
        "non_discrimination": "Non-discrimination",
        "non_retrogression": "Non-retrogression",
        "resources": "Maximum available resources",
        "participation": "Participation and transparency",
    },
)

VERDICTS = bilingual(
    "rights.verdict",
    {
        "flagged": "Concern",
        "not_flagged": "No concern found",
        "not_assessed": "Not assessed / not known",
    },
)

RULES = bilingual(
    "rights.rule",
    {
        "minimum_core": (
            "A concern when the share of people pushed below the extreme line, or the share of "
            "people already below it who lose, is significantly above the minimum effect "
            "(one-sided tests, Holm's correction over the two)."
        ),
        "non_discrimination": (
            "A concern when a protected group's change in welfare, as a share of welfare, is "
            "significantly worse than everyone else's, after Holm's correction over all groups."
        ),
        "non_retrogression": (
            "A concern when an indicator linked to a right worsens significantly for the whole "
            "population or for any group (one-sided tests, Holm's correction within each "
            "indicator)."
        ),
        "resources": (
            "A concern when the reform adds or changes a regressive tax (Kakwani index "
            "significantly below zero), or frees fiscal space while harming the poor or rolling "
            "back a right."
        ),
        "participation": (
            "A concern when the reform was not put to the council for consultation or its impact "
            "statement was not published; not known when the assessment was run outside the "
            "council."
        ),
    },
)

JUSTIFICATION_NAMES = bilingual(
    "rights.justification",
    {
        "necessity": "Necessity",
        "proportionality": "Proportionality",
        "temporariness": "Temporariness",
        "non_discrimination": "Non-discrimination",
        "minimum_core": "Protection of the minimum core",
    },
)

LINE_NAMES = bilingual(
    "line",
    {
        "national": "National poverty line",
        "extreme": "Extreme poverty line",
    },
)

WORDS = bilingual(
    "rights.word",
    {
        "rights": "Human rights assessment",
        "test": "Test",
        "verdict": "Finding",
        "rule": "Rule",
        "group": "Group",
        "everyone": "Whole population",
        "quintile": "Welfare quintile",
        "group_change": "Change in the group, % of welfare",
        "rest_change": "Change for the rest, % of welfare",
        "difference": "Difference (points)",
        "p_value": "p-value",
        "holm": "Holm threshold",
        "flagged": "Flagged",
        "yes": "Yes",
        "no": "No",
        "indicator": "Indicator",
        "right": "Right",
        "tax": "Tax",
        "kakwani": "Kakwani index",
        "touched": "Changed by the reform",
        "fiscal_space": "Net fiscal space (a year)",
        "justifications": "Justifications recorded in the scenario",
        "given": "Given",
        "not_given": "Not given",
        "consulted": "Council consultation",
        "published": "Impact statement published",
        "not_known": "Not assessed / not known",
        "impoverished": "People made poor or poorer",
        "impoverished_share": "Share of people made poor or poorer",
        "impoverishment": "Fiscal impoverishment, total a year",
        "poor_gaining": "Poor people who gain",
        "gains_of_the_poor": "Fiscal gains of the poor, total a year",
        "poverty_gap_change": "Change in the total poverty gap, a year",
        "poor_losing": "Poor people who lose",
        "poor_losing_share": "Share of people who are poor and lose",
        "losses_of_the_poor": "Losses of the poor, total a year",
        "poverty_national": "Poverty headcount ratio, national line",
        "poverty_extreme": "Poverty headcount ratio, extreme line",
        "icescr_11": "Adequate standard of living (ICESCR art. 11)",
        "estimate": "Estimate",
        "no_rows": "Nothing to compare.",
        "suppressed": "suppressed",
    },
)

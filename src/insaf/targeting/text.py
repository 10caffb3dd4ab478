"""A targeting rule and its amount in words, in English or Arabic.

``rule_words`` says whom a rule pays and per what unit (``poorest 20% by PMT
score; paid per person``), ``cutoff_words`` a PMT cut-off, ``amount_words``
the benefit (``amount 31.14 per person a month, default (25% of the mean
poverty line)``) and ``readable_expression`` an eligibility expression as a
person reads it (``(age < 18) AND PMT score ≤ 5.22``; in Arabic the words
``AND``, ``OR``, ``NOT`` are و، أو، ليس). Variable names, numbers and text
values stay as they are. The English is here; the Arabic is in the library's
catalogue (``insaf/locale/ar/LC_MESSAGES/insaf.po``, contexts
``targeting.<key>``). ``Rule.describe(lang)`` and ``Cutoff.describe(lang)``
say the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from insaf.errors import InsafError, said
from insaf.i18n import bilingual, checked_language

__all__ = [
    "DEFAULT_SHARE_OF_LINE",
    "SCORE",
    "WORDS",
    "AmountSource",
    "amount_words",
    "cutoff_words",
    "readable_expression",
    "rule_words",
    "source_words",
]

SCORE = "pmt_hat"
"""The column that holds the PMT score (predicted log welfare per person)."""

DEFAULT_SHARE_OF_LINE = 0.25
"""The default amount: this share of the people-weighted mean poverty line."""

AmountSource = Literal["default", "budget", "given"]
"""Where an evaluation's amount came from: the default, the budget, or given."""

WORDS = bilingual(
    "targeting",
    {
        "everyone": "everyone",
        "paid": "{who}; paid {per}",
        "per_person": "per person",
        "per_household": "per household",
        "and": "AND",
        "or": "OR",
        "not": "NOT",
        "score": "PMT score",
        "cutoff_coverage": "poorest {share} by PMT score",
        "cutoff_line": "PMT score below the poverty line",
        "cutoff_score": "PMT score ≤ {score}",
        "amount": "amount {amount} {per} {period}",
        "amount_from": "amount {amount} {per} {period}, {source}",
        "period_year": "a year",
        "period_quarter": "a quarter",
        "period_month": "a month",
        "period_week": "a week",
        "source_default": "default ({share} of the mean poverty line)",
        "source_budget": "from the budget",
        "source_given": "as given",
    },
)
"""Every word of this module: ``{key: {"en": ..., "ar": ...}}``."""


def _w(key: str, lang: str) -> str:
    return WORDS[key][checked_language(lang)]


def cutoff_words(
    lang: str = "en",
    *,
    coverage: float | None = None,
    line: bool = False,
    score: float | None = None,
) -> str:
    """A PMT cut-off (one of ``coverage``, ``line``, ``score``) in ``lang``."""
    if coverage is not None:
        return _w("cutoff_coverage", lang).format(share=f"{coverage:.0%}")
    if line:
        return _w("cutoff_line", lang)
    return _w("cutoff_score", lang).format(score=f"{score:g}")


def rule_words(
    lang: str = "en",
    *,
    eligible: str | None = None,
    cutoff: str | None = None,
    combine: str = "and",
    unit: str = "person",
) -> str:
    """Whom a rule pays and per what unit in ``lang``: its expression ``eligible`` (made
    readable), its cut-off ``cutoff`` (already in words), joined by ``combine``."""
    parts = [f"({readable_expression(eligible, lang)})"] if eligible else []
    if cutoff is not None:
        parts.append(cutoff)
    who = f" {_w(_combine(combine), lang)} ".join(parts) if parts else _w("everyone", lang)
    return _w("paid", lang).format(who=who, per=_per(unit, lang))


def amount_words(
    amount: float,
    unit: str,
    period: str,
    source: str | None = None,
    lang: str = "en",
    *,
    number: Callable[[float], str] = "{:,.2f}".format,
) -> str:
    """``amount 31.14 per person a month, default (25% of the mean poverty line)`` in
    ``lang``: ``amount`` (written by ``number``) per ``unit`` (person, household) and
    ``period`` (year, quarter, month, week), from ``source`` (``source_words``) if given."""
    checked_language(lang)
    if period not in ("year", "quarter", "month", "week"):
        raise InsafError(
            said("a period is year, quarter, month or week, not {period}", period=repr(period))
        )
    values = {"amount": number(amount), "per": _per(unit, lang)}
    values["period"] = _w(f"period_{period}", lang)
    if source is None:
        return _w("amount", lang).format(**values)
    return _w("amount_from", lang).format(**values, source=source_words(source, lang))


def source_words(source: str, lang: str = "en") -> str:
    """Where an amount came from, in ``lang``: ``source`` is an ``AmountSource`` or an
    evaluation's ``amount_source`` (``default (25% of the mean poverty line)``)."""
    kind = source.split(" ", 1)[0]
    if kind not in ("default", "budget", "given"):
        raise InsafError(
            said(
                "an amount's source is default, budget or given, not {source}",
                source=repr(source),
            )
        )
    text = _w(f"source_{kind}", lang)
    return text.format(share=f"{DEFAULT_SHARE_OF_LINE:.0%}") if kind == "default" else text


_QUOTED = re.compile(r"""('[^']*'|"[^"]*")""")
_SCORE_CUT = re.compile(rf"\b{SCORE}\s*(<=|<)\s*(-?[0-9.eE+-]+)")
_OPERATORS = (("<=", "≤"), (">=", "≥"), ("!=", "≠"))
_KEYWORDS = re.compile(r"(\bBETWEEN\s+\S+\s+AND\b)|(?<!\bIS )\b(AND|OR|NOT)\b", re.IGNORECASE)
"""The words a language says, and SQL's ``BETWEEN a AND b``, which is kept (its AND joins
two bounds, not two conditions)."""


def readable_expression(expression: str | None, lang: str = "en") -> str:
    """An eligibility expression as a person reads it, in ``lang``: ``PMT score ≤ 5.22``
    for ``pmt_hat <= 5.2240…``, ``≤ ≥ ≠`` for ``<= >= !=``, ``AND``/``OR``/``NOT`` in
    ``lang`` (``IS NOT NULL`` and ``BETWEEN a AND b`` kept); ``everyone`` for no
    expression. Names, numbers and quoted text are left as they are."""
    if not expression:
        return _w("everyone", lang)
    score = _w("score", lang)

    def cut(match: re.Match[str]) -> str:
        return f"{score} {match.group(1)} {float(match.group(2)):.2f}"

    def keyword(match: re.Match[str]) -> str:
        between, word = match.groups()
        return str(between) if word is None else _w(word.lower(), lang)

    pieces = _QUOTED.split(expression)
    for i in range(0, len(pieces), 2):  # the pieces outside quotes
        text = _SCORE_CUT.sub(cut, pieces[i])
        text = re.sub(rf"\b{SCORE}\b", score, text)
        for code, sign in _OPERATORS:
            text = text.replace(f" {code} ", f" {sign} ")
        pieces[i] = _KEYWORDS.sub(keyword, text)
    return "".join(pieces)


def _combine(combine: str) -> str:
    if combine not in ("and", "or"):
        raise InsafError(
            said("a rule's combine is 'and' or 'or', not {combine}", combine=repr(combine))
        )
    return combine


def _per(unit: str, lang: str) -> str:
    if unit not in ("person", "household"):
        raise InsafError(said("a unit is person or household, not {unit}", unit=repr(unit)))
    return _w(f"per_{unit}", lang)

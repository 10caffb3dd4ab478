"""How the CLI shows numbers and estimates to a person (and estimates to programs).

Numbers in fixed notation with thousands separators (``7,034,200``, never
``7.0342e+06``), at most six significant digits, never ``-0``; domains by
their value labels when the survey has them; tables that fit the terminal
(80 columns included) without cutting a name or breaking an interval.
"""

from __future__ import annotations

import math
import re
import sys
from typing import Any

from rich.cells import cell_len
from rich.markup import escape
from rich.table import Table as RichTable

from insaf.cli.app import console
from insaf.cli.i18n import N_, _, language
from insaf.cli.options import OutputFormat, write_json
from insaf.measures.estimate import Estimates
from insaf.survey import Metadata

__all__ = [
    "columns_table",
    "domain_label",
    "estimates_table",
    "fitting",
    "folded",
    "interval",
    "metrics_table",
    "mixed_table",
    "number",
    "percent",
    "print_estimates",
    "readable_rule",
    "short",
]

DIGITS = 6
"""Significant digits shown (the JSON and CSV outputs keep every digit)."""


def number(value: float | None, digits: int = DIGITS) -> str:
    """``value`` in fixed notation with ``digits`` significant digits; "–" when undefined."""
    if value is None or math.isnan(value) or math.isinf(value):
        return "–"
    if value == 0:
        return "0"
    decimals = max(0, min(digits - 1 - math.floor(math.log10(abs(value))), 12))
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text.lstrip("-").strip("0.,") == "" else text


_SCALES = ((1e9, N_("{number} bn")), (1e6, N_("{number} m")))


def short(value: float | None, digits: int = 4) -> str:
    """Like ``number``, with millions and billions as ``6.384 m`` and ``2.387 bn`` (in
    Arabic ``6.384 مليون`` and ``2.387 مليار``)."""
    if value is not None and math.isfinite(value):
        for scale, words in _SCALES:
            if abs(value) >= scale:
                return _(words).format(number=number(value / scale, digits))
    return number(value, digits)


def percent(value: float | None) -> str:
    """A share as a percentage with one decimal (``27.7%``)."""
    if value is None or math.isnan(value) or math.isinf(value):
        return "–"
    text = f"{value * 100:.1f}%"
    return "0.0%" if text == "-0.0%" else text


def interval(low: float | None, high: float | None, digits: int = DIGITS) -> str:
    return f"[{number(low, digits)}, {number(high, digits)}]"


def domain_label(metadata: Metadata, column: str, value: Any) -> str:
    """The value label of ``value`` in ``column``, in the CLI's language (else in English),
    else the value itself."""
    labels = metadata.get(column).values
    keys: list[Any] = [value]
    if isinstance(value, float) and value.is_integer():
        keys.append(int(value))
    keys.append(str(value))
    for key in keys:
        if key in labels:
            label = labels[key].get(language()) or labels[key].get("en")
            if label:
                return label
    return "" if value is None else str(value)


WIDE = 100
"""Below this many columns the table leaves out the population (JSON and CSV keep it)."""


def metrics_table(
    rows: list[tuple[str, float | None, float | None, float | None, float | None]],
    confidence: float = 0.95,
    *,
    width: int | None = None,
) -> RichTable:
    """Named statistics (name, value, se, low, high), within ``width`` columns (the
    terminal's by default; 80 included): no name cut, no interval broken."""
    width = console.width if width is None else width
    table = _bare()
    texts = [
        [name, short(value), short(se, 3), f"[{short(low)}, {short(high)}]"]
        for name, value, se, low, high in rows
    ]
    longest = max([6, *(len(r[0]) for r in rows)])
    kept = min(longest, _NAMES_AT_LEAST) + 2
    numbers, taken = fitting(
        [_("value"), _("se"), _ci(confidence)], [t[1:] for t in texts], width - kept
    )
    table.add_column(
        _("metric"), overflow="fold", min_width=max(1, min(longest, 32, width - taken - 2))
    )
    for name in numbers:
        table.add_column(name, justify="right", no_wrap=True)
    for cells in texts:
        table.add_row(*(escape(c) for c in cells))
    return table


def _bare(title: str | None = None) -> RichTable:
    """A table without borders, its headers bold, one space between columns."""
    return RichTable(
        box=None,
        header_style="bold",
        title=title,
        title_justify="left",
        padding=(0, 1),
        pad_edge=False,
    )


def fitting(headers: list[str], rows: list[list[str]], width: int) -> tuple[list[str], int]:
    """The headers of columns that are never wrapped (numbers, intervals), and the width
    the columns take: the headers are broken into lines at their spaces when the columns
    would be wider than ``width`` with them on one line (the Arabic headers are longer
    than the numbers under them, and on an 80-column terminal would otherwise squeeze the
    names beside them to nothing, or push the last column off the screen)."""

    def taken(names: list[str]) -> int:
        return sum(
            max(_widest(t) for t in (h, *(r[i] for r in rows))) + 2 for i, h in enumerate(names)
        )

    if taken(headers) > width:
        headers = [h.replace(" ", "\n") for h in headers]
    return headers, taken(headers)


def folded(label: str, width: int = 16, marks: str = "/") -> str:
    """``label`` in lines of at most ``width`` cells where it can be: broken at its
    spaces and, in a word longer than ``width``, after its ``marks`` (the slashes of a
    path: a variable and the file it comes from; the dots of a statistic's key), never
    inside a name."""
    mark = re.escape(marks)
    pieces: list[str] = []
    for word in re.findall(r" *[^ ]+", label):  # a word broken only when it is too long
        long = cell_len(word.lstrip(" ")) > width
        pieces += re.findall(rf" *[^ {mark}]+[{mark}]?| *[{mark}]", word) if long else [word]
    lines: list[str] = []
    for piece in pieces:
        if lines and cell_len(lines[-1] + piece) <= width:
            lines[-1] += piece
        else:
            lines.append(piece.lstrip(" "))
    return "\n".join(lines)


def _widest(text: str) -> int:
    """The terminal cells of ``text``'s longest line."""
    return max(cell_len(line) for line in text.split("\n"))


def _longest_word(text: str) -> int:
    return max([0, *(cell_len(word) for word in text.split())])


def columns_table(
    names: list[str],
    numbers: list[str],
    rows: list[list[str]],
    *,
    width: int | None = None,
    title: str | None = None,
) -> RichTable:
    """A table of ``names`` columns (words: folded into lines at their spaces, a word
    broken only when the terminal has no room for it) followed by ``numbers`` columns
    (numbers and intervals, a cell's lines never wrapped nor cut; their headers broken at
    their spaces when needed), within ``width`` columns (the terminal's by default).
    A cell may hold several lines (a value and its standard error below it)."""
    count = len(names)
    whole = frozenset(range(count, count + len(numbers)))
    return mixed_table([*names, *numbers], rows, whole=whole, width=width, title=title)


def mixed_table(
    headers: list[str],
    rows: list[list[str]],
    *,
    whole: frozenset[int],
    left: frozenset[int] = frozenset(),
    width: int | None = None,
    title: str | None = None,
) -> RichTable:
    """Like ``columns_table``, with the columns in any order: those at the indexes
    ``whole`` (numbers, identifiers, codes: one a line) never wrapped nor cut, right-
    justified unless in ``left``; the others words, folded at their spaces."""
    width = console.width if width is None else width
    kept = sorted(whole)
    words = [i for i in range(len(headers)) if i not in whole]
    cells = [[headers[i], *(r[i] for r in rows)] for i in words]
    longest = [max(_longest_word(c) for c in column) for column in cells]
    reserved = sum(min(n, _NAMES_AT_LEAST) + 2 for n in longest)  # the words' room first
    broken, taken = fitting(
        [headers[i] for i in kept], [[r[i] for i in kept] for r in rows], width - reserved
    )
    named = dict(zip(kept, broken, strict=True))
    widths = dict(
        zip(
            words,
            _share(
                width - taken - 2 * len(words) + 1,
                [max(_widest(c) for c in column) for column in cells],
                longest,
            ),
            strict=True,
        )
    )
    table = _bare(title)
    for i, header in enumerate(headers):
        if i in whole:
            table.add_column(named[i], justify="left" if i in left else "right", no_wrap=True)
        else:
            table.add_column(header, overflow="fold", width=widths[i])
    for row in rows:
        table.add_row(*(escape(c) for c in row))
    return table


def _share(room: int, wanted: list[int], words: list[int]) -> list[int]:
    """Widths of columns of words within ``room`` cells: each its ``words`` (its longest
    word) first, or a share of ``room`` in proportion when even they do not fit, then
    the rest of ``room`` shared in turn up to what each ``wanted`` (its longest line)."""
    least = [min(w, n) for w, n in zip(words, wanted, strict=True)]
    if sum(least) > room:
        total = max(1, sum(least))
        return [max(_NAMES_AT_LEAST // 2, room * n // total) for n in least]
    widths = list(least)
    spare = room - sum(widths)
    while spare > 0 and any(w < want for w, want in zip(widths, wanted, strict=True)):
        for i, want in enumerate(wanted):  # a cell at a time to each, in turn
            if spare > 0 and widths[i] < want:
                widths[i] += 1
                spare -= 1
    return [max(1, w) for w in widths]


_NAMES_AT_LEAST = 12
"""The width kept for a column of names (folded into lines) on a narrow terminal."""


def print_estimates(
    result: Estimates, fmt: OutputFormat, confidence: float, metadata: Metadata
) -> None:
    """Estimates as the command was asked for: JSON or CSV for programs, else a table
    (labelled with ``metadata``) with ``confidence`` intervals."""
    if fmt is OutputFormat.JSON:
        write_json(result.to_dicts(confidence))
        return
    if fmt is OutputFormat.CSV:
        sys.stdout.write(result.table(confidence).write_csv())
        return
    console.print(estimates_table(result, confidence, metadata, width=console.width))


def estimates_table(
    result: Estimates,
    confidence: float,
    metadata: Metadata,
    *,
    width: int = WIDE,
    title: str | None = None,
) -> RichTable:
    """One row per estimate: its domain by label, value, se, interval, cv, n (and the
    population when the terminal is ``WIDE``), within ``width`` columns."""
    frame = result.table(confidence)
    by = [c for c in frame.columns if c not in _NUMBERS and c != "measure"]
    several = frame.get_column("measure").n_unique() > 1
    wide = width >= WIDE
    table = _bare(title)
    texts: list[list[str]] = []
    for row in frame.iter_rows(named=True):
        domain = [domain_label(metadata, c, row[c]) for c in by]
        # several statistics (mpi, hoi, --gap): the statistic and its domain in one column
        cells = [", ".join([str(row["measure"]), *filter(None, domain)])] if several else domain
        cells += [
            number(row["value"], 4),
            number(row["se"], 3),
            interval(row["ci_low"], row["ci_high"], 4),
            percent(row["cv"]),
            f"{row['n']:,}",
        ]
        if wide:
            cells.append("–" if row["population"] is None else f"{row['population']:,.0f}")
        texts.append(cells)
    names = [_("estimate")] if several else by
    longest = [max([len(name), *(len(t[i]) for t in texts)]) for i, name in enumerate(names)]
    numbers = [_("value"), _("se"), _ci(confidence), _("cv"), _("n")]
    numbers += [_("population")] if wide else []
    kept = sum(min(n, _NAMES_AT_LEAST) + 2 for n in longest)
    numbers, taken = fitting(numbers, [t[len(names) :] for t in texts], width - kept)
    room = (width - taken) // max(1, len(names)) - 2
    least = [max(1, min(n, 20, room)) for n in longest]
    for name, width_ in zip(names, least, strict=True):
        table.add_column(name, overflow="fold", min_width=width_)
    for name in numbers:
        table.add_column(name, justify="right", no_wrap=True)
    for cells in texts:
        # a key too long for its column broken after its dots (redistribution./shapley)
        named = [folded(c, max(w, room), ".") for c, w in zip(cells, least, strict=False)]
        table.add_row(*(escape(c) for c in named + cells[len(named) :]))
    return table


def _ci(confidence: float) -> str:
    """The interval's header: ``95% CI``."""
    return _("{level} CI").format(level=f"{confidence:.0%}")


_NUMBERS = frozenset({"value", "se", "ci_low", "ci_high", "cv", "n", "population"})


def readable_rule(expression: str | None) -> str:
    """An eligibility rule as a person reads it, in the CLI's language: ``PMT score ≤ 5.22``
    for ``pmt_hat <= 5.2240…``; ``everyone`` for no rule (the library's
    ``readable_expression``)."""
    from insaf.targeting.text import readable_expression  # not at start-up: insaf.targeting

    return readable_expression(expression, language())

"""A run's determinations as columns: reasons, traces and hashes for every household at once.

One run of a ruleset gives, per household, the reason codes, the trace and the
two hashes (``insaf.registry.determine`` explains what they mean). They are
computed here for all households together with Polars expressions, so a whole
registry is explained in seconds; one household on request goes through the
same code, so both give the same rows and the same hashes.

**The trace as stored** (``FORMAT`` 2) is a JSON object keyed to the
ruleset's list of entries (``entries``: each expression an instrument reads,
in the order of the policy, then the PMT score when the ruleset has one)::

    {"format": 2,
     "values": [1.0, ...],                       # one per entry, in that order
     "inputs": [{"unit": "person", "variable": "age",
                 "id": [101, 102], "value": [34.0, 5.0],
                 "source": "registry", "observed": null, "verification": null},
                ...]}

Each ``inputs`` block holds every value of one variable the ruleset read for
the household (the household's own, or each member's), with its source,
observation date and verification: one value when it is the same for every
member, else a list beside ``id``. ``read_trace`` turns it back into each
entry with the values it used (``Condition``, ``Input``).

**Hashes.** ``input_hash`` is the SHA-256 of a text holding the ruleset's
content hash, the date, the household, its members (ids, sorted) and one line
per input (unit, variable, id, value, source, date, verification, sorted);
numbers are written as the 64 bits of their IEEE 754 double (``-0.0`` as
``0.0``, a missing value as ``-``), texts as JSON strings, so the text does
not depend on how a number is printed. ``hash`` is the SHA-256 of the input
hash and the outcome (eligibility, entitlement, each instrument's amount, the
PMT score, the reason codes, whether it is a trial run).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from insaf.errors import DataError, said, said_unit
from insaf.policy.instruments.base import compiled
from insaf.registry.rules import Ruleset
from insaf.registry.runtime import HOUSEHOLD, Run

__all__ = ["FORMAT", "Entry", "entries", "explain_frame", "inputs_table", "read_trace", "sha256"]

FORMAT = 2
"""The version of the stored trace's layout (module notes)."""

INPUTS_HEADER = "insaf.determination.inputs/2"
OUTCOME_HEADER = "insaf.determination/2"


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a ruleset's trace: an expression an instrument reads, or the PMT score.

    ``kind`` is ``rule`` for a yes/no rule (``eligible``, ``taken_up``; at
    person level its value counts the members for whom it holds), ``amount``
    for another expression, ``pmt`` for the PMT score. ``names`` are the
    variables it reads, with the scenario's derived variables followed to what
    they read.
    """

    instrument: str
    key: str
    text: str
    level: str
    kind: Literal["rule", "amount", "pmt"]
    names: tuple[str, ...]


def _expand(ruleset: Ruleset, names: Sequence[str]) -> list[str]:
    out: list[str] = []
    variables = ruleset.scenario.variables
    for name in names:
        out.append(name)
        if name in variables:
            out.extend(_expand(ruleset, compiled(variables[name].text).names))
    return list(dict.fromkeys(out))


def entries(ruleset: Ruleset) -> tuple[Entry, ...]:
    """The ruleset's trace entries, in order (module notes)."""
    out: list[Entry] = []
    for instrument in ruleset.selected:
        for need in instrument.needs():
            if need.what != "expression":
                continue
            kind: Literal["rule", "amount"] = (
                "rule" if need.key[-1] in ("eligible", "taken_up") else "amount"
            )
            out.append(
                Entry(
                    instrument=instrument.id,
                    key=".".join(str(k) for k in need.key),
                    text=need.text,
                    level=need.unit,
                    kind=kind,
                    names=tuple(_expand(ruleset, compiled(need.text).names)),
                )
            )
    if ruleset.pmt is not None:
        out.append(
            Entry(
                instrument="pmt",
                key=ruleset.pmt.variable,
                text="pmt model",
                level="household",
                kind="pmt",
                names=tuple(ruleset.pmt.model.variables),
            )
        )
    return tuple(out)


def _entry_values(run: Run, entry: Entry) -> np.ndarray[tuple[int], np.dtype[np.float64]]:
    data = run.data
    if entry.kind == "pmt":
        score = run.pmt_score()
        assert score is not None
        return np.asarray(score, dtype=np.float64)
    if entry.kind == "rule":
        if entry.level == "person":
            return data.count(entry.text)
        return data.condition(entry.text, "household").astype(np.float64)
    if entry.level == "person":
        return data.household_sum(data.values(entry.text, "person"))
    return data.values(entry.text, "household")


# -- inputs ------------------------------------------------------------------------------

INPUT_SCHEMA: dict[str, pl.DataType] = {
    HOUSEHOLD: pl.Int64(),
    "unit": pl.String(),
    "variable": pl.String(),
    "id": pl.Int64(),
    "value": pl.Float64(),
    "text": pl.String(),
    "source": pl.String(),
    "observed": pl.Date(),
    "verification": pl.String(),
}


def _reads(run: Run, rules: Sequence[Entry]) -> list[tuple[str, str]]:
    """Each (unit, variable) the entries read, once, in order of first use."""
    households = set(run.data.households.columns)
    persons = set(run.data.persons.columns) if run.data.persons is not None else set()
    out: list[tuple[str, str]] = []
    for entry in rules:
        for name in entry.names:
            if (entry.level == "person" or name not in households) and name in persons:
                out.append(("person", name))
            elif name in households:
                out.append(("household", name))
            else:
                raise DataError(
                    said(
                        "{instrument}: {text} reads {name}, which the registry "
                        "has for neither households nor persons",
                        instrument=entry.instrument,
                        text=repr(entry.text),
                        name=repr(name),
                    )
                )
    return list(dict.fromkeys(out))


def _typed(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """``frame`` with the column ``name`` as ``value`` (a number) or ``text``."""
    dtype = frame.schema[name]
    if dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum):
        return frame.with_columns(
            value=pl.lit(None, pl.Float64), text=pl.col(name).cast(pl.String)
        ).drop(name)
    value = pl.col(name).cast(pl.Float64)
    return frame.with_columns(
        value=pl.when(value.is_nan()).then(None).otherwise(value),
        text=pl.lit(None, pl.String),
    ).drop(name)


def inputs_table(run: Run, rules: Sequence[Entry]) -> pl.DataFrame:
    """Every value the entries read, one row per household, unit, id and variable.

    Columns ``INPUT_SCHEMA``: the value (a number or a text), where it came
    from (``source``: the observation's, ``derived`` for a value computed from
    others, ``registry`` for ``age``), its date and verification. Sorted by
    household, unit, variable and id.
    """
    data = run.data
    provenance = run.view.provenance.select(
        pl.col("unit").cast(pl.String),
        "id",
        "variable",
        pl.col("source").cast(pl.String),
        "observed",
        pl.col("verification").cast(pl.String),
    )
    parts: list[pl.DataFrame] = []
    for unit, name in _reads(run, rules):
        if unit == "household":
            frame = data.households.select(pl.col(HOUSEHOLD), pl.col(HOUSEHOLD).alias("id"), name)
        else:
            assert data.persons is not None
            frame = data.persons.select(HOUSEHOLD, pl.col("person_id").alias("id"), name)
        frame = _typed(frame, name).with_columns(
            unit=pl.lit(unit), variable=pl.lit(name, pl.String)
        )
        if name == "age" and unit == "person":
            frame = frame.with_columns(
                source=pl.lit("registry"),
                observed=pl.lit(None, pl.Date),
                verification=pl.lit(None, pl.String),
            )
        else:
            known = provenance.filter((pl.col("unit") == unit) & (pl.col("variable") == name))
            frame = frame.join(known.drop("unit", "variable"), on="id", how="left").with_columns(
                source=pl.col("source").fill_null("derived")
            )
        parts.append(frame.select(list(INPUT_SCHEMA)))
    if not parts:
        return pl.DataFrame(schema=INPUT_SCHEMA)
    out = pl.concat(parts).sort(HOUSEHOLD, "unit", "variable", "id")
    infinite = out.filter(pl.col("value").is_infinite())
    if infinite.height:
        row = infinite.row(0, named=True)
        raise DataError(
            said(
                "{count} input value(s) are infinite: {unit} {id}, {variable} "
                "(household {household})",
                count=infinite.height,
                unit=said_unit(row["unit"]),
                id=row["id"],
                variable=row["variable"],
                household=row[HOUSEHOLD],
            )
        )
    return out


# -- text pieces -------------------------------------------------------------------------


def _bits(values: pl.Series | np.ndarray[Any, Any]) -> pl.Series:
    """Each number as the decimal of its 64 bits (``-`` when missing; ``-0.0`` as ``0.0``)."""
    series = values if isinstance(values, pl.Series) else pl.Series(values, dtype=pl.Float64)
    array = np.asarray(series.cast(pl.Float64).to_numpy(), dtype=np.float64)  # a null as NaN
    missing = np.isnan(array)
    # in as few Polars operations as can be: one household's determination asks for a handful
    # of values, where each operation's own cost is what counts
    bits = (np.where(missing, 0.0, array) + 0.0).view(np.int64)  # -0.0 as 0.0
    out = pl.Series(bits).cast(pl.String)
    if missing.any():
        out = out.scatter(np.flatnonzero(missing), "-")
    return out


def _dates(inputs: pl.DataFrame) -> pl.Series:
    """Each input's date as ISO text (missing stays missing), each distinct date formatted
    once: a registry's observations share a few dates, and formatting is Polars' slowest cast
    here (a tenth of a second for a million dates)."""
    dates = inputs.get_column("observed")
    if dates.len() < 4096:  # a household or a few: one cast is fewer operations
        return dates.cast(pl.String)
    distinct = dates.drop_nulls().unique()
    return dates.replace_strict(
        distinct, distinct.cast(pl.String), default=None, return_dtype=pl.String
    )


def _json_text(expr: pl.Expr) -> pl.Expr:
    """A text column as JSON strings (``null`` when missing)."""
    encoded = pl.struct(expr.alias("t")).struct.json_encode()
    return encoded.str.strip_prefix('{"t":').str.strip_suffix("}")


def _json_number(expr: pl.Expr) -> pl.Expr:
    """A number column as JSON numbers (``null`` when missing or not a number)."""
    return (
        pl.when(expr.is_null() | expr.is_nan()).then(pl.lit("null")).otherwise(expr.cast(pl.String))
    )


def _shown(inputs: pl.DataFrame) -> pl.Expr:
    """Each input's value as its trace shows it: a JSON string for a text, else a number (the
    texts encoded only when some input has one: encoding costs even where all are missing)."""
    number = _json_number(pl.col("value"))
    if not inputs.get_column("text").is_not_null().any():
        return number
    return pl.when(pl.col("text").is_not_null()).then(_json_text(pl.col("text"))).otherwise(number)


def _hashed(inputs: pl.DataFrame) -> pl.Expr:
    """Each input's value as its hashed line writes it: ``t`` and a JSON string for a text,
    else ``f`` and the 64 bits of the number."""
    number = pl.lit("f") + pl.lit(_bits(inputs.get_column("value")))
    if not inputs.get_column("text").is_not_null().any():
        return number
    return (
        pl.when(pl.col("text").is_not_null())
        .then(pl.lit("t") + _json_text(pl.col("text")))
        .otherwise(number)
    )


def _quoted(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr.is_null()).then(pl.lit("null")).otherwise(pl.lit('"') + expr + pl.lit('"'))


def _one_or_list(expr: pl.Expr) -> pl.Expr:
    """A list column as its one value when every item is the same, else as a JSON list."""
    return (
        pl.when(expr.list.n_unique() == 1)
        .then(expr.list.first())
        .otherwise(pl.lit("[") + expr.list.join(",") + pl.lit("]"))
    )


def sha256(texts: pl.Series) -> pl.Series:
    """The SHA-256 (hex) of each text's UTF-8 bytes."""
    try:
        import polars_hash as plh
    except ImportError:  # pragma: no cover - polars-hash is a dependency; same digests
        return pl.Series(
            texts.name,
            [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts.to_list()],
            dtype=pl.String,
        )
    frame = pl.DataFrame({"t": texts})
    return frame.select(plh.col("t").chash.sha2_256()).to_series().alias(texts.name)


# -- the whole run -----------------------------------------------------------------------


def _traces(values: pl.DataFrame, inputs: pl.DataFrame, n_entries: int) -> pl.DataFrame:
    """The stored trace of each household (``household_id``, ``trace``)."""
    value_list = (
        pl.concat_str([_json_number(pl.col(f"v{k}")) for k in range(n_entries)], separator=",")
        if n_entries
        else pl.lit("")
    )
    head = values.select(
        HOUSEHOLD,
        head=pl.lit(f'{{"format":{FORMAT},"values":[') + value_list + pl.lit('],"inputs":['),
    )
    shown = inputs.select(
        HOUSEHOLD,
        "unit",
        "variable",
        id=pl.col("id").cast(pl.String),
        shown=_shown(inputs),
        source=_quoted(pl.col("source")),
        observed=_quoted(pl.lit(_dates(inputs))),
        verification=_quoted(pl.col("verification")),
    )
    # plain aggregations into lists (Polars' fast path), then text built by list operations
    grouped = shown.group_by(HOUSEHOLD, "unit", "variable", maintain_order=True).agg(
        pl.col("id", "shown", "source", "observed", "verification")
    )
    blocks = (
        grouped.select(
            HOUSEHOLD,
            block=pl.lit('{"unit":"')
            + pl.col("unit")
            + pl.lit('","variable":"')
            + pl.col("variable")
            + pl.lit('","id":[')
            + pl.col("id").list.join(",")
            + pl.lit('],"value":[')
            + pl.col("shown").list.join(",")
            + pl.lit('],"source":')
            + _one_or_list(pl.col("source"))
            + pl.lit(',"observed":')
            + _one_or_list(pl.col("observed"))
            + pl.lit(',"verification":')
            + _one_or_list(pl.col("verification"))
            + pl.lit("}"),
        )
        .group_by(HOUSEHOLD, maintain_order=True)
        .agg(pl.col("block"))
        .select(HOUSEHOLD, blocks=pl.col("block").list.join(","))
    )
    return head.join(blocks, on=HOUSEHOLD, how="left", maintain_order="left").select(
        HOUSEHOLD, trace=pl.col("head") + pl.col("blocks").fill_null("") + pl.lit("]}")
    )


def _input_texts(run: Run, inputs: pl.DataFrame, ids: pl.Series, ruleset_hash: str) -> pl.Series:
    """The text each household's input hash is taken of (module notes)."""
    lines = inputs.select(
        HOUSEHOLD,
        line=pl.concat_str(
            [
                pl.col("unit"),
                pl.col("variable"),
                pl.col("id").cast(pl.String),
                _hashed(inputs),
                pl.col("source"),
                pl.lit(_dates(inputs)).fill_null(""),
                pl.col("verification").fill_null(""),
            ],
            separator="\t",
        ),
    )
    by_household = (
        lines.group_by(HOUSEHOLD, maintain_order=True)
        .agg(pl.col("line"))
        .select(HOUSEHOLD, lines=pl.col("line").list.join("\n"))
    )
    persons = run.data.persons
    if persons is not None:
        members = (
            persons.select(HOUSEHOLD, person_id=pl.col("person_id").cast(pl.String))
            .group_by(HOUSEHOLD)
            .agg(pl.col("person_id").sort_by(pl.col("person_id").cast(pl.Int64)))
            .select(HOUSEHOLD, members=pl.col("person_id").list.join(","))
        )
    else:
        members = pl.DataFrame(schema={HOUSEHOLD: pl.Int64, "members": pl.String})
    head = f"{INPUTS_HEADER}\n{ruleset_hash}\n{run.view.date.isoformat()}\n"
    frame = (
        pl.DataFrame({HOUSEHOLD: ids})
        .join(members, on=HOUSEHOLD, how="left", maintain_order="left")
        .join(by_household, on=HOUSEHOLD, how="left", maintain_order="left")
    )
    return frame.select(
        text=pl.lit(head)
        + pl.col(HOUSEHOLD).cast(pl.String)
        + pl.lit("\n")
        + pl.col("members").fill_null("")
        + pl.lit("\n")
        + pl.col("lines").fill_null("")
    ).to_series()


def explain_frame(run: Run, *, draft: bool = False) -> pl.DataFrame:
    """Every household's determination as one row (module notes).

    Columns: ``household_id``, ``eligible``, ``entitlement``, ``pmt_score``,
    ``amount.<instrument>`` for each instrument, ``reasons`` (a list of codes),
    ``trace`` (the stored JSON text), ``input_hash`` and ``hash``.
    """
    from insaf.registry.determine import outcomes

    ruleset = run.ruleset
    rules = entries(ruleset)
    frame = outcomes(run)
    ids = frame.get_column(HOUSEHOLD)
    columns = {f"v{k}": _entry_values(run, entry) for k, entry in enumerate(rules)}
    values = pl.DataFrame({HOUSEHOLD: ids, **columns})
    reasons: list[pl.Expr] = []
    for k, entry in enumerate(rules):
        if entry.kind == "rule":
            code = f"{entry.instrument}.{entry.key}"
            reasons.append(
                pl.when(pl.col(f"v{k}") > 0)
                .then(pl.lit(f"{code}.met"))
                .otherwise(pl.lit(f"{code}.not_met"))
            )
    for instrument in ruleset.selected:
        amount = pl.col(f"amount.{instrument.id}")
        reasons.append(
            pl.when(amount != 0)
            .then(pl.lit(f"{instrument.id}.entitled"))
            .otherwise(pl.lit(f"{instrument.id}.not_entitled"))
        )
        cap = getattr(instrument, "cap", None)
        if cap is not None:
            reasons.append(
                pl.when((amount > 0) & (amount == cap)).then(pl.lit(f"{instrument.id}.cap.applied"))
            )
    listed = (
        pl.concat_list(reasons).list.drop_nulls() if reasons else pl.lit([], pl.List(pl.String))
    )
    frame = frame.hstack(values.drop(HOUSEHOLD)).with_columns(reasons=listed)
    inputs = inputs_table(run, rules)
    input_hash = sha256(_input_texts(run, inputs, ids, ruleset.content_hash))
    amounts = [f"amount.{i.id}" for i in ruleset.selected]
    outcome = frame.select(
        text=pl.lit(f"{OUTCOME_HEADER}\n")
        + pl.Series(input_hash)
        + pl.lit("\n")
        + pl.when(pl.col("eligible")).then(pl.lit("1")).otherwise(pl.lit("0"))
        + pl.lit("\n")
        + pl.Series(_bits(frame.get_column("entitlement")))
        + pl.lit("\n")
        + pl.concat_str(
            [
                pl.lit(f"{a.removeprefix('amount.')}=") + pl.Series(_bits(frame.get_column(a)))
                for a in amounts
            ],
            separator=",",
        )
        + pl.lit("\n")
        + pl.Series(_bits(frame.get_column("pmt_score")))
        + pl.lit("\n")
        + pl.col("reasons").list.join(",")
        + pl.lit(f"\n{int(draft)}")
    ).to_series()
    traces = _traces(values, inputs, len(rules))
    return (
        frame.drop(columns)
        .with_columns(input_hash=input_hash, hash=sha256(outcome))
        .join(traces, on=HOUSEHOLD, how="left", maintain_order="left")
        .select(
            HOUSEHOLD, "eligible", "entitlement", "pmt_score", *amounts, "reasons", "trace",
            "input_hash", "hash",
        )
    )  # fmt: skip


# -- reading a stored trace --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Used:
    """One input as ``read_trace`` gives it back."""

    unit: str
    id: int
    variable: str
    value: float | str | None
    source: str
    observed: dt.date | None
    verification: str | None


def _each(block: Mapping[str, Any], field: str, n: int) -> list[Any]:
    value = block.get(field)
    return list(value) if isinstance(value, list) else [value] * n


def read_trace(
    rules: Sequence[Entry], stored: Mapping[str, Any]
) -> list[tuple[Entry, float, tuple[Used, ...]]]:
    """Each entry of a stored trace with its value and the inputs it read (module notes)."""
    if stored.get("format") != FORMAT:
        raise DataError(
            said(
                "a trace of format {found}; this version reads {format}",
                found=repr(stored.get("format")),
                format=FORMAT,
            )
        )
    values = stored.get("values", [])
    if len(values) != len(rules):
        raise DataError(
            said(
                "the trace holds {values} values for a ruleset of {entries} entries",
                values=len(values),
                entries=len(rules),
            )
        )
    blocks: dict[tuple[str, str], list[Used]] = {}
    for block in stored.get("inputs", []):
        ids = list(block["id"])
        n = len(ids)
        observed = _each(block, "observed", n)
        blocks[(block["unit"], block["variable"])] = [
            Used(
                unit=block["unit"],
                id=int(i),
                variable=block["variable"],
                value=v,
                source=s,
                observed=dt.date.fromisoformat(o) if o else None,
                verification=w,
            )
            for i, v, s, o, w in zip(
                ids,
                block["value"],
                _each(block, "source", n),
                observed,
                _each(block, "verification", n),
                strict=True,
            )
        ]
    out = []
    for entry, value in zip(rules, values, strict=True):
        used: list[Used] = []
        for name in entry.names:
            person = blocks.get(("person", name))
            household = blocks.get(("household", name))
            if person is not None and (entry.level == "person" or household is None):
                used.extend(person)
            elif household is not None:
                used.extend(household)
        out.append((entry, float("nan") if value is None else float(value), tuple(used)))
    return out

"""From the generator's numpy columns to a labelled ``Survey``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from insaf.survey.design import Design, LonelyPSU
from insaf.survey.metadata import Label
from insaf.survey.survey import Survey
from insaf.survey.synth.build import Generated, Progress, generate
from insaf.survey.synth.health import NOT_ASKED
from insaf.survey.synth.labels import HOUSEHOLD, ITEM, PERSON, Spec, metadata
from insaf.survey.synth.streams import Columns
from insaf.survey.table import Table

__all__ = [
    "INTERNAL",
    "NULLABLE",
    "SynthOptions",
    "description",
    "frame_of",
    "link",
    "survey_name",
    "synthesize",
]

NULLABLE = frozenset(
    {
        "age_first_marriage",
        "attending_school",
        "school_level",
        "public_school",
        "literacy",
        "employment_status",
        "social_security",
        "seeing",
        "hearing",
        "walking",
        "cognition",
        "selfcare",
        "communication",
        "disability",
        "underweight",
        "stunted",
        "quantity",
        "unit_price",
    }
)
"""Columns that are missing (null) outside the question's population."""
INTERNAL = frozenset({"hh_index", "ea_effect", "ea_refugee", "students", "chronic_members"})
"""Working columns of the generator that are not written."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SynthOptions:
    """What to generate: ``households`` responding households for ``seed`` and ``year``,
    ``take`` households selected per enumeration area (fewer for small samples)."""

    households: int = 20_000
    seed: int = 1
    year: int = 2024
    take: int = 12


def survey_name(year: int) -> Label:
    return Label(
        en=f"Demo country household survey {year} (synthetic data)",
        ar=f"مسح الأسر في البلد التجريبي {year} (بيانات مصطنعة)",
    )


def description(options: SynthOptions) -> Label:
    """A description for the manifest: synthetic, and how to make it again."""
    again = (
        f"insaf synth --households {options.households} --seed {options.seed} --year {options.year}"
    )
    return Label(
        en="Synthetic data for a fictional country, made by INSAF for demonstrations and "
        f"tests; not a real survey. Made again by: {again}",
        ar="بيانات مصطنعة لبلد خيالي أنتجها إنصاف للعرض والاختبار، وليست مسحاً حقيقياً. "
        f"لإعادة إنتاجها: {again}",
    )


def frame_of(columns: Columns, specs: Sequence[Spec]) -> pl.DataFrame:
    """The columns named by ``specs``, in their order, as written: integers and
    booleans as Int64, floats as Float64, null where the question was not asked."""
    names = [spec[0] for spec in specs]
    frame = pl.DataFrame({name: columns[name] for name in names})
    casts = []
    for name, dtype in frame.schema.items():
        if dtype.is_float():
            expr = pl.col(name).cast(pl.Float64)
            casts.append(expr.fill_nan(None) if name in NULLABLE else expr)
        elif dtype.is_integer() or dtype == pl.Boolean:
            expr = pl.col(name).cast(pl.Int64)
            if name in NULLABLE:
                expr = pl.when(expr == NOT_ASKED).then(None).otherwise(expr).alias(name)
            casts.append(expr)
    return frame.with_columns(casts)


def link(hh: Columns, persons: Columns, items: Columns) -> None:
    """Give persons and items their household's ``hhid`` and persons their ``pid``
    (``hhid`` x 100 + line number), and mark who was not asked."""
    hhid = hh["hhid"]
    persons["hhid"] = hhid[persons["hh_index"]]
    persons["pid"] = persons["hhid"] * 100 + persons["line_no"]
    items["hhid"] = hhid[items["hh_index"]]
    persons["age_first_marriage"] = np.where(
        persons["age_first_marriage"] < 0, NOT_ASKED, persons["age_first_marriage"]
    )


def to_survey(generated: Generated, options: SynthOptions) -> Survey:
    """The labelled survey for generated tables."""
    hh, persons, items = generated.households, generated.persons, generated.items
    link(hh, persons, items)
    policy = dict(generated.policy)
    policy["sample"] = {
        key: [round(float(v), 1) if key == "households" else int(v) for v in values]
        for key, values in generated.design.items()
    }
    return Survey(
        households=Table(name="households", frame=frame_of(hh, HOUSEHOLD), key=("hhid",)),
        persons=Table(
            name="persons", frame=frame_of(persons, PERSON), key=("pid",), household="hhid"
        ),
        items={
            "consumption": Table(
                name="consumption",
                frame=frame_of(items, ITEM),
                key=("hhid", "item"),
                household="hhid",
            )
        },
        design=Design(
            weight="weight", strata="stratum", psu="psu", fpc="fpc", lonely_psu=LonelyPSU.FAIL
        ),
        metadata=metadata(),
        name=survey_name(options.year),
        year=options.year,
        synthetic=True,
        policy=policy,
    )


def synthesize(
    households: int,
    seed: int,
    year: int = 2024,
    *,
    take: int = 12,
    progress: Progress | None = None,
) -> Survey:
    """A synthetic household survey of the demo country, deterministic for ``(seed, year)``.

    ``households`` responding households are drawn by a two-stage stratified
    cluster design (see ``docs/synth.md``); ``progress`` is called with the
    name of each step as it starts (``build.STEPS``).
    """
    options = SynthOptions(households=households, seed=seed, year=year, take=take)
    generated = generate(households, seed, year, take=take, progress=progress)
    if progress is not None:
        progress("tables")
    return to_survey(generated, options)

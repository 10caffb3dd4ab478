"""``--engine`` of ``insaf estimate`` and ``insaf simulate``: the option, the engines'
names, and the line that says which engine a command took and why (on stderr)."""

from __future__ import annotations

from typing import Annotated

import typer

from insaf.cli.app import err_console
from insaf.cli.i18n import _
from insaf.measures.engine import Choice, Engine, Reason

__all__ = ["EngineOpt", "engine_name", "say_choice", "size_text"]

EngineOpt = Annotated[
    Engine,
    typer.Option(
        "--engine",
        help="auto reads a survey, or a Parquet dataset that fits in memory, in memory, and "
        "streams a larger dataset (a .parquet file or a folder of them) in batches; spark runs "
        "on a Spark cluster (pyspark and Java).",
    ),
]


def size_text(size: int | None) -> str:
    """Bytes for people: in MB below a gigabyte, else in GB."""
    size = size or 0
    if size < 1e9:
        return _("{size} MB").format(size=f"{size / 1e6:,.0f}")
    return _("{size} GB").format(size=f"{size / 1e9:,.1f}")


def engine_name(engine: Engine) -> str:
    names = {
        Engine.MEMORY: _("in-memory"),
        Engine.STREAM: _("streamed"),
        Engine.SPARK: _("Spark"),
    }
    return names.get(engine, engine.value)


def say_choice(choice: Choice, what: str = "") -> None:
    """Which engine a command took for a dataset, and why; ``what`` names the work
    that is not streamed when that is the reason."""
    held, budget = size_text(choice.held), size_text(choice.budget)
    if choice.reason is Reason.FITS:
        text = _("engine: in memory (it would hold {held}, within the {budget} it may use)")
    elif choice.reason is Reason.LARGE:
        text = _(
            "engine: streamed (in memory it would hold {held}, more than the {budget} it may use)"
        )
    else:
        text = _(
            "engine: in memory, though it would hold {held}, more than the {budget} it may "
            "use: {measure} is not streamed"
        )
    err_console.print(text.format(held=held, budget=budget, measure=what), highlight=False)

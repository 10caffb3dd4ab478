"""A progress bar over named steps, for jobs that take more than a second."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from insaf.cli.app import console

__all__ = ["Told", "count_progress", "steps_progress"]


@contextmanager
def steps_progress(steps: Sequence[str]) -> Iterator[Callable[[str], None]]:
    """Yield ``step(name)``: call it as each named step starts; the bar fills as
    steps pass and disappears when the block ends."""
    with Progress(
        TextColumn("{task.description:<12}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(steps[0], total=len(steps))

        def step(name: str) -> None:
            bar.update(task, description=name, completed=list(steps).index(name))

        yield step
        bar.update(task, completed=len(steps))


class Told(Protocol):
    def __call__(self, done: int, total: int, where: str | None = None) -> None: ...


@contextmanager
def count_progress(label: str, *, width: int = 12) -> Iterator[Told]:
    """Yield ``told(done, total, where=None)``: call it as each of ``total`` pieces of
    work ends (``where``: what is being done now, in place of ``label``, in a column
    ``width`` wide); the bar shows how many are done and disappears when the block ends."""
    with Progress(
        TextColumn(f"{{task.description:<{width}}}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def told(done: int, total: int, where: str | None = None) -> None:
            bar.update(task, completed=done, total=total, description=where or label)

        yield told

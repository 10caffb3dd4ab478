"""The Typer application every command module registers on, and shared helpers."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from insaf import __version__
from insaf.cli.i18n import _, set_language
from insaf.errors import InsafError

__all__ = ["app", "console", "err_console", "reports_errors", "written_since", "wrote"]

app = typer.Typer(
    name="insaf",
    help="INSAF (إنصاف): survey microdata, equity measures and policy impact.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


def reports_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn an ``InsafError`` into a message on stderr and exit status 2."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except InsafError as exc:
            message = Text(_("error: "), style="bold red")
            message.append(str(exc))
            err_console.print(message, highlight=False, soft_wrap=True)
            sys.exit(2)

    return wrapper


def wrote(paths: Iterable[Path]) -> str:
    """``Wrote FOLDER/: a.json, b.csv`` (or ``Wrote FILE``): every file a command wrote."""
    files = sorted({Path(p) for p in paths}, key=lambda p: (str(p.parent), p.name))
    if not files:
        return _("Wrote nothing")
    if len(files) == 1:
        return _("Wrote {file}").format(file=files[0])
    folders = sorted({str(p.parent) for p in files})
    if len(folders) == 1:
        return _("Wrote {folder}/: {files}").format(
            folder=folders[0], files=", ".join(p.name for p in files)
        )
    return _("Wrote {files}").format(files=", ".join(str(p) for p in files))


def written_since(folder: Path, started: float) -> list[Path]:
    """The files in ``folder`` written at or after ``started`` (``time.time()``)."""
    return [p for p in sorted(folder.iterdir()) if p.is_file() and p.stat().st_mtime >= started]


def _version(value: bool) -> None:
    if value:
        console.print(f"insaf {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
    lang: str | None = typer.Option(
        None,
        "--lang",
        help="Language of the messages and tables (en, ar); by default the locale's (LANG=ar_...).",
        show_default=False,
    ),
) -> None:
    """INSAF (إنصاف): survey microdata, equity measures and policy impact."""
    if lang is not None and lang not in ("en", "ar"):
        raise typer.BadParameter(f"en or ar, not {lang!r}", param_hint="--lang")
    set_language(lang)  # None: the locale's language

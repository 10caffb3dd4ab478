"""The Typer application every command module registers on, and shared helpers.

Commands are loaded lazily, so ``insaf --version`` and ``insaf --help`` start
in a fraction of a second and a command imports only what it uses. Each
command lives in its own module under ``insaf.cli``, which registers it on
``app`` when imported (``@app.command("name")``, or ``command_group("name",
help)`` for a group of commands). That module is imported only when its
command runs (or its own ``--help`` is asked for). To add a command:

1. write ``insaf/cli/<module>.py`` registering ``name`` on ``app``; import the
   heavy libraries it needs there (or inside the command function), never
   from ``insaf.cli.app`` or ``insaf.cli.__init__``;
2. add one line to ``COMMANDS`` below: the name, the module, and the command's
   one-line summary (the first paragraph of its help, shown by ``insaf
   --help`` without importing the module; tests/cli/test_startup.py checks
   that it matches and that every module registering a command is listed).

Do not import command modules from ``insaf.cli``: tests/cli/test_startup.py
fails if ``import insaf.cli`` loads Django, the policy engine, the measures,
polars or openpyxl.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable
from difflib import get_close_matches
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, ParamSpec, TypeVar

import typer
import typer.main
from rich.console import Console
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:  # typer's own click, which its classes are typed with
    from typer._click import Command, Context, HelpFormatter

import insaf
from insaf.cli.help import SpeakingCommand, SpeakingGroup, usage_errors
from insaf.cli.i18n import _, language, set_language
from insaf.errors import InsafError, in_language

__all__ = [
    "COMMANDS",
    "Lazy",
    "app",
    "command_group",
    "console",
    "err_console",
    "reports_errors",
    "written_since",
    "wrote",
]


class Lazy(NamedTuple):
    """Where a command is registered, and its summary for ``insaf --help``."""

    module: str
    summary: str


COMMANDS: dict[str, Lazy] = {
    # name: Lazy(module that registers it on ``app``, first paragraph of its help)
    "backup": Lazy(
        "insaf.cli.backup",
        "Write the platform's whole database to one file (safe while the server runs).",
    ),
    "restore": Lazy(
        "insaf.cli.backup",
        "Replace the platform's whole database by a backup, then apply the migrations.",
    ),
    "inspect": Lazy(
        "insaf.cli.survey",
        "Rows, households, persons, weighted population, design, variables and problems.",
    ),
    "validate": Lazy(
        "insaf.cli.survey",
        "Check keys, links, weights, design and declared roles; list every problem.",
    ),
    "demo": Lazy(
        "insaf.cli.demo",
        "Build the synthetic demo country, write it, read it back, validate it and print its "
        "summary and headline figures with standard errors.",
    ),
    "estimate": Lazy(
        "insaf.cli.estimate",
        "Estimate a poverty, inequality, multidimensional poverty, opportunity or basic measure "
        "with its design-based standard error.",
    ),
    "dominance": Lazy(
        "insaf.cli.dominance",
        "Poverty dominance of two distributions: incidence (order 1) or deficit (order 2) "
        "curves over a range of lines, their difference with its confidence band, and the "
        "verdict.",
    ),
    "decompose": Lazy(
        "insaf.cli.decompose",
        "Decompose a change in poverty: growth against redistribution (Datt–Ravallion, and the "
        "Shapley split), or by sector with --by (within, population shift, interaction).",
    ),
    "serve": Lazy(
        "insaf.cli.serve",
        "Serve the INSAF platform (migrations applied, demo data on first start) with gunicorn "
        "and the job worker.",
    ),
    "simulate": Lazy(
        "insaf.cli.simulate",
        "Simulate the baseline and every reform of a scenario and write the social impact.",
    ),
    "synth": Lazy(
        "insaf.cli.synth",
        "Build a synthetic survey of the demo country (clearly labelled synthetic).",
    ),
    "observatory": Lazy(
        "insaf.cli.observatory",
        "Social Observatory: compute indicators from surveys, import and export observations.",
    ),
    "registry": Lazy(
        "insaf.cli.registry",
        "The social registry: import records, find duplicates, run programmes' rules, "
        "check parity with the simulation, export.",
    ),
    "target": Lazy(
        "insaf.cli.target",
        "Targeting: fit a proxy-means test, evaluate a rule, compare designs at equal budget.",
    ),
    "budget": Lazy(
        "insaf.cli.budget",
        "Budgets: import and check a budget, score PEFA PI-1 and PI-2, measure programme results.",
    ),
}
"""Every command of ``insaf``, in the order ``insaf --help`` lists them."""


class LazyCommands(SpeakingGroup):
    """The root group: lists ``COMMANDS`` and imports a command's module on first use."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._loaded: dict[str, Command] = {}
        self._listing = False

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: Context | None = None,
        **extra: Any,
    ) -> Context:
        # each run starts in the locale's language: ``--help`` exits before ``--lang``'s
        # callback runs, and a process may run several commands (as the tests do)
        set_language(None)
        return super().make_context(info_name, args, parent, **extra)

    def list_commands(self, ctx: Context) -> list[str]:
        # ``COMMANDS``' order, whether or not a command's module is already imported
        return [*COMMANDS, *(n for n in super().list_commands(ctx) if n not in COMMANDS)]

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        if self._listing:  # ``insaf --help``: the summary, without importing the module
            summary = _(COMMANDS[cmd_name].summary)
            return TyperCommand(cmd_name, help=summary, short_help=summary)
        if cmd_name not in self._loaded:
            found = super().get_command(ctx, cmd_name)  # built by typer if already imported
            self._loaded[cmd_name] = found if found is not None else _load(cmd_name)
        return self._loaded[cmd_name]

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        # typer suggests close names among the loaded commands only: suggest among all
        names = self.list_commands(ctx)
        if args and args[0] not in names and not args[0].startswith("-"):
            matches = get_close_matches(args[0], names)
            if matches:
                suggestions = ", ".join(repr(m) for m in matches)
                with usage_errors():
                    ctx.fail(f"No such command {args[0]!r}. Did you mean {suggestions}?")
        return super().resolve_command(ctx, args)


def _load(name: str) -> Command:
    """Import the module of command ``name`` and build the command it registered on ``app``."""
    importlib.import_module(COMMANDS[name].module)
    _speaking(app)
    settings: dict[str, Any] = {
        "pretty_exceptions_short": app.pretty_exceptions_short,
        "rich_markup_mode": app.rich_markup_mode,
    }
    for info in app.registered_commands:
        if (info.name or typer.main.get_command_name(info.callback.__name__)) == name:  # type: ignore[union-attr]
            return typer.main.get_command_from_info(info, **settings)
    for group in app.registered_groups:
        if group.name == name:
            return typer.main.get_group_from_info(
                group, suggest_commands=app.suggest_commands, **settings
            )
    raise RuntimeError(f"{COMMANDS[name].module} does not register the command {name!r} on app")


def _speaking(typer_app: typer.Typer) -> None:
    """Build every command of ``typer_app`` with a class whose ``--help`` speaks the CLI's
    language (a command that names its own class derives from ``SpeakingCommand``)."""
    for info in typer_app.registered_commands:
        if _typers_own(info.cls, TyperCommand):
            info.cls = SpeakingCommand
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            if _typers_own(group.cls, TyperGroup):
                group.cls = SpeakingGroup
            _speaking(group.typer_instance)


def _typers_own(cls: object, default: type) -> bool:
    """``cls`` is left to typer (``None``, typer's default placeholder, or ``default``)."""
    return getattr(cls, "value", cls) in (None, default)


app = typer.Typer(
    name="insaf",
    cls=LazyCommands,
    help="INSAF (إنصاف): survey microdata, equity measures and policy impact.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)


def command_group(name: str, help: str) -> typer.Typer:
    """The group of commands ``insaf NAME ...``, registered on ``app``; ``insaf NAME``
    alone shows its help."""
    group = typer.Typer(name=name, help=help, no_args_is_help=True)
    app.add_typer(group, name=name)
    return group


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
            message.append(in_language(exc, language()))
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
        console.print(f"insaf {insaf.__version__}")
        raise typer.Exit()


def _speak(lang: str | None) -> str | None:
    if lang is not None and lang not in ("en", "ar"):
        raise typer.BadParameter(f"en or ar, not {lang!r}", param_hint="--lang")
    set_language(lang)  # None: the locale's language
    return lang


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
    lang: str | None = typer.Option(
        None,
        "--lang",
        callback=_speak,
        is_eager=True,  # read before --help, which then speaks it
        help="Language of the messages and tables (en, ar); by default the locale's (LANG=ar_...).",
        show_default=False,
    ),
) -> None:
    """INSAF (إنصاف): survey microdata, equity measures and policy impact."""

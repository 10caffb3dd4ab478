"""``--help`` in the CLI's language (English, or Arabic with ``--lang ar`` or an Arabic locale).

A command's help, its parameters' help, its sub-commands' summaries and Typer's
own words ("Options", "[default: …]", "Usage:") go through the CLI's catalogue
(``insaf.cli.i18n``) when the help is written, not when the command is built:
``--lang`` is read before ``--help`` prints. What a person types stays as typed:
option names, type names (``<path>``) and choices (``[table|json|csv]``).

Every command class of the CLI derives from ``SpeakingCommand`` or
``SpeakingGroup``; ``help_messages`` lists every text they translate, for the
catalogue (docs/cli.md says how to update it) and for the test that each has
its Arabic.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from typer._click import Command
from typer.core import TyperCommand, TyperGroup

from insaf.cli.i18n import N_, _, language

if TYPE_CHECKING:
    from typer._click import Context, HelpFormatter

__all__ = [
    "TYPER_WORDS",
    "SpeakingCommand",
    "SpeakingGroup",
    "help_messages",
    "speaking",
    "usage_errors",
]

TYPER_WORDS = {
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "DEFAULT_STRING": "[default: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "ENVVAR_STRING": "[env var: {}]",
    "DEPRECATED_STRING": "(deprecated) ",
}
"""Typer's own words in a help screen (``typer.rich_utils``' names), in English."""
USAGE = "Usage:"


def _texts(command: Command, ctx: Context) -> Iterator[tuple[object, str, str]]:
    """Each (object, attribute, English text) that ``command``'s help screen shows."""
    for attribute in ("help", "short_help"):
        text = getattr(command, attribute, None)
        if text:
            yield command, attribute, text
    for param in command.get_params(ctx):
        text = getattr(param, "help", None)
        if text:
            yield param, "help", text
    for sub in getattr(command, "commands", {}).values():
        for attribute in ("help", "short_help"):
            text = getattr(sub, attribute, None)
            if text:
                yield sub, attribute, text


@contextmanager
def speaking(command: Command, ctx: Context) -> Iterator[None]:
    """While in the block, ``command``'s help screen is in the CLI's language."""
    if language() == "en":
        yield
        return
    from typer import rich_utils  # here: a command that is run, not helped, does not pay

    texts = list(_texts(command, ctx))
    typer_words = {name: getattr(rich_utils, name) for name in TYPER_WORDS}
    try:
        for obj, name, text in texts:
            setattr(obj, name, _(text))
        for name, english in TYPER_WORDS.items():
            setattr(rich_utils, name, _(english))
        yield
    finally:
        for obj, name, text in texts:
            setattr(obj, name, text)
        for name, word in typer_words.items():
            setattr(rich_utils, name, word)


USAGE_WORDS = (N_("[OPTIONS]"), N_("COMMAND [ARGS]..."))
"""click's words in a usage line after the command's name (its options and sub-command)."""


def _usage(usage: str) -> str:
    """A usage line in the CLI's language: its title and click's words for the options and
    the sub-command (the command's name and its arguments' names are typed as they are)."""
    if not usage.startswith(USAGE):
        return usage
    line = _(USAGE) + usage[len(USAGE) :]
    for words in USAGE_WORDS:
        line = line.replace(f" {words}", f" {_(words)}")
    return line


@contextmanager
def usage_errors() -> Iterator[None]:
    """A mistake on the command line found in the block is said in the CLI's language
    (``insaf.cli.usage``)."""
    from typer._click.exceptions import ClickException

    try:
        yield
    except ClickException as error:
        from insaf.cli.usage import speaking_usage

        speaking_usage(error)
        raise


class _Speaking(Command):
    """What a command or a group does to speak the CLI's language: its ``--help``, its
    usage line and the mistakes made in calling it (before typer's class in the bases)."""

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        with speaking(self, ctx):
            super().format_help(ctx, formatter)

    def get_usage(self, ctx: Context) -> str:
        return _usage(super().get_usage(ctx))

    def make_context(self, *args: Any, **kwargs: Any) -> Context:
        with usage_errors():
            return super().make_context(*args, **kwargs)


class SpeakingCommand(_Speaking, TyperCommand):
    """A command whose ``--help``, and the mistakes made in calling it, are in the CLI's
    language."""


class SpeakingGroup(_Speaking, TyperGroup):
    """A group of commands whose ``--help``, and the mistakes made in calling it, are in the
    CLI's language."""

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        with usage_errors():
            return super().resolve_command(ctx, args)


def help_messages(command: Command, ctx: Context | None = None) -> list[str]:
    """Every text the help screens of ``command`` and its sub-commands show, once, in order."""
    from typer._click import Context as ClickContext

    ctx = ctx if ctx is not None else ClickContext(command)
    found: dict[str, None] = {}
    for _obj, _name, text in _texts(command, ctx):
        found.setdefault(text, None)
    subs: dict[str, Any] = getattr(command, "commands", {})
    for name, sub in subs.items():
        for text in help_messages(sub, ClickContext(sub, info_name=name, parent=ctx)):
            found.setdefault(text, None)
    return list(found)

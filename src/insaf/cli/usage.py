"""A mistake on the command line (a missing option, an unknown one, a bad value), said in the
CLI's language.

Typer (and the Click it carries) writes these in English, with no catalogue of
its own. ``speaking_usage`` recognises each of their messages by its form
(``USAGE_WORDS``), says it again from the CLI's catalogue with the names and
values it quoted, and gives the error panel's title and its "Try ... --help"
line in the same language. A message of another form is left in English.
Typer reads a bad value with pydantic: its words are the library's
(``insaf.specs.PYDANTIC_WORDS``, said from the library's catalogue).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from insaf.cli.i18n import N_, _, language

__all__ = ["USAGE_WORDS", "said_usage", "speaking_usage"]

USAGE_WORDS: tuple[tuple[str, str], ...] = (
    (r"Missing option (?P<name>.+)\.", N_("Missing option {name}.")),
    (r"Missing argument (?P<name>.+)\.", N_("Missing argument {name}.")),
    (
        r"No such option: (?P<name>\S+) \(Possible options: (?P<matches>.+)\)",
        N_("No such option: {name} (Possible options: {matches})"),
    ),
    (r"No such option: (?P<name>\S+)", N_("No such option: {name}")),
    (
        r"No such command (?P<name>.+)\. Did you mean (?P<matches>.+)\?",
        N_("No such command {name}. Did you mean {matches}?"),
    ),
    (r"No such command (?P<name>.+)\.", N_("No such command {name}.")),
    (r"Option (?P<name>.+) requires an argument\.", N_("Option {name} requires an argument.")),
    (
        r"Got unexpected extra argument\(s\) \((?P<arguments>.*)\)",
        N_("Got unexpected extra argument(s) ({arguments})"),
    ),
    (
        r"Invalid value for (?P<name>[^:]+): (?P<reason>.*)",
        N_("Invalid value for {name}: {reason}"),
    ),
    (
        r"Value error, (?P<value>.+) is not one of (?P<choices>.+)\.",
        N_("{value} is not one of {choices}."),
    ),
    (r"Path (?P<path>.+) does not exist\.", N_("Path {path} does not exist.")),
)
"""Each message's form (a regular expression of the whole message) and its template."""

_FORMS = [(re.compile(form, re.DOTALL), template) for form, template in USAGE_WORDS]
TITLE = N_("Error")
TRY = N_("Try [blue]'{command_path} {help_option}'[/] for help.")


def said_usage(message: str) -> str:
    """``message`` (Typer's or Click's words) in the CLI's language, where its form is known."""
    if language() == "en":
        return message
    for form, template in _FORMS:
        found = form.fullmatch(message)
        if found is not None:
            values = {k: _said_value(k, v) for k, v in found.groupdict().items()}
            return _(template).format(**values)
    from insaf.errors import said
    from insaf.specs import PYDANTIC_WORDS

    if message in PYDANTIC_WORDS.values():  # words without values: said as they are
        return said(message).in_language(language())
    return message


def _said_value(key: str, value: str) -> str:
    """A value quoted in a message, said again: a reason in the CLI's language, a list of
    suggestions with its language's comma."""
    if key == "reason":
        return said_usage(value)
    if key == "matches":
        return _(", ").join(value.split(", "))
    return value


def speaking_usage(error: Exception) -> None:
    """``error`` (a ``ClickException`` about to be shown) said in the CLI's language, with the
    panel around it (set each time: a process may speak both, as the tests do)."""
    from typer import rich_utils

    english: Callable[[], str] = error.format_message  # type: ignore[attr-defined]
    error.format_message = lambda: said_usage(english())  # type: ignore[attr-defined]
    rich_utils.ERRORS_PANEL_TITLE = _(TITLE)
    rich_utils.RICH_HELP = _(TRY)

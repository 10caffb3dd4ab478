"""Renamed flags: an old spelling keeps working for one release, with a warning.

``docs/glossary.md`` gives each concept one flag. A command that renamed a
flag registers with ``cls=renamed({"--old": "--new"})``: the old flag is not
in ``--help``, is read as the new one, and prints
``warning: --old is deprecated; use --new`` on standard error.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

from rich.text import Text

from insaf.cli.app import err_console
from insaf.cli.help import SpeakingCommand
from insaf.cli.i18n import _

__all__ = ["RenamedFlags", "renamed"]


class RenamedFlags(SpeakingCommand):
    """A command that reads its old flag names as the new ones."""

    flags: ClassVar[Mapping[str, str]] = MappingProxyType({})

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        read: list[str] = []
        for i, arg in enumerate(args):
            if arg == "--":
                read.extend(args[i:])
                break
            name, equals, value = arg.partition("=")
            new = self.flags.get(name)
            if new is not None:
                message = Text(_("warning: "), style="bold yellow")
                message.append(_("{old} is deprecated; use {new}").format(old=name, new=new))
                err_console.print(message, highlight=False, soft_wrap=True)
                arg = new + equals + value
            read.append(arg)
        result: list[str] = super().parse_args(ctx, read)
        return result


def renamed(flags: Mapping[str, str]) -> type[RenamedFlags]:
    """A command class that reads each old flag of ``flags`` as its new name."""
    return type("Renamed", (RenamedFlags,), {"flags": MappingProxyType(dict(flags))})

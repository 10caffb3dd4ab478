"""The CLI reference in ``docs/cli.md``, generated from the commands themselves.

Run ``python -m insaf.cli.reference > docs/cli.md`` after changing a command;
a test fails when the file and the commands disagree.
"""

from __future__ import annotations

import os
from typing import Any

import typer.main
from typer.testing import CliRunner

from insaf.cli import app

__all__ = ["cli_reference"]

WIDTH = "100"


def _help(args: list[str]) -> str:
    env = {"COLUMNS": WIDTH, "TERM": "dumb", "NO_COLOR": "1", "_TYPER_FORCE_DISABLE_TERMINAL": "1"}
    result = CliRunner().invoke(app, [*args, "--help"], env=env, color=False)
    if result.exit_code != 0:
        raise RuntimeError(f"insaf {' '.join(args)} --help failed: {result.output}")
    return "\n".join(line.rstrip() for line in result.stdout.strip("\n").splitlines())


def _commands(group: Any, path: list[str]) -> list[list[str]]:
    context = group.context_class(group, info_name=path[-1] if path else "insaf")
    found: list[list[str]] = []
    for name in sorted(group.list_commands(context)):
        command = group.get_command(context, name)
        if command is None or command.hidden:
            continue
        found.append([*path, name])
        if hasattr(command, "list_commands"):
            found.extend(_commands(command, [*path, name]))
    return found


def cli_reference() -> str:
    """Markdown: the ``--help`` of ``insaf`` and of every command, in order."""
    os.environ.setdefault("COLUMNS", WIDTH)
    root = typer.main.get_command(app)
    out = [
        "# Command-line reference",
        "",
        "Generated from the commands by `python -m insaf.cli.reference > docs/cli.md`;",
        "a test fails when this file and the commands disagree.",
        "",
        "```text",
        _help([]),
        "```",
    ]
    for path in _commands(root, []):
        out.extend(["", f"## insaf {' '.join(path)}", "", "```text", _help(path), "```"])
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(cli_reference(), end="")

"""The CLI reference in ``docs/cli.md``, generated from the commands themselves.

Run ``python -m insaf.cli.reference > docs/cli.md`` after changing a command;
a test fails when the file and the commands disagree. ``python -m
insaf.cli.reference --pot`` writes the texts of every ``--help`` screen as a
gettext template, for the CLI's Arabic catalogue (``insaf.cli.help``).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import typer.main
from typer.testing import CliRunner

from insaf.cli import app
from insaf.cli.app import COMMANDS
from insaf.cli.help import TYPER_WORDS, USAGE, help_messages

__all__ = ["cli_reference", "help_template", "help_texts"]

WIDTH = "100"


def _help(args: list[str]) -> str:
    env = {"COLUMNS": WIDTH, "TERM": "dumb", "NO_COLOR": "1", "_TYPER_FORCE_DISABLE_TERMINAL": "1"}
    env |= {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}  # English
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
        "**Languages.** The commands speak English, or Arabic with `--lang ar` (before",
        "the command, or the command's own `--lang`) or an Arabic locale (`LANG=ar_JO.UTF-8`).",
        "Messages, table headers and `--help` are translated; JSON and CSV keep their English",
        "keys. An error is said in the CLI's language too: the library's words where they are",
        "made by `insaf.errors.said` (the file, line, key or column as they are), and a mistake",
        "on the command line (a missing or unknown option, a bad value: `insaf.cli.usage`).",
        "The Arabic is a gettext catalogue,",
        "`src/insaf/cli/locale/ar/LC_MESSAGES/insaf.po` (standard library `gettext`, no",
        "Django at start-up). To add a message, wrap it in `_()` from `insaf.cli.i18n`",
        "(a text translated elsewhere than where it is written, in `N_()`),",
        "then:",
        "",
        "<!-- example: not run (rewrites the translation catalogue) -->",
        "```sh",
        "xgettext --language=Python --keyword=_ --keyword=N_ --from-code=UTF-8 --no-location \\",
        "  --sort-output -o messages.pot src/insaf/cli/*.py",
        "python -m insaf.cli.reference --pot > help.pot   # every --help screen's texts",
        "msgcat --use-first --sort-output -o src/insaf/cli/locale/insaf.pot messages.pot help.pot",
        "msgmerge --update --no-location src/insaf/cli/locale/ar/LC_MESSAGES/insaf.po \\",
        "  src/insaf/cli/locale/insaf.pot",
        "# fill every empty msgstr, remove any fuzzy flag, then compile:",
        "msgfmt --check -o src/insaf/cli/locale/ar/LC_MESSAGES/insaf.mo \\",
        "  src/insaf/cli/locale/ar/LC_MESSAGES/insaf.po",
        "```",
        "",
        "`tests/web/test_i18n.py` checks this catalogue as it checks the platform's.",
        "",
        "```text",
        _help([]),
        "```",
    ]
    for path in _commands(root, []):
        out.extend(["", f"## insaf {' '.join(path)}", "", "```text", _help(path), "```"])
    return "\n".join(out) + "\n"


def help_texts() -> list[str]:
    """Every English text of every ``--help`` screen, once: the commands' and options' help,
    the summaries ``insaf --help`` lists, and Typer's own words."""
    root = typer.main.get_command(app)
    found = dict.fromkeys(help_messages(root))
    found |= dict.fromkeys(lazy.summary for lazy in COMMANDS.values())
    for path in _commands(root, []):
        command: Any = root
        for name in path:
            command = command.get_command(command.context_class(command), name)
        found |= dict.fromkeys(help_messages(command))
    found |= dict.fromkeys([*TYPER_WORDS.values(), USAGE])
    return list(found)


def help_template() -> str:
    """``help_texts`` as a gettext template (``.pot``)."""
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    entries = [header]
    for text in help_texts():
        flag = "#, python-brace-format\n" if "{}" in text else ""
        entries.append(f'{flag}msgid {json.dumps(text, ensure_ascii=False)}\nmsgstr ""\n')
    return "\n".join(entries)


if __name__ == "__main__":  # pragma: no cover
    print(help_template() if sys.argv[1:] == ["--pot"] else cli_reference(), end="")

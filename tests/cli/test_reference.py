"""docs/cli.md is generated from the commands; it must not drift."""

from __future__ import annotations

from pathlib import Path

from insaf.cli.reference import cli_reference

DOC = Path(__file__).parents[2] / "docs" / "cli.md"


def test_cli_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == cli_reference(), (
        "docs/cli.md is stale: run `python -m insaf.cli.reference > docs/cli.md`"
    )

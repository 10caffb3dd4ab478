"""docs/cli.md is generated from the commands; it must not drift."""

from __future__ import annotations

from pathlib import Path

from insaf.cli.reference import cli_reference

DOC = Path(__file__).parents[2] / "docs" / "cli.md"


def test_cli_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == cli_reference(), (
        "docs/cli.md is stale: run `python -m insaf.cli.reference > docs/cli.md`"
    )


def test_a_run_in_arabic_leaves_the_next_in_the_locales_language(tmp_path: Path) -> None:
    """``--help`` exits before ``--lang``'s callback: a process that ran a command in Arabic
    (as a test worker does) wrote this reference in Arabic when asked next."""
    from typer.testing import CliRunner

    from insaf.cli import app

    english = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
    runner = CliRunner()
    absent = str(tmp_path / "absent")
    said = runner.invoke(app, ["estimate", absent, "--measure", "gini", "--lang", "ar"])
    assert "خطأ" in said.stderr  # it spoke Arabic
    assert "Usage: insaf [OPTIONS]" in runner.invoke(app, ["--help"], env=english).stdout

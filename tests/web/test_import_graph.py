"""The web apps' import graph: ``core`` is shared by the apps and imports none of them."""

from __future__ import annotations

import ast
from pathlib import Path

import insaf.web

WEB = Path(insaf.web.__file__).parent
APPS = ("observatory", "council", "accounts", "budget")


def _imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at its top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_core_imports_no_app() -> None:
    offending = []
    for path in sorted((WEB / "core").rglob("*.py")):
        for module in _imported_modules(path):
            if any(module.startswith(f"insaf.web.{app}") for app in APPS):
                offending.append(f"{path.relative_to(WEB)} imports {module}")
    assert offending == []


def test_the_checker_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from insaf.web.observatory.models import X\n")
    assert "insaf.web.observatory.models" in _imported_modules(source)


def test_the_cli_calls_services_not_the_orm() -> None:
    cli = WEB.parent / "cli"
    offending = []
    for path in sorted(cli.rglob("*.py")):
        for module in _imported_modules(path):
            if module.startswith("insaf.web.") and module.split(".")[-1] == "models":
                offending.append(f"cli/{path.name} imports {module}")
            if module.startswith("django.db"):
                offending.append(f"cli/{path.name} imports {module}")
    assert offending == []


def test_other_apps_read_budgets_through_the_budget_app() -> None:
    # the council and the observatory call insaf.web.budget.queries, not the budget's ORM
    offending = []
    for path in sorted(WEB.rglob("*.py")):
        if path.is_relative_to(WEB / "budget"):
            continue
        for module in _imported_modules(path):
            if module.startswith("insaf.web.budget.models"):
                offending.append(f"{path.relative_to(WEB)} imports {module}")
    assert offending == []

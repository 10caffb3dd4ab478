"""The documents: every example in docs/ and the README runs, and nothing points outside.

Each ```sh and ```python block of README.md and docs/ (docs/cli.md is
generated help text) is run, in order within its file, in one temporary folder
holding a copy of ``examples/`` and the demo survey in ``data/demo`` (as
``make run`` leaves them), so that examples that build on the ones
before them (a survey written by ``insaf synth``, a model fitted by
``insaf target fit``) work as a reader's session would. The examples ask for
surveys of 20,000 households; the test writes 1,500 instead (the only change
it makes), so that the whole run takes a minute or two.

A block that cannot run here says so on the line before it, with its reason:
``<!-- example: not run (serves until stopped) -->``.
"""

from __future__ import annotations

import os
import re
import runpy
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
GENERATED = {ROOT / "docs" / "cli.md"}
RUN = ("sh", "python")
NOT_RUN = re.compile(r"<!-- example: not run \((?P<reason>[^)]+)\) -->\s*$")
FENCE = re.compile(r"^```(?P<lang>[a-z]*)\n(?P<code>.*?)^```\n", re.S | re.M)
SMALL = 1500


@dataclass(frozen=True)
class Example:
    document: Path
    line: int
    lang: str
    code: str
    reason: str | None

    @property
    def id(self) -> str:
        return f"{self.document.relative_to(ROOT)}:{self.line}"


def examples(document: Path) -> list[Example]:
    text = document.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        if match.group("lang") not in RUN:
            continue
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        mark = NOT_RUN.match(before)
        found.append(
            Example(
                document=document,
                line=text.count("\n", 0, match.start()) + 1,
                lang=match.group("lang"),
                code=match.group("code"),
                reason=mark.group("reason") if mark else None,
            )
        )
    return found


def small(code: str) -> str:
    """The same example on a survey of 1,500 households."""
    code = re.sub(r"--households \d+", f"--households {SMALL}", code)
    return re.sub(r"synthesize\(\d[\d_]*", f"synthesize({SMALL}", code)


DOCUMENTED = [d for d in DOCUMENTS if d not in GENERATED and examples(d)]


def test_documents_are_found() -> None:
    names = {d.relative_to(ROOT).as_posix() for d in DOCUMENTED}
    assert {"README.md", "docs/targeting.md", "docs/methods/equity.md"} <= names


def test_blocks_not_run_say_why() -> None:
    """Only what truly cannot run here is left out: a server, the test suite, a password."""
    left_out = [e for d in DOCUMENTED for e in examples(d) if e.reason is not None]
    for example in left_out:
        assert len(example.reason or "") > 10, example.id
    assert len(left_out) <= 10, [e.id for e in left_out]


def test_no_document_outside_the_repository() -> None:
    """The repository stands alone: no reference to a folder beside it."""
    outside = re.compile(r"\.\./" + "shared|/work/" + r"shared|(?<![\w/])(GLOSSARY|REFERENCES)\.md")
    found = []
    for folder in ("src", "docs", "tests", "examples", "scripts", "benchmarks"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in {".py", ".md", ".yaml", ".sh", ".html", ".txt", ".R"}:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{path.relative_to(ROOT)}: {m.group()}" for m in outside.finditer(text)]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found += [f"README.md: {m.group()}" for m in outside.finditer(readme)]
    assert not found


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A reader's folder after ``make run``: examples/, the demo survey in data/demo and
    its budget in data/demo/budget."""
    from insaf.budget.demo import write_demo_budget
    from insaf.survey import write_survey
    from insaf.survey.synth import synthesize

    folder = tmp_path_factory.mktemp("reader")
    shutil.copytree(ROOT / "examples", folder / "examples")
    survey = synthesize(SMALL, seed=7, year=2024)
    write_survey(survey, folder / "data" / "demo")
    write_demo_budget(folder / "data" / "demo" / "budget", survey)
    return folder


def _env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["INSAF_DATA"] = str(folder / "data")
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["COLUMNS"] = "100"
    return env


@pytest.mark.slow
@pytest.mark.parametrize("document", DOCUMENTED, ids=lambda d: str(d.relative_to(ROOT)))
def test_examples_run(document: Path, session: Path) -> None:
    # every document starts from the same reader's folder; the tour writes to /tmp/insaf-tour
    folder = session / document.relative_to(ROOT).as_posix().replace("/", "_")
    shutil.copytree(session / "examples", folder / "examples")
    shutil.copytree(session / "data", folder / "data")
    tour = folder / "insaf-tour"
    for example in examples(document):
        if example.reason is not None:
            continue
        code = small(example.code).replace("/tmp/insaf-tour", str(tour))
        if example.lang == "sh":
            result = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", code],
                cwd=folder,
                env=_env(folder),
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            assert result.returncode == 0, f"{example.id}\n{code}\n{result.stdout}\n{result.stderr}"
        else:
            script = folder / "example.py"
            script.write_text(code, encoding="utf-8")
            here = Path.cwd()
            os.chdir(folder)
            try:
                runpy.run_path(str(script), run_name="__main__")
            except Exception as exc:  # pragma: no cover - the message is the point
                raise AssertionError(f"{example.id}\n{code}") from exc
            finally:
                os.chdir(here)

"""YAML specifications: errors name the key and the line."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from insaf.errors import SpecError
from insaf.specs import load_spec, load_yaml


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    amount: float


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    items: list[Item]


def test_every_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(
        "name: demo\n"  # line 1
        "items:\n"  # line 2
        "  - {id: a, amount: 1}\n"  # line 3
        "  - id: b\n"  # line 4
        "    amount: lots\n"  # line 5
        "  - {id: c, amount: 2, colour: red}\n",  # line 6
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as caught:
        load_spec(Spec, path)
    problems = {(w.key, w.line) for w, _ in caught.value.problems}
    assert problems == {("items[1].amount", 5), ("items[2].colour", 6)}


def test_missing_key_points_at_its_parent(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("name: demo\nitems:\n  - {id: a}\n", encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        load_spec(Spec, path)
    [(where, message)] = caught.value.problems
    assert (where.key, where.line, message) == ("items[0].amount", 3, "Field required")


def test_yaml_syntax_error_names_the_line() -> None:
    with pytest.raises(SpecError, match="line 3"):
        load_yaml("a: 1\nb: [1, 2\nc: 3\n", file="x.yaml")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="file not found"):
        load_spec(Spec, tmp_path / "nope.yaml")

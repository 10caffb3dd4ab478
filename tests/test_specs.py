"""YAML specifications: errors name the key and the line."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from insaf.errors import SpecError
from insaf.specs import load_spec, load_yaml, locate


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


# YAML bombs: a few hundred bytes of nested aliases that expand to billions of
# values. Each level lists the previous one nine times: 9**9 = 387,420,489
# strings from the first bomb (324 bytes), 9**10 from the second (359 bytes).
LAUGHS_350 = (
    "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
)
LAUGHS_400 = LAUGHS_350 + "j: &j [*i,*i,*i,*i,*i,*i,*i,*i,*i]\n"


def test_the_bombs_are_as_small_as_reported() -> None:
    assert (len(LAUGHS_350.encode()), len(LAUGHS_400.encode())) == (324, 359)


@pytest.mark.parametrize("bomb", [LAUGHS_350, LAUGHS_400], ids=["350-bytes", "400-bytes"])
def test_alias_bomb_is_refused_naming_the_file(bomb: str) -> None:
    with pytest.raises(SpecError) as caught:
        load_yaml(bomb, file="bomb.yaml")
    assert caught.value.file == "bomb.yaml"
    assert "aliases are expanded" in str(caught.value)
    assert str(caught.value).startswith("bomb.yaml: ")


def test_alias_bomb_in_a_scenario_file_is_refused(tmp_path: Path) -> None:
    from insaf.policy.scenario import load_scenario

    path = tmp_path / "scenario.yaml"
    path.write_text("name: bomb\n" + LAUGHS_400, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        load_scenario(path)
    assert caught.value.file == str(path)


def test_ordinary_aliases_still_work() -> None:
    data, _ = load_yaml("base: &base {amount: 10, unit: person}\nchild: *base\n")
    assert data["child"] == {"amount": 10, "unit": "person"}


def test_an_alias_that_contains_itself_is_refused() -> None:
    with pytest.raises(SpecError, match="contains it") as caught:
        load_yaml("a: &a [1, *a]\n", file="loop.yaml")
    assert caught.value.file == "loop.yaml"


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(SpecError, match="nested deeper") as caught:
        load_yaml("[" * 5000 + "]" * 5000, file="deep.yaml")
    assert caught.value.file == "deep.yaml"


def test_a_text_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    from insaf.specs import MAX_YAML_BYTES, read_yaml_file

    path = tmp_path / "big.yaml"
    path.write_text("# " + "x" * MAX_YAML_BYTES + "\n", encoding="utf-8")
    with pytest.raises(SpecError, match="larger than") as caught:
        read_yaml_file(path)
    assert caught.value.file == str(path)
    with pytest.raises(SpecError, match="longer than"):
        load_yaml(path.read_text(encoding="utf-8"), file="big.yaml")


def test_a_nul_character_is_a_spec_error() -> None:
    with pytest.raises(SpecError) as caught:
        load_yaml("name: a\x00b\n", file="nul.yaml")
    assert caught.value.file == "nul.yaml"


def test_locate_keeps_what_is_in_the_document() -> None:
    """A union tag inside a pydantic location is dropped; a missing last key is kept and
    points at its parent's line; the empty path is the document's first line."""
    text = "name: x\nreforms:\n  r:\n    - {id: a, amount: 5}\n    - id: b\n      amount: 6\n"
    data, lines = load_yaml(text)

    def where(*path: object) -> tuple[int | None, str | None]:
        found = locate(data, lines, path, file="s.yaml")
        assert found.file == "s.yaml"
        return found.line, found.key

    assert where("reforms", "r", 0, "cash_transfer", "amount") == (4, "reforms.r[0].amount")
    assert where("reforms", "r", 1, "amount") == (6, "reforms.r[1].amount")
    assert where("reforms", "r", 1, "eligible") == (5, "reforms.r[1].eligible")
    assert where() == (1, None)

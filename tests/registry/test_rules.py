"""Rulesets: read from file, hashed, and approved by someone other than their drafter."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.registry.conftest import DEMO

from insaf.errors import SpecError
from insaf.registry import ApprovalError, approve, load_ruleset


def _copy_demo(tmp_path: Path) -> Path:
    for name in ("programmes.yaml", "cash_assistance.yaml"):
        shutil.copy(DEMO / name, tmp_path / name)
    return tmp_path / "cash_assistance.yaml"


def test_load_demo_rulesets() -> None:
    for name in ("cash_assistance", "child_grant", "disability_allowance"):
        ruleset = load_ruleset(DEMO / f"{name}.yaml")
        assert ruleset.id == name and ruleset.approved
        assert [i.id for i in ruleset.selected] == [name]
        assert len(ruleset.content_hash) == 64


def test_hash_is_stable_and_follows_the_rules(tmp_path: Path) -> None:
    path = _copy_demo(tmp_path)
    first = load_ruleset(path).content_hash
    assert load_ruleset(path).content_hash == first
    # who approved is not part of the content
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("director-1", "director-2"), encoding="utf-8")
    assert load_ruleset(path).content_hash == first
    # a changed amount in the scenario is
    scenario = tmp_path / "programmes.yaml"
    scenario.write_text(
        scenario.read_text(encoding="utf-8").replace("amount: 40 ", "amount: 41 "),
        encoding="utf-8",
    )
    assert load_ruleset(path).content_hash != first


def test_maker_checker(tmp_path: Path) -> None:
    path = _copy_demo(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("director-1", "Analyst-1 "), encoding="utf-8")
    with pytest.raises(ApprovalError, match="another person must approve"):
        load_ruleset(path)
    path.write_text(text.replace("approved_by: director-1\n", ""), encoding="utf-8")
    draft = load_ruleset(path)
    assert not draft.approved
    with pytest.raises(ApprovalError, match="drafted by 'analyst-1'"):
        approve(draft, "analyst-1")
    assert approve(draft, "director-3").approved_by == "director-3"


def test_unknown_instrument_is_named(tmp_path: Path) -> None:
    path = _copy_demo(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[cash_assistance]", "[cash_asistance]"), encoding="utf-8")
    with pytest.raises(SpecError, match="'cash_asistance' are not in policy 'baseline'"):
        load_ruleset(path)

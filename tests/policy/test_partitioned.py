"""A scenario run one part of a survey at a time gives the in-memory impact, to 1e-9.

The in-memory engine on the whole survey (every part read and stacked, an
independent path: one ``PolicyData``, one ``Engine``) is the reference; the
impact documents are compared value by value, the rights assessment and the
survey's fingerprint included.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from insaf._json import differences
from insaf.errors import DataError, SpecError
from insaf.measures.engine import Engine, Reason
from insaf.policy import parse_scenario, simulate
from insaf.policy.partitioned import (
    HELD_BYTES_PER_VALUE,
    choose_engine,
    held_bytes,
    simulate_partitioned,
)
from insaf.rights import assess_rights
from insaf.survey import Survey
from insaf.survey.partitioned import PartitionedSurvey, write_partitioned_survey

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))


def _fixed(path: Path) -> Any:
    """The example with its solved parameters left at their starting values (the solver
    needs the whole survey at each step, so it does not run on parts)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    for reform in raw["reforms"].values():
        changes = reform.get("changes", []) if isinstance(reform, dict) else reform
        if isinstance(reform, dict):
            reform.pop("solve", None)
        for change in changes:
            change.pop("budget_neutral", None)
    return parse_scenario(raw, file=str(path))


@pytest.fixture(scope="module")
def parts(demo: Survey, tmp_path_factory: pytest.TempPathFactory) -> PartitionedSurvey:
    """The demo survey in 26 parts: by governorate, at most 40 households each."""
    return write_partitioned_survey(
        demo, tmp_path_factory.mktemp("parts") / "demo", by="governorate", households=40
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_parts_give_the_in_memory_impact(
    path: Path, parts: PartitionedSurvey, tmp_path: Path
) -> None:
    assert len(parts.parts) > 20
    scenario = _fixed(path)
    whole = assess_rights(simulate(scenario, parts.whole())).to_dict()
    by_part = assess_rights(simulate_partitioned(scenario, parts)).to_dict()
    assert differences(whole, by_part) == []
    # the joined arrays in files the system may page out: the same numbers
    paged = assess_rights(simulate_partitioned(scenario, parts, paged=tmp_path)).to_dict()
    assert differences(whole, paged) == []
    # the comparison has something to compare: standard errors and the rights tests
    reform = next(iter(by_part["reforms"].values()))
    assert reform["poverty"][0]["change"]["se"] > 0
    assert reform["rights"]["verdicts"]
    assert by_part["scenario"]["survey"]["persons"] == parts.whole().n_persons


def test_a_part_without_an_item_still_knows_it(parts: PartitionedSurvey) -> None:
    """Items absent from a part are zero there, not unknown (kerosene is bought in few
    households of the demo survey, so most parts lack it)."""
    lacking = [
        p
        for p in parts.parts
        if "kerosene"
        not in parts.survey(p).items["consumption"].frame.get_column("item").cast(str).to_list()
    ]
    assert lacking  # the case this test is about exists
    scenario = _fixed(EXAMPLES[0])
    impact = simulate_partitioned(scenario, parts)
    assert impact.reforms


def test_solving_is_refused_with_its_key(parts: PartitionedSurvey) -> None:
    raw = yaml.safe_load(EXAMPLES[0].read_text(encoding="utf-8"))
    scenario = parse_scenario(raw, file=str(EXAMPLES[0]))
    with pytest.raises(SpecError) as caught:
        simulate_partitioned(scenario, parts)
    assert "solve" in str(caught.value)
    assert "--engine memory" in str(caught.value)


def test_progress_is_told_each_part(parts: PartitionedSurvey) -> None:
    seen: list[tuple[int, int]] = []
    simulate_partitioned(_fixed(EXAMPLES[1]), parts, progress=lambda d, n: seen.append((d, n)))
    assert seen == [(i + 1, len(parts.parts)) for i in range(len(parts.parts))]


def test_a_bad_part_is_named(demo: Survey, tmp_path: Path) -> None:
    dataset = write_partitioned_survey(demo, tmp_path / "d", by="governorate", households=100)
    broken = dataset.file("persons", dataset.parts[2])
    broken.write_bytes(b"not parquet")
    with pytest.raises(DataError) as caught:
        simulate_partitioned(_fixed(EXAMPLES[1]), dataset)
    assert str(broken) in str(caught.value)


def test_auto_runs_parts_when_the_survey_does_not_fit(parts: PartitionedSurvey) -> None:
    held = held_bytes(parts)
    rows, values = parts.shape("persons")
    assert rows == parts.whole().n_persons and values > rows
    assert held == HELD_BYTES_PER_VALUE * sum(parts.shape(t)[1] for t in parts.tables)
    small = choose_engine(parts.folder, budget=held - 1)
    assert (small.engine, small.reason) == (Engine.STREAM, Reason.LARGE)
    large = choose_engine(parts.folder, budget=held)
    assert (large.engine, large.reason) == (Engine.MEMORY, Reason.FITS)
    asked = choose_engine(parts.folder, Engine.MEMORY)
    assert (asked.engine, asked.reason) == (Engine.MEMORY, Reason.ASKED)

"""A scenario run as Spark tasks, one a part, gives the other engines' impact.

The demo survey in parts (``test_partitioned``'s 26 parts) runs each example
scenario on the three engines: in memory on the whole survey (the reference),
one part at a time, and on Spark (the tests' ``local[2]`` session). The whole
impact documents, the rights assessment and the survey's fingerprint
included, are compared: Spark's to the in-memory one to 1e-9, and to the
streamed one exactly (the same step on the same parts, joined in the same
order).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from pyspark.sql import SparkSession
from tests.policy.test_partitioned import EXAMPLES, _fixed, parts

from insaf._json import differences
from insaf.errors import DataError, SpecError
from insaf.policy import parse_scenario, simulate
from insaf.policy.partitioned import dataset_items, simulate_part, simulate_partitioned
from insaf.policy.spark import pack, simulate_spark, unpack
from insaf.rights import assess_rights
from insaf.survey import Survey
from insaf.survey.partitioned import PartitionedSurvey, write_partitioned_survey

__all__ = ["parts"]  # the fixture, from test_partitioned


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_spark_gives_the_impact_of_the_other_engines(
    path: Path, parts: PartitionedSurvey, spark: SparkSession
) -> None:
    scenario = _fixed(path)
    whole = assess_rights(simulate(scenario, parts.whole())).to_dict()
    by_part = assess_rights(simulate_partitioned(scenario, parts)).to_dict()
    told: list[tuple[int, int]] = []
    found = simulate_spark(scenario, parts, spark=spark, progress=lambda *d: told.append(d))
    on_spark = assess_rights(found).to_dict()
    assert differences(whole, on_spark) == []
    # the parts done, as Spark finished them, up to all of them; the job group let go
    assert told[-1] == (len(parts.parts), len(parts.parts))
    assert [d for d, _ in told] == sorted(d for d, _ in told)
    assert spark.sparkContext.getLocalProperty("spark.jobGroup.id") is None
    assert json.dumps(on_spark, sort_keys=True) == json.dumps(by_part, sort_keys=True)
    # the comparison has something to compare: standard errors and the rights tests
    reform = next(iter(on_spark["reforms"].values()))
    assert reform["poverty"][0]["change"]["se"] > 0
    assert reform["rights"]["verdicts"]
    assert on_spark["scenario"]["survey"]["persons"] == parts.whole().n_persons


def test_a_part_travels_whole(parts: PartitionedSurvey) -> None:
    """What a task sends is the part: every value, column, type and key."""
    scenario, survey = _fixed(EXAMPLES[2]), parts.survey(parts.parts[3])
    part = simulate_part(scenario, survey, dataset_items(scenario, parts, survey))
    sent = unpack(pack(part))
    assert list(sent.homes) == list(part.homes)
    for key, values in part.homes.items():
        assert sent.homes[key].dtype == values.dtype
        assert (sent.homes[key] == values).all(), key
    assert sent.frame.equals(part.frame) and sent.frame.schema == part.frame.schema
    assert (sent.person_hh == part.person_hh).all()
    assert part.person_frame is not None and sent.person_frame is not None
    assert sent.person_frame.equals(part.person_frame)
    assert (sent.digests, sent.shared, sent.in_kind) == (part.digests, part.shared, part.in_kind)
    assert sent.models.keys() == part.models.keys()


def test_a_bad_part_is_named_on_spark(demo: Survey, tmp_path: Path, spark: SparkSession) -> None:
    dataset = write_partitioned_survey(demo, tmp_path / "d", by="governorate", households=100)
    broken = dataset.file("persons", dataset.parts[2])
    broken.write_bytes(b"not parquet")
    with pytest.raises(DataError) as caught:
        simulate_spark(_fixed(EXAMPLES[1]), dataset, spark=spark)
    assert str(broken) in str(caught.value)


def test_solving_is_refused_with_its_key_before_spark(parts: PartitionedSurvey) -> None:
    raw = yaml.safe_load(EXAMPLES[0].read_text(encoding="utf-8"))
    scenario = parse_scenario(raw, file=str(EXAMPLES[0]))
    with pytest.raises(SpecError) as caught:
        simulate_spark(scenario, parts, spark=None)
    assert "solve" in str(caught.value) and "--engine memory" in str(caught.value)

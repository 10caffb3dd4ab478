"""The Spark engine (insaf.measures.spark) gives the in-memory numbers.

One local Spark session (two cores, ``tests/conftest.py``) serves the whole test
session. The data and the partitioning are the streamed engine's tests'
(shuffled partitions, every PSU and domain spread over several files); the
in-memory functions of ``insaf.measures`` run on the same rows held whole, in
reading order, which the Spark engine reproduces for tied values.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from pyspark.sql import SparkSession
from tests.measures.test_stream import (
    ARPR_OPTIONS,
    BY,
    DESIGNS,
    QUANTILE_OPTIONS,
    REPLICATE_DESIGNS,
    STATISTICS,
    _assert_same,
    _data,
    _in_file_order,
    _in_memory,
    _partitions,
    _replicated,
)

import insaf.measures as m
from insaf.errors import DataError, DesignError, InsafError
from insaf.measures import spark as sp
from insaf.measures import stream
from insaf.measures.estimate import Estimates
from insaf.survey.design import Design, ReplicateMethod, Replicates
from insaf.survey.survey import Survey
from insaf.survey.table import Table

# a clustered stratified design with fpc, and one whose units are their own PSUs
TWO_DESIGNS = ["clusters with fpc", "units with fpc"]


def _survey(folder: Path, design: Design) -> Survey:
    return Survey(persons=Table(name="persons", frame=_in_file_order(folder)), design=design)


def _assert_equal(got: Estimates, want: Estimates) -> None:
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        assert a.domain == b.domain and a.n == b.n and a.measure == b.measure
        assert a.population == pytest.approx(b.population, rel=1e-12)
        assert a.value == pytest.approx(b.value, rel=1e-9)
        assert a.se == pytest.approx(b.se, rel=1e-9)


@pytest.mark.parametrize("name", TWO_DESIGNS)
def test_linear_measures_equal_in_memory(name: str, spark: SparkSession, tmp_path: Path) -> None:
    frame = _data()
    design = DESIGNS[name]
    got = sp.estimate(_partitions(frame, tmp_path), STATISTICS, design=design, by=BY, spark=spark)
    _assert_same(got, _in_memory(frame, design))


def test_replicate_weights_are_summed_as_in_memory(spark: SparkSession, tmp_path: Path) -> None:
    folder = _partitions(_replicated(), tmp_path)
    design = Design(weight="w", replicates=REPLICATE_DESIGNS["Fay"])
    got = sp.estimate(folder, STATISTICS, design=design, by=BY, spark=spark)
    _assert_same(got, _in_memory(_in_file_order(folder), design))
    assert all(e.method == "replicates" and e.se > 0 for e in got)


@pytest.mark.parametrize("estimator", ["osier", "eurostat"])
def test_a_replicated_gini_equals_in_memory(
    estimator: str, spark: SparkSession, tmp_path: Path
) -> None:
    """Tied incomes, and more range partitions than cores: each replicate's running sums
    carry from partition to partition."""
    frame = _replicated().with_columns((pl.col("y") / 100).round() * 100)
    folder = _partitions(frame, tmp_path)
    design = Design(weight="w", replicates=REPLICATE_DESIGNS["bootstrap, mse"])
    got = sp.gini(folder, "y", design=design, by=BY, estimator=estimator, spark=spark, partitions=5)
    want = m.gini(_survey(folder, design), "y", by=BY, estimator=estimator)
    _assert_equal(got, want)
    assert all(e.method == "replicates" for e in got)


def test_a_spark_dataframe_is_a_source(spark: SparkSession, tmp_path: Path) -> None:
    frame = _data()
    design = DESIGNS["stratified clusters"]
    given = spark.createDataFrame(frame.to_arrow())
    _assert_same(
        sp.estimate(given, STATISTICS, design=design, by=BY, spark=spark),
        _in_memory(frame, design),
    )


def test_a_dataframe_keeps_its_own_order_among_ties(spark: SparkSession, tmp_path: Path) -> None:
    """A DataFrame source: tied incomes are ordered as the DataFrame's rows are."""
    frame = _data().with_columns((pl.col("y") / 100).round() * 100)
    design = DESIGNS["stratified clusters"]
    given = spark.createDataFrame(frame.to_arrow()).repartition(3)
    held = pl.from_arrow(given.toArrow())
    assert isinstance(held, pl.DataFrame)
    got = sp.gini(given, "y", design=design, by="region", spark=spark, partitions=4)
    survey = Survey(persons=Table(name="persons", frame=held), design=design)
    _assert_equal(got, m.gini(survey, "y", by="region"))


def test_mean_by_hand_on_two_psus(spark: SparkSession, tmp_path: Path) -> None:
    """Two PSUs in one stratum: mean 2.5; PSU totals of (y - 2.5)/4 are -0.5 and
    +0.5, so v = 2/(2-1) * (0.5^2 + 0.5^2) = 1 and se = 1."""
    frame = pl.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": [1.0] * 4, "psu": [1, 1, 2, 2]})
    frame.write_parquet(tmp_path / "a.parquet")
    got = sp.estimate(
        tmp_path, [stream.Mean(variable="y")], design=Design(weight="w", psu="psu"), spark=spark
    )
    assert got.value == pytest.approx(2.5) and got.se == pytest.approx(1.0)


@pytest.mark.parametrize("estimator", ["osier", "eurostat"])
@pytest.mark.parametrize("name", TWO_DESIGNS)
def test_gini_equals_in_memory(
    name: str, estimator: str, spark: SparkSession, tmp_path: Path
) -> None:
    """Incomes rounded to hundreds, so that many units tie (and weights differ):
    ties are ordered by file and row, as in memory; five range partitions."""
    frame = _data().with_columns((pl.col("y") / 100).round() * 100)
    folder = _partitions(frame, tmp_path)
    design = DESIGNS[name]
    got = sp.gini(folder, "y", design=design, by=BY, estimator=estimator, spark=spark, partitions=5)
    _assert_equal(got, m.gini(_survey(folder, design), "y", by=BY, estimator=estimator))


def test_gini_by_hand(spark: SparkSession, tmp_path: Path) -> None:
    """Four units of weight 1, y = 1, 2, 3, 4 (N = 4, Y = 10): cumulative weights
    r = 1..4, sum w r y = 1 + 4 + 9 + 16 = 30, G = (2*30 - 10)/(4*10) - 1 = 0.25."""
    pl.DataFrame({"y": [3.0, 1.0, 4.0, 2.0], "w": [1.0] * 4}).write_parquet(tmp_path / "a.parquet")
    got = sp.gini(tmp_path, "y", design=Design(weight="w"), spark=spark, partitions=3)
    assert got.value == pytest.approx(0.25, abs=1e-15)


@pytest.mark.parametrize("options", ["convey", "eurostat rule", "of the mean"])
@pytest.mark.parametrize("name", TWO_DESIGNS)
def test_arpr_equals_in_memory(
    name: str, options: str, spark: SparkSession, tmp_path: Path
) -> None:
    frame = _data().with_columns((pl.col("y") / 10).round() * 10)
    folder = _partitions(frame, tmp_path)
    design = DESIGNS[name]
    kwargs = ARPR_OPTIONS[options]
    got = sp.arpr(folder, "y", design=design, by=BY, spark=spark, partitions=5, **kwargs)
    _assert_equal(got, m.arpr(_survey(folder, design), "y", by=BY, **kwargs))


@pytest.mark.parametrize("rule", ["convey", "eurostat", "laeken"])
def test_median_rules_when_the_distribution_hits_one_half(
    rule: str, spark: SparkSession, tmp_path: Path
) -> None:
    """Equal weights and an even count: F = 1/2 exactly at the 500th value, near the
    boundary of the two range partitions. Eurostat averages it with the next value,
    laeken takes the next, convey takes the 500th."""
    rng = np.random.default_rng(7)
    frame = pl.DataFrame(
        {
            "y": rng.permutation(np.arange(1.0, 1001.0)),
            "w": np.ones(1000),
            "psu": np.arange(1000) // 10,
        }
    )
    frame.write_parquet(tmp_path / "a.parquet")
    design = Design(weight="w", psu="psu")
    got = sp.arpr(tmp_path, "y", design=design, rule=rule, share=1.0, spark=spark, partitions=2)
    want = m.arpr(
        Survey(persons=Table(name="persons", frame=frame), design=design), "y", rule=rule, share=1.0
    )
    assert got.value == pytest.approx({"convey": 0.499, "eurostat": 0.5, "laeken": 0.5}[rule])
    assert got.value == pytest.approx(want.value, rel=1e-12)
    assert got.se == pytest.approx(want.se, rel=1e-9)


def test_one_sort_serves_the_gini_and_the_arpr(spark: SparkSession, tmp_path: Path) -> None:
    frame = _data().with_columns((pl.col("y") / 100).round() * 100)
    folder = _partitions(frame, tmp_path)
    design = DESIGNS["stratified clusters"]
    with sp.ranked(folder, "y", design=design, by="region", spark=spark, partitions=4) as data:
        assert data.partitions == 4
        assert data.frame.is_cached
        ginis, rates = sp.gini_of(data), sp.arpr_of(data, rule="laeken")
    assert not data.frame.is_cached, "the sorted rows are released"
    survey = _survey(folder, design)
    _assert_equal(ginis, m.gini(survey, "y", by="region"))
    _assert_equal(rates, m.arpr(survey, "y", by="region", rule="laeken"))


@pytest.mark.parametrize("name", TWO_DESIGNS)
def test_quantiles_and_share_ratios_equal_in_memory(
    name: str, spark: SparkSession, tmp_path: Path
) -> None:
    """Incomes rounded to tens (ties), five range partitions, by region and sex; each
    domain's quantiles are found across partitions. One sort serves every quantile
    rule, the median, S80/S20 and the Palma ratio."""
    frame = _data().with_columns((pl.col("y") / 10).round() * 10)
    folder = _partitions(frame, tmp_path)
    design = DESIGNS[name]
    survey = _survey(folder, design)
    with sp.ranked(folder, "y", design=design, by=BY, spark=spark, partitions=5) as data:
        for chosen in QUANTILE_OPTIONS.values():
            _assert_equal(sp.quantile_of(data, **chosen), m.quantile(survey, "y", by=BY, **chosen))
        median = sp.quantile_of(data, name="median")
        _assert_equal(median, m.median(survey, "y", by=BY))
        _assert_equal(sp.qsr_of(data), m.qsr(survey, "y", by=BY))
        _assert_equal(
            sp.palma_of(data, rule="eurostat"), m.palma(survey, "y", by=BY, rule="eurostat")
        )
    assert len(median) == 8


def test_quantile_rules_when_the_distribution_hits_p_at_a_partition_boundary(
    spark: SparkSession, tmp_path: Path
) -> None:
    """In each sex, 400 units of y = 1 weighing 0.75 and 200 of y = 2 weighing 1.5:
    F = 1/2 exactly at the last 1, which ends the first of two range partitions
    (the 1s, two thirds of the rows, fill it). Eurostat averages that 1 with the
    first value of the next partition (1.5), laeken takes that value (2), convey
    the 1; at p = 1/4 all take 1. Arrow batches of 64 rows: the rows that decide
    a quantile are found across batches too."""
    frame = pl.DataFrame(
        {
            "y": np.tile(np.repeat([1.0, 2.0], [400, 200]), 2),
            "w": np.tile(np.repeat([0.75, 1.5], [400, 200]), 2),
            "psu": np.arange(1200) % 40,
            "sex": np.repeat(["f", "m"], 600),
        }
    ).sample(fraction=1.0, shuffle=True, seed=5)
    frame.write_parquet(tmp_path / "a.parquet")
    design = Design(weight="w", psu="psu")
    survey = Survey(persons=Table(name="persons", frame=frame), design=design)
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "64")
    try:
        with sp.ranked(tmp_path, "y", design=design, by="sex", spark=spark, partitions=2) as data:
            assert data.w.tolist() == [[300.0, 300.0], [300.0, 300.0]]
            for rule, median in (("convey", 1.0), ("eurostat", 1.5), ("laeken", 2.0)):
                got = sp.quantile_of(data, rule=rule)
                assert [e.value for e in got] == [median, median]
                _assert_equal(got, m.quantile(survey, "y", by="sex", rule=rule))
                quartile = sp.quantile_of(data, p=0.25, rule=rule)
                assert [e.value for e in quartile] == [1.0, 1.0]
                _assert_equal(quartile, m.quantile(survey, "y", by="sex", p=0.25, rule=rule))
    finally:
        spark.conf.unset("spark.sql.execution.arrow.maxRecordsPerBatch")


def test_quantile_by_hand(spark: SparkSession, tmp_path: Path) -> None:
    """Ten units of weight 1, y = 1..10, in three range partitions and batches of two
    rows: F(5) = 1/2 exactly, so the median is 5 (convey), 5.5 (eurostat) or 6
    (laeken); S80/S20 is (9 + 10) / (1 + 2)."""
    frame = pl.DataFrame(
        {"y": [7.0, 2.0, 9.0, 4.0, 1.0, 10.0, 5.0, 3.0, 8.0, 6.0], "w": [1.0] * 10}
    )
    frame.write_parquet(tmp_path / "a.parquet")
    design = Design(weight="w")
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "2")
    try:
        with sp.ranked(tmp_path, "y", design=design, spark=spark, partitions=3) as data:
            for rule, median in (("convey", 5.0), ("eurostat", 5.5), ("laeken", 6.0)):
                assert sp.quantile_of(data, rule=rule).value == median
            assert sp.qsr_of(data).value == pytest.approx(19 / 3, rel=1e-15)
    finally:
        spark.conf.unset("spark.sql.execution.arrow.maxRecordsPerBatch")


def test_a_damaged_partition_is_named(spark: SparkSession, tmp_path: Path) -> None:
    folder = _partitions(_data(), tmp_path)
    broken = sorted(folder.rglob("*.parquet"))[4]
    broken.write_bytes(broken.read_bytes()[:200])
    with pytest.raises(DataError, match="not a readable Parquet file") as info:
        sp.estimate(folder, STATISTICS, design=DESIGNS["stratified clusters"], by=BY, spark=spark)
    assert str(broken) in str(info.value)


def test_missing_values_are_refused_with_file_row_and_column(
    spark: SparkSession, tmp_path: Path
) -> None:
    frame = _data().with_row_index("i")
    frame = frame.with_columns(
        pl.when(pl.col("i") == 5).then(None).otherwise(pl.col("y")).alias("y")
    ).drop("i")
    frame.write_parquet(tmp_path / "a.parquet")
    with pytest.raises(DataError, match="column 'y' has 1 missing") as info:
        sp.gini(tmp_path, "y", design=DESIGNS["stratified clusters"], by=BY, spark=spark)
    assert "row 6" in str(info.value) and "a.parquet" in str(info.value)


def test_bad_columns_are_named(spark: SparkSession, tmp_path: Path) -> None:
    frame = _data().with_columns(pl.col("x").cast(pl.String))
    frame.write_parquet(tmp_path / "a.parquet")
    design = DESIGNS["stratified clusters"]
    with pytest.raises(DataError, match=r"column 'x' is not numeric \(string\)"):
        sp.estimate(tmp_path, STATISTICS, design=design, spark=spark)
    with pytest.raises(DataError, match="column 'z' is not in the dataset"):
        sp.estimate(tmp_path, [stream.Mean(variable="z")], design=design, spark=spark)
    nan = _data().with_columns(
        pl.when(pl.col("psu") == 7).then(float("nan")).otherwise(pl.col("w")).alias("w")
    )
    nan.write_parquet(tmp_path / "a.parquet")
    with pytest.raises(DataError, match=r"column 'w' has \d+ missing or non-finite") as info:
        sp.estimate(tmp_path, STATISTICS, design=design, spark=spark)
    assert "a.parquet" in str(info.value)


def test_what_the_engine_does_not_do_is_refused(spark: SparkSession, tmp_path: Path) -> None:
    _data().write_parquet(tmp_path / "a.parquet")
    replicated = Design(
        weight="w", replicates=Replicates(columns=("w",), method=ReplicateMethod.JK1)
    )
    with pytest.raises(DesignError, match="replicate weights"):
        sp.arpr(tmp_path, "y", design=replicated, spark=spark)
    with (
        sp.ranked(tmp_path, "y", design=replicated, spark=spark) as data,
        pytest.raises(DesignError, match="a quantile with replicate weights"),
    ):
        sp.quantile_of(data)
    with pytest.raises(InsafError, match=r"must be in \(0, 1\), not 1.5"):
        sp.quantile(tmp_path, "y", design=DESIGNS["stratified clusters"], p=1.5, spark=spark)
    with pytest.raises(InsafError, match="unknown quantile rule 'median'"):
        sp.qsr(tmp_path, "y", design=DESIGNS["stratified clusters"], rule="median", spark=spark)  # type: ignore[arg-type]
    with pytest.raises(DataError, match=r"absent\.parquet: no such file"):
        sp.arpr(
            tmp_path / "absent.parquet", "y", design=DESIGNS["simple random sample"], spark=spark
        )


def test_the_command_line_runs_on_spark(spark: SparkSession, tmp_path: Path) -> None:
    """``insaf estimate --engine spark`` (the session the tests started is the active
    one) gives the in-memory numbers, quantiles and share ratios included; a measure
    Spark does not compute is refused."""
    import json

    from typer.testing import CliRunner

    from insaf.cli import app

    frame = _data().drop("region").with_columns((pl.col("y") / 10).round() * 10)
    for (sex,), part in frame.group_by("sex"):
        (tmp_path / f"sex={sex}").mkdir()
        part.drop("sex").write_parquet(tmp_path / f"sex={sex}" / "part-0.parquet")
    common = [
        "estimate", str(tmp_path), "--var", "y", "--by", "sex", "--weight", "w",
        "--strata", "stratum", "--psu", "psu", "--format", "json",
    ]  # fmt: skip
    runner = CliRunner()
    for measure in (
        ["gini"],
        ["arpr"],
        ["mean"],
        ["median"],
        ["quantile", "--p", "0.25", "--rule", "eurostat"],
        ["qsr"],
        ["palma", "--rule", "laeken"],
    ):
        found = runner.invoke(app, [*common, "--measure", *measure, "--engine", "spark"])
        assert found.exit_code == 0, found.output
        held = runner.invoke(app, [*common, "--measure", *measure, "--engine", "memory"])
        got, want = json.loads(found.stdout), json.loads(held.stdout)
        assert [g["domain"] for g in got] == [{"sex": "f"}, {"sex": "m"}]
        for g, h in zip(got, want, strict=True):
            assert g["domain"] == h["domain"] and g["measure"] == h["measure"]
            assert g["value"] == pytest.approx(h["value"], rel=1e-9)
            assert g["se"] == pytest.approx(h["se"], rel=1e-9)
    refused = runner.invoke(app, [*common, "--measure", "theil", "--engine", "spark"])
    assert refused.exit_code == 2 and "theil is estimated in memory only" in refused.stderr


def test_a_new_session_takes_the_master_spark_was_given(tmp_path: Path) -> None:
    """``--master`` in ``PYSPARK_SUBMIT_ARGS`` (as ``spark-submit --master``) is the new
    session's master, not this machine's cores (in a fresh process: the tests' session
    is active here)."""
    import os
    import subprocess
    import sys

    code = "from insaf.measures.spark import session; print(session().sparkContext.master)"
    env = {**os.environ, "PYSPARK_SUBMIT_ARGS": "--master local[1] pyspark-shell"}
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "local[1]"


@pytest.mark.parametrize("java_home", [None, "/nowhere"])
def test_without_java_the_spark_engine_says_so(java_home: str | None) -> None:
    """Spark's own error without Java is a gateway that "exited before sending its port
    number"; INSAF names what is missing (in a fresh process: here a JVM runs already)."""
    import os
    import subprocess
    import sys

    code = (
        "from insaf.errors import InsafError\n"
        "from insaf.measures.spark import session\n"
        "try:\n    session()\nexcept InsafError as e:\n    print(e)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "PYSPARK_SUBMIT_ARGS")}
    env["PATH"] = "/nowhere"
    if java_home is not None:
        env["JAVA_HOME"] = java_home
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert run.returncode == 0, run.stderr[-2000:]
    said = run.stdout.strip()
    assert said.startswith("the Spark engine needs a Java runtime, version 17 or later: ")
    assert ("JAVA_HOME is /nowhere" in said) == (java_home is not None)

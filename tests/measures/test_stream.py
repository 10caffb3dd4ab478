"""The streamed engine (insaf.measures.stream) gives the in-memory numbers.

The dataset is cut into shuffled Parquet partitions read a few rows at a time,
so every PSU and every domain is spread over several files and batches; the
in-memory functions of ``insaf.measures`` run on the same rows held whole.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

import insaf.measures as m
from insaf.errors import DataError, DesignError, InsafError
from insaf.measures import stream
from insaf.measures.estimate import Estimates
from insaf.survey.design import Design, LonelyPSU, ReplicateMethod, Replicates
from insaf.survey.survey import Survey
from insaf.survey.table import Table

BY = ["region", "sex"]
STATISTICS = [
    stream.Total(variable="y"),
    stream.Mean(variable="y"),
    stream.Ratio(variable="y", denominator="x"),
    stream.FGT(variable="y", line=3000.0, alpha=1.0),
    stream.FGT(variable="y", line="line", below="<="),
]


def _data(n: int = 6000, seed: int = 1) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    psu = np.sort(rng.integers(0, 240, n))
    return pl.DataFrame(
        {
            "y": np.exp(rng.normal(8.0, 0.7, n)),
            "x": rng.uniform(1.0, 3.0, n),
            "w": rng.uniform(50.0, 150.0, n),
            "stratum": psu // 12,
            "psu": psu,
            "region": rng.integers(0, 4, n),
            "sex": rng.choice(["f", "m"], n),
            "fraction": np.full(n, 0.1),
            "line": rng.uniform(2000.0, 4000.0, n),
        }
    )


def _partitions(frame: pl.DataFrame, folder: Path, rows: int = 700) -> Path:
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=3)
    for i, part in enumerate(shuffled.iter_slices(rows)):
        sub = folder / f"part={i % 3}"
        sub.mkdir(parents=True, exist_ok=True)
        part.write_parquet(sub / f"{i}.parquet")
    return folder


def _in_memory(frame: pl.DataFrame, design: Design) -> list[Estimates]:
    survey = Survey(persons=Table(name="persons", frame=frame), design=design)
    return [
        m.total(survey, "y", by=BY),
        m.mean(survey, "y", by=BY),
        m.ratio(survey, "y", "x", by=BY),
        m.fgt(survey, "y", line=3000.0, alpha=1.0, by=BY),
        m.fgt(survey, "y", line="line", below="<=", by=BY),
    ]


def _assert_same(streamed: Estimates, memory: list[Estimates]) -> None:
    k = len(memory)
    assert len(streamed) == sum(len(e) for e in memory)
    for j, estimates in enumerate(memory):
        for d, expected in enumerate(estimates):
            got = streamed[d * k + j]
            assert got.domain == expected.domain and got.measure == expected.measure
            assert got.n == expected.n
            assert got.population == pytest.approx(expected.population, rel=1e-12)
            assert got.value == pytest.approx(expected.value, rel=1e-9)
            assert got.se == pytest.approx(expected.se, rel=1e-9)


DESIGNS = {
    "stratified clusters": Design(weight="w", strata="stratum", psu="psu"),
    "clusters with fpc": Design(weight="w", strata="stratum", psu="psu", fpc="fraction"),
    "clusters, no strata": Design(weight="w", psu="psu"),
    "stratified units": Design(weight="w", strata="stratum"),
    "units with fpc": Design(weight="w", strata="stratum", fpc="fraction"),
    "simple random sample": Design(weight="w"),
}


@pytest.mark.parametrize("name", DESIGNS)
def test_streamed_equals_in_memory(name: str, tmp_path: Path) -> None:
    frame = _data()
    design = DESIGNS[name]
    folder = _partitions(frame, tmp_path)
    streamed = stream.estimate(folder, STATISTICS, design=design, by=BY, batch_rows=250)
    _assert_same(streamed, _in_memory(frame, design))


@pytest.mark.parametrize("rule", [r for r in LonelyPSU if r is not LonelyPSU.FAIL])
@pytest.mark.parametrize("clustered", [True, False])
def test_single_psu_strata_follow_the_rule(
    rule: LonelyPSU, clustered: bool, tmp_path: Path
) -> None:
    frame = _data()
    # stratum 0 keeps one PSU (clustered) or one unit (units as PSUs)
    first = frame.filter(pl.col("stratum") == 0)
    keep = first.head(1) if not clustered else first.filter(pl.col("psu") == first["psu"][0])
    frame = pl.concat([keep, frame.filter(pl.col("stratum") != 0)])
    design = Design(weight="w", strata="stratum", psu="psu" if clustered else None, lonely_psu=rule)
    streamed = stream.estimate(_partitions(frame, tmp_path), STATISTICS, design=design, by=BY)
    _assert_same(streamed, _in_memory(frame, design))


def test_whole_population_and_one_file(tmp_path: Path) -> None:
    frame = _data()
    path = tmp_path / "all.parquet"
    frame.write_parquet(path)
    design = DESIGNS["stratified clusters"]
    streamed = stream.estimate(path, [stream.Mean(variable="y")], design=design)
    expected = m.mean(Survey(persons=Table(name="persons", frame=frame), design=design), "y")
    assert streamed.value == pytest.approx(expected.value, rel=1e-12)
    assert streamed.se == pytest.approx(expected.se, rel=1e-9)
    assert streamed[0].domain is None


def test_mean_by_hand_on_two_psus(tmp_path: Path) -> None:
    """Two PSUs in one stratum: mean 2.5; PSU totals of (y - 2.5)/4 are -0.5 and
    +0.5, so v = 2/(2-1) * (0.5^2 + 0.5^2) = 1 and se = 1."""
    frame = pl.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "w": [1.0] * 4, "psu": [1, 1, 2, 2]})
    frame.write_parquet(tmp_path / "a.parquet")
    got = stream.estimate(
        tmp_path,
        [stream.Mean(variable="y")],
        design=Design(weight="w", psu="psu"),
    )
    assert got.value == pytest.approx(2.5) and got.se == pytest.approx(1.0)


def test_a_damaged_partition_is_named(tmp_path: Path) -> None:
    folder = _partitions(_data(), tmp_path)
    broken = sorted(folder.rglob("*.parquet"))[4]
    broken.write_bytes(broken.read_bytes()[:200])
    with pytest.raises(DataError, match="not a readable Parquet file") as info:
        stream.estimate(folder, STATISTICS, design=DESIGNS["stratified clusters"], by=BY)
    assert str(broken) in str(info.value)


def test_missing_values_are_refused_with_file_row_and_column(tmp_path: Path) -> None:
    frame = _data().with_row_index("i")
    frame = frame.with_columns(
        pl.when(pl.col("i") == 5).then(None).otherwise(pl.col("y")).alias("y")
    ).drop("i")
    frame.write_parquet(tmp_path / "a.parquet")
    with pytest.raises(DataError, match="column 'y' has 1 missing") as info:
        stream.estimate(tmp_path, STATISTICS, design=DESIGNS["stratified clusters"], by=BY)
    assert "row 6" in str(info.value) and "a.parquet" in str(info.value)


def test_a_partition_without_a_column_is_named(tmp_path: Path) -> None:
    folder = _partitions(_data(), tmp_path)
    odd = sorted(folder.rglob("*.parquet"))[2]
    pl.read_parquet(odd).drop("x").write_parquet(odd)
    with pytest.raises(DataError, match="column 'x' is not in this file") as info:
        stream.estimate(folder, STATISTICS, design=DESIGNS["stratified clusters"], by=BY)
    assert str(odd) in str(info.value)


def test_fpc_varying_in_a_stratum_is_refused(tmp_path: Path) -> None:
    frame = _data().with_columns(
        pl.when(pl.col("psu") == 3).then(0.2).otherwise(pl.col("fraction")).alias("fraction")
    )
    frame.write_parquet(tmp_path / "a.parquet")
    for design in (DESIGNS["clusters with fpc"], DESIGNS["units with fpc"]):
        with pytest.raises(DesignError, match="fpc varies within stratum '0'"):
            stream.estimate(tmp_path, STATISTICS, design=design)


REPLICATES = 12


def _replicated(n: int = 6000) -> pl.DataFrame:
    """``_data`` with 12 replicate weights: delete-a-group jackknife factors (the PSUs
    in 12 groups; a group's rows weigh 0 in its replicate) times a random
    perturbation, so that no method's scale hides an error."""
    frame = _data(n)
    rng = np.random.default_rng(5)
    group = frame.get_column("psu").to_numpy() % REPLICATES
    w = frame.get_column("w").to_numpy()
    return frame.with_columns(
        pl.Series(
            f"rep{r}",
            np.where(group == r, 0.0, w * REPLICATES / (REPLICATES - 1)) * rng.uniform(0.9, 1.1, n),
        )
        for r in range(REPLICATES)
    )


REPLICATE_COLUMNS = tuple(f"rep{r}" for r in range(REPLICATES))
REPLICATE_DESIGNS = {
    "JK1": Replicates(columns=REPLICATE_COLUMNS, method=ReplicateMethod.JK1),
    "BRR": Replicates(columns=REPLICATE_COLUMNS, method=ReplicateMethod.BRR),
    "bootstrap, mse": Replicates(
        columns=REPLICATE_COLUMNS, method=ReplicateMethod.BOOTSTRAP, mse=True
    ),
    "Fay": Replicates(columns=REPLICATE_COLUMNS, method=ReplicateMethod.FAY, rho=0.5),
    "other, scale and rscales": Replicates(
        columns=REPLICATE_COLUMNS,
        method=ReplicateMethod.OTHER,
        scale=0.3,
        rscales=tuple(0.5 + r / 24 for r in range(REPLICATES)),
    ),
}


@pytest.mark.parametrize("name", REPLICATE_DESIGNS)
def test_replicate_weights_are_streamed_as_in_memory(name: str, tmp_path: Path) -> None:
    folder = _partitions(_replicated(), tmp_path / "data")
    design = Design(weight="w", replicates=REPLICATE_DESIGNS[name])
    streamed = stream.estimate(folder, STATISTICS, design=design, by=BY, batch_rows=250)
    _assert_same(streamed, _in_memory(_in_file_order(folder), design))
    assert all(e.method == "replicates" and e.se > 0 for e in streamed)


@pytest.mark.parametrize("estimator", ["osier", "eurostat"])
@pytest.mark.parametrize("name", ["JK1", "bootstrap, mse", "other, scale and rscales"])
def test_a_replicated_gini_is_streamed_as_in_memory(
    name: str, estimator: str, tmp_path: Path
) -> None:
    """Incomes rounded to hundreds (ties ordered by row for every replicate) and small
    batches (many spill files: each replicate's running sums carry across them)."""
    frame = _replicated().with_columns((pl.col("y") / 100).round() * 100)
    folder = _partitions(frame, tmp_path / "data")
    design = Design(weight="w", replicates=REPLICATE_DESIGNS[name])
    streamed = stream.gini(folder, "y", design=design, by=BY, estimator=estimator, batch_rows=400)
    survey = Survey(persons=Table(name="persons", frame=_in_file_order(folder)), design=design)
    expected = m.gini(survey, "y", by=BY, estimator=estimator)
    assert len(streamed) == len(expected)
    for got, want in zip(streamed, expected, strict=True):
        assert got.domain == want.domain and got.n == want.n
        assert got.method == want.method == "replicates"
        assert got.value == pytest.approx(want.value, rel=1e-9)
        assert got.se == pytest.approx(want.se, rel=1e-9)


REPLICATED_RANK_MEASURES = {
    "arpr, median, convey": (
        lambda f, d: stream.arpr(f, "y", design=d, by=BY, batch_rows=400),
        lambda s: m.arpr(s, "y", by=BY),
    ),
    "arpr, mean, eurostat, <=": (
        lambda f, d: stream.arpr(
            f, "y", design=d, by=BY, of="mean", rule="eurostat", below="<=", batch_rows=400
        ),
        lambda s: m.arpr(s, "y", by=BY, of="mean", rule="eurostat", below="<="),
    ),
    "median, laeken": (
        lambda f, d: stream.quantile(f, "y", design=d, by=BY, rule="laeken", batch_rows=400),
        lambda s: m.quantile(s, "y", p=0.5, by=BY, rule="laeken"),
    ),
    "first decile, eurostat": (
        lambda f, d: stream.quantile(
            f, "y", design=d, by=BY, p=0.1, rule="eurostat", batch_rows=400
        ),
        lambda s: m.quantile(s, "y", p=0.1, by=BY, rule="eurostat"),
    ),
    "qsr": (
        lambda f, d: stream.qsr(f, "y", design=d, by=BY, batch_rows=400),
        lambda s: m.qsr(s, "y", by=BY),
    ),
    "palma": (
        lambda f, d: stream.palma(f, "y", design=d, by=BY, batch_rows=400),
        lambda s: m.palma(s, "y", by=BY),
    ),
}


@pytest.mark.parametrize("measure", REPLICATED_RANK_MEASURES)
@pytest.mark.parametrize("name", ["JK1", "Fay"])
def test_replicated_quantile_measures_are_streamed_as_in_memory(
    name: str, measure: str, tmp_path: Path
) -> None:
    """Each replicate with its own quantiles (and, for the ARPR, its own line); tied
    incomes (to tens: to hundreds, a decile ties in every replicate, and its SE is 0)
    and small batches, as for the Gini."""
    frame = _replicated().with_columns((pl.col("y") / 10).round() * 10)
    folder = _partitions(frame, tmp_path / "data")
    design = Design(weight="w", replicates=REPLICATE_DESIGNS[name])
    streamed_of, in_memory_of = REPLICATED_RANK_MEASURES[measure]
    streamed = streamed_of(folder, design)
    survey = Survey(persons=Table(name="persons", frame=_in_file_order(folder)), design=design)
    expected = in_memory_of(survey)
    assert len(streamed) == len(expected)
    for got, want in zip(streamed, expected, strict=True):
        assert (got.domain, got.n, got.measure) == (want.domain, want.n, want.measure)
        assert got.method == want.method == "replicates"
        assert got.value == pytest.approx(want.value, rel=1e-9)
        assert got.se == pytest.approx(want.se, rel=1e-9)
        assert got.se > 0


def test_a_replicate_mean_by_hand(tmp_path: Path) -> None:
    """y = 1, 2, 3, 4 with weight 1; JK1 replicates dropping each unit in turn
    (weights 4/3 for the others): the replicate means are 3, 8/3, 7/3 and 2,
    their mean 2.5, and v = (R - 1)/R * sum (theta_r - 2.5)^2
    = 3/4 * (1/4 + 1/36 + 1/36 + 1/4) = 5/12."""
    y = [1.0, 2.0, 3.0, 4.0]
    reps = {f"r{i}": [0.0 if j == i else 4 / 3 for j in range(4)] for i in range(4)}
    pl.DataFrame({"y": y, "w": [1.0] * 4, **reps}).write_parquet(tmp_path / "a.parquet")
    design = Design(
        weight="w", replicates=Replicates(columns=tuple(reps), method=ReplicateMethod.JK1)
    )
    got = stream.estimate(tmp_path, [stream.Mean(variable="y")], design=design)
    assert got.value == pytest.approx(2.5) and got.se == pytest.approx((5 / 12) ** 0.5)


def test_a_missing_replicate_weight_is_named(tmp_path: Path) -> None:
    frame = _replicated(100).with_columns(
        pl.when(pl.int_range(pl.len()) == 7).then(None).otherwise(pl.col("rep3")).alias("rep3")
    )
    frame.write_parquet(tmp_path / "a.parquet")
    design = Design(weight="w", replicates=REPLICATE_DESIGNS["JK1"])
    with pytest.raises(DataError, match="rep3") as found:
        stream.estimate(tmp_path, STATISTICS, design=design)
    assert "a.parquet" in str(found.value)


def test_what_the_stream_does_not_do_is_refused(tmp_path: Path) -> None:
    _data().write_parquet(tmp_path / "a.parquet")
    two_stages = Design(weight="w", psu="psu", ssu="region")
    with pytest.raises(DesignError, match="a second stage"):
        stream.arpr(tmp_path, "y", design=two_stages)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match=r"empty: no \.parquet file"):
        stream.estimate(tmp_path / "empty", STATISTICS, design=DESIGNS["simple random sample"])
    with pytest.raises(DataError, match=r"absent\.parquet: no such file"):
        stream.estimate(
            tmp_path / "absent.parquet", STATISTICS, design=DESIGNS["simple random sample"]
        )
    with pytest.raises(DataError, match="alpha must be >= 0, not -1"):
        stream.FGT(variable="y", line=3000.0, alpha=-1.0)
    with pytest.raises(DataError, match="below must be '<' or '<=', not '=<'"):
        stream.FGT(variable="y", line=3000.0, below="=<")  # type: ignore[arg-type]


def _in_file_order(folder: Path) -> pl.DataFrame:
    """The partitions read whole, in the order the streamed engine reads them."""
    return pl.concat([pl.read_parquet(p) for p in stream.parquet_files(folder)])


@pytest.mark.parametrize("estimator", ["osier", "eurostat"])
@pytest.mark.parametrize("name", DESIGNS)
def test_streamed_gini_equals_in_memory(name: str, estimator: str, tmp_path: Path) -> None:
    """Incomes rounded to hundreds, so that many units tie: ties are ordered by row,
    as in memory; small batches make many spill files."""
    frame = _data().with_columns((pl.col("y") / 100).round() * 100)
    folder = _partitions(frame, tmp_path / "data")
    design = DESIGNS[name]
    spill = tmp_path / "spill"
    spill.mkdir()
    streamed = stream.gini(
        folder, "y", design=design, by=BY, estimator=estimator, batch_rows=400, spill=spill
    )
    survey = Survey(persons=Table(name="persons", frame=_in_file_order(folder)), design=design)
    expected = m.gini(survey, "y", by=BY, estimator=estimator)
    assert len(streamed) == len(expected)
    for got, want in zip(streamed, expected, strict=True):
        assert got.domain == want.domain and got.n == want.n
        assert got.value == pytest.approx(want.value, rel=1e-9)
        assert got.se == pytest.approx(want.se, rel=1e-9)
    assert not any(spill.iterdir()), "the spill files are removed"


def test_a_thinned_sample_places_the_spill_files_as_well(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Past ``_SAMPLE_CAP`` values the sample behind the spill files' bounds is halved
    (here from the first batches): other bounds, the same Gini, ties included."""
    from insaf.measures.stream import ordered

    monkeypatch.setattr(ordered, "_SAMPLE_CAP", 300)
    frame = _data().with_columns((pl.col("y") / 100).round() * 100)
    folder = _partitions(frame, tmp_path / "data")
    design = DESIGNS["stratified clusters"]
    streamed = stream.gini(folder, "y", design=design, by=BY, batch_rows=400)
    survey = Survey(persons=Table(name="persons", frame=_in_file_order(folder)), design=design)
    for got, want in zip(streamed, m.gini(survey, "y", by=BY), strict=True):
        assert got.value == pytest.approx(want.value, rel=1e-9)
        assert got.se == pytest.approx(want.se, rel=1e-9)


def test_gini_by_hand(tmp_path: Path) -> None:
    """Four units of weight 1, y = 1, 2, 3, 4 (N = 4, Y = 10): cumulative weights
    r = 1..4, sum w r y = 1 + 4 + 9 + 16 = 30, G = (2*30 - 10)/(4*10) - 1 = 0.25."""
    pl.DataFrame({"y": [3.0, 1.0, 4.0, 2.0], "w": [1.0] * 4}).write_parquet(tmp_path / "a.parquet")
    got = stream.gini(tmp_path, "y", design=Design(weight="w"))
    assert got.value == pytest.approx(0.25, abs=1e-15)


def test_gini_needs_a_positive_total(tmp_path: Path) -> None:
    frame = _data().with_columns(
        pl.when(pl.col("region") == 2).then(0.0).otherwise(pl.col("y")).alias("y")
    )
    frame.write_parquet(tmp_path / "a.parquet")
    with pytest.raises(DataError, match="positive total"):
        stream.gini(tmp_path, "y", design=DESIGNS["stratified clusters"], by="region")


ARPR_OPTIONS = {
    "convey": {},
    "eurostat rule": {"rule": "eurostat"},
    "laeken rule": {"rule": "laeken"},
    "of the mean": {"of": "mean"},
    "at or below half": {"below": "<=", "share": 0.5},
}


@pytest.mark.parametrize("options", ARPR_OPTIONS)
@pytest.mark.parametrize("name", DESIGNS)
def test_streamed_arpr_equals_in_memory(name: str, options: str, tmp_path: Path) -> None:
    frame = _data().with_columns((pl.col("y") / 10).round() * 10)
    folder = _partitions(frame, tmp_path)
    design = DESIGNS[name]
    streamed = stream.arpr(
        folder, "y", design=design, by=BY, batch_rows=400, **ARPR_OPTIONS[options]
    )
    survey = Survey(persons=Table(name="persons", frame=_in_file_order(folder)), design=design)
    expected = m.arpr(survey, "y", by=BY, **ARPR_OPTIONS[options])
    for got, want in zip(streamed, expected, strict=True):
        assert got.domain == want.domain and got.n == want.n
        assert got.value == pytest.approx(want.value, rel=1e-9)
        assert got.se == pytest.approx(want.se, rel=1e-9)


@pytest.mark.parametrize("rule", ["convey", "eurostat", "laeken"])
def test_median_rules_when_the_distribution_hits_one_half(rule: str, tmp_path: Path) -> None:
    """Equal weights and an even count: F = 1/2 exactly at the 500th value, which the
    spill files (100 rows each) place at the end of one file. Eurostat averages it
    with the next value, laeken takes the next, convey takes it."""
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
    got = stream.arpr(tmp_path, "y", design=design, rule=rule, share=1.0, batch_rows=100)
    survey = Survey(persons=Table(name="persons", frame=frame), design=design)
    want = m.arpr(survey, "y", rule=rule, share=1.0)
    # below the median itself: 499 (convey: 500), 500 (eurostat: 500.5), 500 (laeken: 501)
    assert got.value == pytest.approx({"convey": 0.499, "eurostat": 0.5, "laeken": 0.5}[rule])
    assert got.value == pytest.approx(want.value, rel=1e-12)
    assert got.se == pytest.approx(want.se, rel=1e-9)


def test_one_sort_serves_the_gini_and_the_arpr(tmp_path: Path) -> None:
    folder = _partitions(_data(), tmp_path / "data")
    design = DESIGNS["stratified clusters"]
    spill = tmp_path / "spill"
    spill.mkdir()
    with stream.spilled(folder, "y", design=design, by=BY, batch_rows=500, spill=spill) as data:
        assert any(spill.iterdir())
        ginis, rates = stream.gini_of(data), stream.arpr_of(data, rule="eurostat")
    assert not any(spill.iterdir())
    # equal to separate runs up to the order of Polars' parallel sums
    for together, alone in (
        (ginis, stream.gini(folder, "y", design=design, by=BY, batch_rows=500)),
        (rates, stream.arpr(folder, "y", design=design, by=BY, batch_rows=500, rule="eurostat")),
    ):
        for a, b in zip(together, alone, strict=True):
            assert a.value == pytest.approx(b.value, rel=1e-13)
            assert a.se == pytest.approx(b.se, rel=1e-12)


QUANTILE_OPTIONS = {
    "median, convey": {"p": 0.5},
    "first decile, eurostat": {"p": 0.1, "rule": "eurostat"},
    "last quintile, laeken": {"p": 0.8, "rule": "laeken"},
}


@pytest.mark.parametrize("options", QUANTILE_OPTIONS)
@pytest.mark.parametrize("name", DESIGNS)
def test_streamed_quantile_equals_in_memory(name: str, options: str, tmp_path: Path) -> None:
    """Incomes rounded to tens (ties), many spill files; each domain's quantile is
    found across files."""
    frame = _data().with_columns((pl.col("y") / 10).round() * 10)
    folder = _partitions(frame, tmp_path)
    design = DESIGNS[name]
    chosen = QUANTILE_OPTIONS[options]
    streamed = stream.quantile(folder, "y", design=design, by=BY, batch_rows=400, **chosen)
    survey = Survey(persons=Table(name="persons", frame=_in_file_order(folder)), design=design)
    expected = m.quantile(survey, "y", by=BY, **chosen)
    assert len(streamed) == len(expected) == 8
    for got, want in zip(streamed, expected, strict=True):
        assert got.domain == want.domain and got.n == want.n and got.measure == want.measure
        assert got.value == pytest.approx(want.value, rel=1e-12)
        assert got.se == pytest.approx(want.se, rel=1e-9)


def test_quantile_by_hand(tmp_path: Path) -> None:
    """Ten units of weight 1, y = 1..10: F(5) = 1/2 exactly, so the median is 5 under
    convey, (5 + 6) / 2 = 5.5 under eurostat and 6 under laeken."""
    frame = pl.DataFrame(
        {"y": [7.0, 2.0, 9.0, 4.0, 1.0, 10.0, 5.0, 3.0, 8.0, 6.0], "w": [1.0] * 10}
    )
    frame.write_parquet(tmp_path / "a.parquet")
    for rule, median in (("convey", 5.0), ("eurostat", 5.5), ("laeken", 6.0)):
        got = stream.quantile(tmp_path, "y", design=Design(weight="w"), rule=rule, batch_rows=3)
        assert got.value == median


def test_a_quantile_outside_zero_and_one_is_refused(tmp_path: Path) -> None:
    _data().write_parquet(tmp_path / "a.parquet")
    with pytest.raises(InsafError, match=r"must be in \(0, 1\), not 1.5"):
        stream.quantile(tmp_path, "y", design=DESIGNS["stratified clusters"], p=1.5)


@pytest.mark.parametrize("name", ["quantile", "arpr", "qsr", "palma"])
def test_an_unknown_quantile_rule_is_refused_as_in_memory(name: str, tmp_path: Path) -> None:
    _data().write_parquet(tmp_path / "a.parquet")
    with pytest.raises(InsafError, match="unknown quantile rule 'median'; choose one of convey"):
        getattr(stream, name)(tmp_path, "y", design=DESIGNS["stratified clusters"], rule="median")


def test_a_domain_kept_only_in_folder_names_is_read_from_them(tmp_path: Path) -> None:
    """Hive style: ``region=2/part.parquet`` without a ``region`` column; both engines
    read it as an Int64 column (as Polars does), the in-memory one through
    ``open_survey`` of the folder."""
    from insaf.survey import DesignOptions, open_survey

    frame = _data()
    for (region,), part in frame.group_by("region"):
        sub = tmp_path / f"region={region}"
        sub.mkdir()
        part.drop("region").write_parquet(sub / "part-0.parquet")
    design = DESIGNS["stratified clusters"]
    streamed = stream.gini(tmp_path, "y", design=design, by="region")
    survey = open_survey(tmp_path, design=DesignOptions(weight="w", strata="stratum", psu="psu"))
    assert survey.persons is not None
    assert survey.persons.frame.schema["region"] == pl.Int64
    expected = m.gini(survey, "y", by="region")
    assert [e.domain for e in streamed] == [{"region": r} for r in range(4)]
    for got, want in zip(streamed, expected, strict=True):
        assert got.domain == want.domain and got.n == want.n
        assert got.value == pytest.approx(want.value, rel=1e-9)
        assert got.se == pytest.approx(want.se, rel=1e-9)
    with pytest.raises(DataError, match="'county' is not in this file nor a key of its folders"):
        stream.gini(tmp_path, "y", design=design, by="county")


@pytest.mark.parametrize("ratio", ["qsr", "palma"])
@pytest.mark.parametrize("name", DESIGNS)
def test_streamed_share_ratios_equal_in_memory(name: str, ratio: str, tmp_path: Path) -> None:
    """Incomes rounded to tens (ties), many spill files, every design."""
    frame = _data().with_columns((pl.col("y") / 10).round() * 10)
    folder = _partitions(frame, tmp_path)
    design = DESIGNS[name]
    rule = "eurostat" if ratio == "palma" else "convey"
    streamed = getattr(stream, ratio)(folder, "y", design=design, by=BY, batch_rows=400, rule=rule)
    survey = Survey(persons=Table(name="persons", frame=_in_file_order(folder)), design=design)
    expected = getattr(m, ratio)(survey, "y", by=BY, rule=rule)
    assert len(streamed) == len(expected) == 8
    for got, want in zip(streamed, expected, strict=True):
        assert got.domain == want.domain and got.n == want.n and got.measure == want.measure
        assert got.value == pytest.approx(want.value, rel=1e-9)
        assert got.se == pytest.approx(want.se, rel=1e-9)


def test_qsr_by_hand(tmp_path: Path) -> None:
    """Ten units of weight 1, y = 1..10: q_0.2 = 2 and q_0.8 = 8 (convey), so
    S(q_0.2) = 1 + 2 = 3 and the top 20 % hold 9 + 10 = 19: QSR = 19 / 3."""
    frame = pl.DataFrame(
        {"y": [7.0, 2.0, 9.0, 4.0, 1.0, 10.0, 5.0, 3.0, 8.0, 6.0], "w": [1.0] * 10}
    )
    frame.write_parquet(tmp_path / "a.parquet")
    got = stream.qsr(tmp_path, "y", design=Design(weight="w"), batch_rows=3)
    assert got.value == pytest.approx(19 / 3, rel=1e-15)
